import IAMLintCore
import IAMLintModel

/// The trust statements of the roles (`kind == .role`), in role order and then statement order,
/// each with the traits that tell the trust rules apart, read once per graph (`derived`).
/// `positions` gives only those of the roles the files declare (no `implicitOrigin`); `TrustGate`
/// reads every row. IAM102, IAM103 and IAM105–IAM108 each walked every role's
/// storage, trust document and statements (and each statement's principals) to find the few
/// they judge; at 100,000 principals that walk, through objects scattered over the heap, was
/// most of their time. They now look at the traits and touch only the statements that match.
struct TrustStatementTable: Sendable {
    struct Traits: OptionSet, Sendable {
        let rawValue: UInt16

        /// `effect == .allow`.
        static let allow = Traits(rawValue: 1 << 0)
        /// `isNotPrincipal`.
        static let notPrincipal = Traits(rawValue: 1 << 1)
        /// `isNotAction`.
        static let notAction = Traits(rawValue: 1 << 2)
        /// A `Service` principal entry.
        static let service = Traits(rawValue: 1 << 3)
        /// A `Federated` principal entry.
        static let federated = Traits(rawValue: 1 << 4)
        /// A principal entry whose identity is `.anyone`.
        static let anyone = Traits(rawValue: 1 << 5)
        /// An `AWS` entry read as an account or not understood (`.account`, `.other`): the only
        /// entries that can name an account.
        static let mayNameAccount = Traits(rawValue: 1 << 6)
        /// An action (or `NotAction`) text with `*` or `?` in it.
        static let wildcardAction = Traits(rawValue: 1 << 7)
        /// `requiresMFA`: asked here, while the statement is at hand, rather than by a rule
        /// that would reach the statement's conditions again through memory long since left.
        static let requiresMFA = Traits(rawValue: 1 << 8)
        /// The role is made implicitly (`implicitOrigin`), not declared by a file: `positions`
        /// leaves its statements out.
        static let implicitRole = Traits(rawValue: 1 << 9)
    }

    /// Per statement: the principal index of its role.
    private(set) var roles: [Int] = []
    private(set) var statements: [Statement] = []
    private(set) var traits: [Traits] = []
    /// `rowStarts[i]..<rowStarts[i + 1]`: the rows of principal `i`'s statements (none for a
    /// principal that is not a role or has no trust policy).
    private var rowStarts: [Int32] = []

    init(_ graph: IAMGraph) {
        let kinds = graph.principalFacts.kinds
        rowStarts.reserveCapacity(kinds.count + 1)
        // By position: the role is read in place (not copied), and each statement is copied
        // once, into the table.
        for index in kinds.indices {
            rowStarts.append(Int32(statements.count))
            guard kinds[index] == .role, let trust = graph.principals[index].trustPolicy else { continue }
            let implicit: Traits = graph.principals[index].implicitOrigin == nil ? [] : .implicitRole
            let trustStatements = trust.statements
            for position in trustStatements.indices {
                roles.append(index)
                statements.append(trustStatements[position])
                traits.append(Self.traits(of: trustStatements[position]).union(implicit))
            }
        }
        rowStarts.append(Int32(statements.count))
    }

    /// The rows of role `role`'s trust statements, in statement order.
    func rows(of role: Int) -> Range<Int> {
        Int(rowStarts[role])..<Int(rowStarts[role + 1])
    }

    static func traits(of statement: Statement) -> Traits {
        var traits: Traits = []
        if statement.effect == .allow { traits.insert(.allow) }
        if statement.isNotPrincipal { traits.insert(.notPrincipal) }
        if statement.isNotAction { traits.insert(.notAction) }
        // By position: a copy of each entry (its text and identity) cost more than the tests.
        let entries = statement.principals
        for position in entries.indices {
            switch entries[position].kind {
            case .service:
                traits.insert(.service)
            case .federated:
                traits.insert(.federated)
            case .aws:
                switch entries[position].identity {
                case .account, .other: traits.insert(.mayNameAccount)
                default: break
                }
            case .canonicalUser, .anyone:
                break
            }
            if case .anyone = entries[position].identity { traits.insert(.anyone) }
        }
        if statement.actions.contains(where: { hasWildcard($0.value) }) { traits.insert(.wildcardAction) }
        if statement.requiresMFA { traits.insert(.requiresMFA) }
        return traits
    }

    /// `Wildcards.contains(text)` in one pass over the bytes (`*` and `?` are single bytes in
    /// UTF-8, never part of another character), rather than a search for each.
    static func hasWildcard(_ text: String) -> Bool {
        text.utf8.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") }
    }

    /// The positions, in order, of the statements of declared roles with every trait of
    /// `required` and none of `excluded`.
    func positions(with required: Traits, without excluded: Traits = []) -> [Int] {
        let excluded = excluded.union(.implicitRole)
        return traits.indices.filter { traits[$0].isSuperset(of: required) && traits[$0].isDisjoint(with: excluded) }
    }
}

private enum TrustStatementTableFact: DerivedFact {
    typealias Value = TrustStatementTable
}

extension IAMGraph {
    /// `TrustStatementTable`, once per graph.
    var trustStatementTable: TrustStatementTable {
        derived.value(TrustStatementTableFact.self) { TrustStatementTable(self) }
    }
}
