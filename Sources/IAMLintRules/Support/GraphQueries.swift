import IAMLintCore
import IAMLintModel

/// One way for a principal to become a role, as the built-in rules see it: an identity policy of
/// the principal allows `sts:AssumeRole` on the role and the role's trust policy surely admits it.
///
/// The public face of the trust logic the built-in rules share, for code outside this module
/// (custom rule packs), so that "who can become whom" means the same thing everywhere.
public struct AssumeStep: Sendable {
    /// The principal index of the caller (a user or a role).
    public var from: Int
    /// The principal index of the role.
    public var to: Int
    /// The identity-policy statement that allows the call (an MFA-free one when there is one).
    public var assumeStatement: Statement
    /// The trust statement that admits the caller (an MFA-free one when there is one).
    public var trustStatement: Statement
    /// True when every way through the step demands MFA.
    public var requiresMFA: Bool
}

extension IAMGraph {
    /// Every assume step of the graph, one per (principal, role) pair, in the order of
    /// `assumeEdges`: the same steps as `assumeHops()`, found faster. A policy that allows
    /// `sts:AssumeRole` on `*` makes an edge to every role, and most of those roles' trust
    /// policies cannot admit the caller; `TrustGate` drops them before the trust is weighed.
    /// Computed once per graph (`DerivedFacts`).
    public func assumeSteps() -> [AssumeStep] {
        derived.value(AssumeStepsFact.self) { computeAssumeSteps() }
    }

    private func computeAssumeSteps() -> [AssumeStep] {
        let gate = TrustGate(self)
        var order: [Int64] = []
        var statementsByPair: [Int64: [Statement]] = [:]
        for edge in assumeEdges where gate.mayAdmit(edge.from, role: edge.role) {
            let key = Int64(edge.from) << 32 | Int64(edge.role)
            if statementsByPair[key] == nil { order.append(key) }
            statementsByPair[key, default: []].append(edge.statement)
        }
        var steps: [AssumeStep] = []
        var denies: [Int: Bool] = [:]
        for key in order {
            let from = Int(key >> 32), to = Int(key & 0xFFFF_FFFF)
            let (certainty, admitting) = trustAdmission(of: from, to: to)
            guard certainty == .yes, let firstTrust = admitting.first, let assumes = statementsByPair[key], let firstAssume = assumes.first else { continue }
            let freeAssume = assumes.first { !$0.requiresMFA }
            let freeTrust = admitting.first { !$0.requiresMFA }
            let callerDenies = denies[from] ?? {
                let d = deniesAssumeWithoutMFA(from)
                denies[from] = d
                return d
            }()
            let trustDenies = principals[to].trustPolicy?.deniesAssumeWithoutMFA ?? false
            steps.append(AssumeStep(
                from: from, to: to, assumeStatement: freeAssume ?? firstAssume, trustStatement: freeTrust ?? firstTrust,
                requiresMFA: freeAssume == nil || freeTrust == nil || callerDenies || trustDenies))
        }
        return steps
    }

    /// The Allow statements of role `role`'s trust policy that surely admit principal `x` (a user
    /// or a role); empty when none does or when the answer depends on the deployment.
    public func statementsSurelyAdmitting(_ x: Int, toRole role: Int) -> [Statement] {
        let admission = trustAdmission(of: x, to: role)
        return admission.certainty == .yes ? admission.statements : []
    }

    /// Whether one Allow statement of role `role`'s trust policy surely admits principal `x`.
    public func statementSurelyAdmits(_ statement: Statement, principal x: Int, role: Int) -> Bool {
        guard admits(statement, principal: x, role: role) == .yes else { return false }
        return !(principals[role].trustPolicy?.deniesOutsideCallers ?? false)
    }
}

/// `IAMGraph.assumeSteps()`, once per graph.
private enum AssumeStepsFact: DerivedFact {
    typealias Value = [AssumeStep]
}

/// Who each role's trust policy could surely admit, in the terms `admits(_:principal:role:)` uses:
/// `*`, a literal account id, a literal user or role name, or a placeholder (`${AWS::AccountId}`,
/// a `!Ref`'d name) that only principals of the same file or account can satisfy. A caller that
/// none of these can name is never admitted for sure, so its edges need no closer look.
struct TrustGate {
    private var anyone: [Bool]
    private var accounts: [Set<String>]
    private var names: [Set<String>]
    private var symbolic: [Bool]
    private let known: [String?]
    private let lowercasedNames: [String?]
    private let files: [String]

    init(_ graph: IAMGraph) {
        let count = graph.principals.count
        anyone = Array(repeating: false, count: count)
        accounts = Array(repeating: [], count: count)
        names = Array(repeating: [], count: count)
        symbolic = Array(repeating: false, count: count)
        known = graph.principals.indices.map { graph.knownAccount(of: $0) }
        lowercasedNames = graph.principals.map { p in p.explicitName.flatMap { $0.isSymbolic ? nil : $0.value.lowercased() } }
        files = graph.principals.map(\.provenance.file)
        for (r, role) in graph.principals.enumerated() where role.kind == .role {
            for statement in role.trustPolicy?.statements ?? [] where statement.effect == .allow && !statement.isNotPrincipal {
                for entry in statement.principals {
                    switch entry.identity {
                    case .anyone:
                        anyone[r] = true
                    case .account(let id):
                        if Self.hasPlaceholder(id) { symbolic[r] = true } else { accounts[r].insert(id) }
                    case .user(let account, let name), .role(let account, let name), .assumedRole(let account, let name):
                        let symbolicName = Self.hasPlaceholder(name)
                        if symbolicName || Self.hasPlaceholder(account) { symbolic[r] = true }
                        if !symbolicName { names[r].insert(name.lowercased()) }
                    case .other, .service, .federated:
                        continue
                    }
                }
            }
        }
    }

    /// `text.contains("${")`: on the bytes when the text is ASCII (where characters are bytes).
    static func hasPlaceholder(_ text: String) -> Bool {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return text.contains("${") }
        var previous: UInt8 = 0
        for c in text.utf8 {
            if c == UInt8(ascii: "{") && previous == UInt8(ascii: "$") { return true }
            previous = c
        }
        return false
    }

    /// False only when role `role`'s trust policy cannot surely admit principal `x`.
    func mayAdmit(_ x: Int, role: Int) -> Bool {
        if anyone[role] { return true }
        if let account = known[x], accounts[role].contains(account) { return true }
        if let name = lowercasedNames[x], names[role].contains(name) { return true }
        if symbolic[role] {
            if files[x] == files[role] { return true }
            if let a = known[x], a == known[role] { return true }
        }
        return false
    }
}
