import IAMLintCore
import IAMLintModel

/// The trust statements of the roles the files declare (`kind == .role`, no `implicitOrigin`), in
/// role order and then statement order, each with the traits that tell the trust rules apart,
/// read once per graph (`derived`). IAM102, IAM103 and IAM105–IAM108 each walked every role's
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
    }

    /// Per statement: the principal index of its role.
    private(set) var roles: [Int] = []
    private(set) var statements: [Statement] = []
    private(set) var traits: [Traits] = []

    init(_ graph: IAMGraph) {
        let kinds = graph.principalFacts.kinds
        // By position: the role is read in place (not copied), and each statement is copied
        // once, into the table.
        for index in kinds.indices where kinds[index] == .role && graph.principals[index].implicitOrigin == nil {
            guard let trust = graph.principals[index].trustPolicy else { continue }
            let trustStatements = trust.statements
            for position in trustStatements.indices {
                roles.append(index)
                statements.append(trustStatements[position])
                traits.append(Self.traits(of: trustStatements[position]))
            }
        }
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

    /// The positions, in order, of the statements with every trait of `required` and none of `excluded`.
    func positions(with required: Traits, without excluded: Traits = []) -> [Int] {
        traits.indices.filter { traits[$0].isSuperset(of: required) && traits[$0].isDisjoint(with: excluded) }
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
