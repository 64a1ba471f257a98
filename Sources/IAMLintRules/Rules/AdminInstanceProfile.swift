import IAMLintCore
import IAMLintModel

/// IAM210: an instance profile carries a role that has administrator access and that EC2 may
/// assume: every instance launched with the profile, and everything that reaches its metadata
/// endpoint, is an administrator. (IAM201 reports the role's admin grant itself.)
public struct AdminInstanceProfile: Rule {
    public static let code = "IAM210"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var findings: [Finding] = []
        for profile in graph.instanceProfiles {
            let file = profile.provenance.file
            let name = profile.explicitName.flatMap { $0.isSymbolic ? nil : $0.value } ?? profile.logicalName
            for (i, ref) in profile.roles.enumerated() {
                for role in graph.resolve(ref, kind: .role, from: file) {
                    guard let admin = graph.adminGrant(role), Self.trustsEC2(graph, role) else { continue }
                    let at = profile.provenance.child(Self.rolePath(profile, index: i), range: ref.range)
                    findings.append(context.finding(
                        Message.adminProfile(profile: name, role: graph.principals[role].displayName, policy: admin.label), at: at,
                        subject: name, related: [RelatedLocation(location: admin.provenance.location, message: "administrator access granted here")]))
                }
            }
        }
        return findings
    }

    /// Where the profile names its `index`th role. The model keeps no path for it: CloudFormation
    /// writes `Properties.Roles[i]` under `Resources.X`, Terraform the `role` attribute.
    static func rolePath(_ profile: InstanceProfile, index: Int) -> String {
        profile.provenance.logicalPath.hasPrefix("Resources.") ? "Properties.Roles[\(index)]" : "role"
    }

    /// True when the role's trust policy admits the EC2 service.
    static func trustsEC2(_ graph: IAMGraph, _ role: Int) -> Bool {
        graph.trustEdges.contains { edge in
            guard edge.role == role, edge.principal.kind == .service else { return false }
            let service = edge.principal.text.value.lowercased()
            return service == "ec2.amazonaws.com" || service.hasPrefix("ec2.amazonaws.com.") || service == "ec2.${aws::urlsuffix}"
        }
    }

    enum Message {
        static func adminProfile(profile: String, role: String, policy: String) -> String {
            "instance profile '\(profile)' carries role '\(role)', which has administrator access (\(policy)): every EC2 instance launched with it is an administrator"
        }
    }
}
