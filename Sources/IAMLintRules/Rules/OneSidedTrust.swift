import IAMLintCore
import IAMLintModel

/// IAM111: a principal's policy allows `sts:AssumeRole` on a role that the repository defines and
/// names exactly, but the role's trust policy admits neither that principal, nor its account, nor
/// anyone: the call always fails. Usually a typo in one of the two policies, or a trust that was
/// narrowed without the grant. Trusts that may admit the principal (unconfigured accounts,
/// parameters, conditions) are left alone.
public struct OneSidedTrust: Rule {
    public static let code = "IAM111"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var findings: [Finding] = []
        var seen = Set<Int64>()
        // Each role's ARN forms, spelt when a statement that names a resource without a
        // wildcard first reaches it (most edges come from patterns, which never name a role
        // exactly).
        var arns = [[String]?](repeating: nil, count: graph.principals.count)
        // Each statement's resources written without a wildcard, by statement; edges come
        // grouped by caller, so the previous edge's statement is tried first.
        var literals: [ObjectIdentifier: [String]] = [:]
        var lastStatement: ObjectIdentifier?
        var lastLiterals: [String] = []
        let facts = graph.principalFacts
        let edges = graph.assumeEdges
        // By position, the statement's identity read in place: most edges are ruled out by
        // their statement's literals without holding the statement.
        for position in edges.indices {
            let identity = edges[position].statement.copyIdentity
            if identity != lastStatement {
                lastStatement = identity
                if let known = literals[identity] {
                    lastLiterals = known
                } else {
                    lastLiterals = Self.literalResources(edges[position].statement)
                    literals[identity] = lastLiterals
                }
            }
            guard !lastLiterals.isEmpty else { continue }
            let to = edges[position].role
            let candidates: [String]
            if let known = arns[to] {
                candidates = known
            } else {
                candidates = Self.arnForms(role: to, graph: graph)
                arns[to] = candidates
            }
            // The texts are compared first; whether one resolves to the role (a look-up in the
            // graph's indexes) is asked only for pairs whose trust refuses the caller.
            guard lastLiterals.contains(where: { candidates.contains($0) }) else { continue }
            let from = edges[position].from
            let statement = edges[position].statement
            let role = graph.principals[to]
            guard let trust = role.trustPolicy else { continue }
            let pair = Int64(from) << 32 | Int64(to)
            guard !seen.contains(pair) else { continue }
            // The admission depends only on the pair: one that the trust may admit has no
            // finding on any of its edges, and is not weighed again.
            guard !graph.trustMayAdmit(from, to: to, facts: facts) else {
                seen.insert(pair)
                continue
            }
            guard let named = namedResource(statement, role: to, arns: candidates, graph: graph) else { continue }
            seen.insert(pair)
            findings.append(context.finding(
                Message.oneSided(caller: graph.describe(from), role: role.displayName),
                at: statement.provenance(ofResource: named), subject: graph.principals[from].displayName,
                related: [RelatedLocation(location: trust.provenance.location, message: "trust policy of role '\(role.displayName)'")]))
        }
        return findings
    }

    /// The resource of the statement that names the role exactly: no wildcard, the role's ARN (a
    /// symbolic one only within the role's file).
    /// `arns`: the role's ARN, and its `arn:aws:` form when the partition is a placeholder.
    func namedResource(_ statement: Statement, role: Int, arns: [String], graph: IAMGraph) -> PolicyText? {
        guard !statement.isNotResource else { return nil }
        return statement.resources.first { text in
            Self.spells(text, arns) && graph.resolve(text, kind: .role, from: statement.provenance.file).contains(role)
        }
    }

    /// The resources of the statement (not `NotResource`) written without a wildcard: a text
    /// `spells` a role's ARN only when it is one of these.
    static func literalResources(_ statement: Statement) -> [String] {
        guard !statement.isNotResource else { return [] }
        return statement.resources.compactMap { Wildcards.contains($0.value) ? nil : $0.value }
    }

    /// True when the text is one of `arns` and has no wildcard.
    static func spells(_ text: PolicyText, _ arns: [String]) -> Bool {
        arns.contains(text.value) && !Wildcards.contains(text.value)
    }

    static func arnForms(role: Int, graph: IAMGraph) -> [String] {
        let arn = graph.arn(of: role)
        let placeholder = "arn:${AWS::Partition}:"
        if arn.hasPrefix(placeholder) { return [arn, "arn:aws:" + arn.dropFirst(placeholder.count)] }
        return [arn]
    }

    enum Message {
        static func oneSided(caller: String, role: String) -> String {
            "\(caller) may assume role '\(role)', but the role's trust policy does not admit it"
        }
    }
}
