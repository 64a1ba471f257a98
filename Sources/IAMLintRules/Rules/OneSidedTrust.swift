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
        // Each role's ARN forms, spelt when an edge first reaches it.
        var arns = [[String]?](repeating: nil, count: graph.principals.count)
        let facts = graph.principalFacts
        for edge in graph.assumeEdges {
            let to = edge.role
            let candidates = arns[to] ?? {
                let found = Self.arnForms(role: to, graph: graph)
                arns[to] = found
                return found
            }()
            // The texts are compared first; whether one resolves to the role (a look-up in the
            // graph's indexes) is asked only for pairs whose trust refuses the caller.
            guard spellsARN(edge.statement, arns: candidates) else { continue }
            let role = graph.principals[to]
            guard let trust = role.trustPolicy else { continue }
            let pair = Int64(edge.from) << 32 | Int64(to)
            guard !seen.contains(pair) else { continue }
            // The admission depends only on the pair: one that the trust may admit has no
            // finding on any of its edges, and is not weighed again.
            guard graph.trustAdmission(of: edge.from, to: to, facts: facts).certainty == .no else {
                seen.insert(pair)
                continue
            }
            guard let named = namedResource(edge.statement, role: to, arns: candidates, graph: graph) else { continue }
            seen.insert(pair)
            findings.append(context.finding(
                Message.oneSided(caller: graph.describe(edge.from), role: role.displayName),
                at: edge.statement.provenance(ofResource: named), subject: graph.principals[edge.from].displayName,
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

    /// True when a resource of the statement (not `NotResource`) is one of `arns`, without a
    /// wildcard: the test `namedResource` makes before it resolves the text.
    func spellsARN(_ statement: Statement, arns: [String]) -> Bool {
        !statement.isNotResource && statement.resources.contains { Self.spells($0, arns) }
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
