import IAMLintCore
import IAMLintModel

/// The kinds of graph entity a custom rule can select (`match:` keys and selector keys).
public enum MatchKind: String, CaseIterable, Sendable, Hashable, Comparable {
    case account
    case user
    case group
    case role
    case policy
    case statement
    case trustStatement = "trust-statement"
    case profile
    case assumeEdge = "assume-edge"

    /// How messages name the kind: `role`, `trust statement`.
    public var noun: String { rawValue.replacing("-", with: " ") }

    public static func < (a: MatchKind, b: MatchKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    static let principals: Set<MatchKind> = [.user, .group, .role]
    static let all = Set(allCases)

    /// `user, group and role`, for messages.
    static func list(_ kinds: Set<MatchKind>) -> String {
        let names = kinds.sorted().map(\.rawValue)
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " and " + names.last!
    }
}

/// One entity of the graph, as the evaluator addresses it.
enum Entity: Hashable, Sendable {
    /// An index into `GraphIndex.accounts`.
    case account(Int)
    /// A user, group or role: an index into `IAMGraph.principals`.
    case principal(Int)
    /// An identity policy document: an index into `GraphIndex.policies`.
    case policy(Int)
    /// A statement of an identity policy document.
    case statement(policy: Int, index: Int)
    /// A statement of a role's trust policy.
    case trustStatement(role: Int, index: Int)
    /// An index into `IAMGraph.profiles` (one section of a config or credentials file).
    case profile(Int)
    /// An index into `GraphIndex.steps`.
    case assumeEdge(Int)
}

/// A glob of the match language: `*` any run of characters (`/` included), `?` one character.
struct MatchGlob: Sendable, Hashable {
    let pattern: String
    let caseInsensitive: Bool
    private let bytes: [UInt8]
    private let hasWildcard: Bool

    init(_ pattern: String, caseInsensitive: Bool) {
        self.pattern = pattern
        self.caseInsensitive = caseInsensitive
        let raw = Array(pattern.utf8)
        bytes = caseInsensitive ? raw.map(ASCII.lower) : raw
        hasWildcard = raw.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") }
    }

    func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { match($0) }
    }

    private func match(_ t: UnsafeBufferPointer<UInt8>) -> Bool {
        let ci = caseInsensitive
        if !hasWildcard {
            guard t.count == bytes.count else { return false }
            for i in 0..<t.count where (ci ? ASCII.lower(t[i]) : t[i]) != bytes[i] { return false }
            return true
        }
        return Wildcard.matchBytes(bytes, t, foldText: ci)
    }
}

/// How a test compares a property's values with globs.
enum Matcher: Sendable {
    /// Some value matches one of the globs (false when there is no value).
    case some([MatchGlob])
    /// Every value matches one of the globs (true when there is no value).
    case only([MatchGlob])

    func test(_ values: [String]) -> Bool {
        switch self {
        case .some(let globs): return values.contains { v in globs.contains { $0.matches(v) } }
        case .only(let globs): return values.allSatisfy { v in globs.contains { $0.matches(v) } }
        }
    }
}

/// A test of `allowed-actions`: globs over IAM action names, expanded through the action catalog.
struct ActionTest: Sendable {
    /// Identifies the test within its rule, for the evaluator's memo.
    var slot: Int
    var globs: [MatchGlob]
    var only: Bool
    /// Lower-cased `service:action` names of the catalog that match one of the globs.
    var candidates: [String]
}

/// A test of a statement's `Condition` block: some clause whose key, operator and values match.
struct ClauseTest: Sendable {
    var key: [MatchGlob]?
    var op: [MatchGlob]?
    var values: Matcher?
}

/// A test on one entity. Graph predicates carry a slot: the evaluator computes their answer for
/// the whole graph once per run of the rule and keeps it there.
indirect enum Condition: Sendable {
    case always
    case all([Condition])
    case any([Condition])
    case not(Condition)
    case property(Property, Matcher)
    case actions(ActionTest)
    case relation(Relation, Condition)
    case clause(ClauseTest)
    case reachableFrom(Selector, withoutMFA: Bool, slot: Int)
    case trustedBy(Selector, slot: Int)

    /// A rough cost of testing one entity, to test cheap things first: properties, then
    /// relations and condition clauses, then action sets, then graph predicates.
    var cost: Int {
        switch self {
        case .always, .property: return 0
        case .clause: return 1
        case .relation(_, let c): return 1 + c.cost
        case .actions: return 2
        case .not(let c): return c.cost
        case .all(let list), .any(let list): return list.map(\.cost).max() ?? 0
        case .reachableFrom, .trustedBy: return 4
        }
    }

    /// The tests of an `all` or `any`, cheapest first (conditions have no side effects, so the
    /// order changes only how soon the answer is known).
    static func byCost(_ list: [Condition]) -> [Condition] {
        list.enumerated().sorted { ($0.element.cost, $0.offset) < ($1.element.cost, $1.offset) }.map(\.element)
    }

    /// The first graph predicate of this kind in the tree (pre-order), for messages and related locations.
    func firstSlot(reachable: Bool) -> Int? {
        switch self {
        case .always, .property, .actions, .clause: return nil
        case .all(let list), .any(let list):
            for c in list { if let s = c.firstSlot(reachable: reachable) { return s } }
            return nil
        case .not(let c), .relation(_, let c): return c.firstSlot(reachable: reachable)
        case .reachableFrom(_, _, let slot): return reachable ? slot : nil
        case .trustedBy(_, let slot): return reachable ? nil : slot
        }
    }
}

/// Entities of one or more kinds that satisfy the condition given for their kind.
struct Selector: Sendable {
    var branches: [Branch]

    struct Branch: Sendable {
        var kind: MatchKind
        var condition: Condition
    }

    var kinds: Set<MatchKind> { Set(branches.map(\.kind)) }

    func firstSlot(reachable: Bool) -> Int? {
        for b in branches { if let s = b.condition.firstSlot(reachable: reachable) { return s } }
        return nil
    }
}

/// A `message:` with `{placeholder}`s, checked when the rule is loaded.
struct MessageTemplate: Sendable {
    enum Part: Sendable {
        case text(String)
        /// A property of the entity, or of the first entity a relation leads to.
        case property(Relation?, Property)
        case kind
        /// Who reaches the role (the first `reachable-from` of the match).
        case reachableFrom
        /// Who trusts the entity (the first `trusted-by` of the match).
        case trustedBy
    }

    var parts: [Part]
}
