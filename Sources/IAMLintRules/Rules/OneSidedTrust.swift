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
        var seen = Set<[Int]>()
        for edge in graph.assumeEdges {
            let role = graph.principals[edge.role]
            guard let trust = role.trustPolicy, let named = namedResource(edge.statement, role: edge.role, graph: graph) else { continue }
            guard seen.insert([edge.from, edge.role]).inserted else { continue }
            guard graph.trustAdmission(of: edge.from, to: edge.role).certainty == .no else { continue }
            findings.append(context.finding(
                Message.oneSided(caller: graph.describe(edge.from), role: role.displayName),
                at: edge.statement.provenance(ofResource: named), subject: graph.principals[edge.from].displayName,
                related: [RelatedLocation(location: trust.provenance.location, message: "trust policy of role '\(role.displayName)'")]))
        }
        return findings
    }

    /// The resource of the statement that names the role exactly: no wildcard, the role's ARN (a
    /// symbolic one only within the role's file).
    func namedResource(_ statement: Statement, role: Int, graph: IAMGraph) -> PolicyText? {
        guard !statement.isNotResource else { return nil }
        let literal = statement.resources.filter { !Wildcards.contains($0.value) }
        guard !literal.isEmpty else { return nil }  // most grants: no need to spell the role's ARN
        let arn = graph.arn(of: role)
        var candidates = [arn]
        let placeholder = "arn:${AWS::Partition}:"
        if arn.hasPrefix(placeholder) { candidates.append("arn:aws:" + arn.dropFirst(placeholder.count)) }
        return literal.first { text in
            candidates.contains(text.value) && graph.resolve(text, kind: .role, from: statement.provenance.file).contains(role)
        }
    }

    enum Message {
        static func oneSided(caller: String, role: String) -> String {
            "\(caller) may assume role '\(role)', but the role's trust policy does not admit it"
        }
    }
}
