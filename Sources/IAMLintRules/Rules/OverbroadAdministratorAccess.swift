import IAMLintCore
import IAMLintModel

/// IAM201: administrator access granted directly to a user or a group, or to a role that an AWS
/// service assumes. Admin belongs on a dedicated role that people assume with MFA.
public struct OverbroadAdministratorAccess: Rule {
    public static let code = "IAM201"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var services: [Int: [String]] = [:]
        for edge in graph.trustEdges where edge.principal.kind == .service {
            services[edge.role, default: []].append(edge.principal.text.value)
        }
        var findings: [Finding] = []
        let administrators = graph.administrators
        for index in graph.principals.indices where administrators[index] {
            let principal = graph.principals[index]
            let holder: String
            switch principal.kind {
            case .user:
                holder = "user '\(principal.displayName)'"
            case .group:
                holder = "group '\(principal.displayName)'"
            case .role:
                guard let service = services[index]?.sorted().first else { continue }
                holder = "role '\(principal.displayName)', assumed by service \(service),"
            default:
                continue
            }
            for grant in graph.grants[index] where grant.viaGroup == nil && grant.isAdministratorEquivalent {
                findings.append(context.finding(
                    Message.granted(holder: holder, policy: grant.label), at: grant.provenance,
                    subject: principal.displayName))
            }
        }
        return findings
    }

    enum Message {
        static func granted(holder: String, policy: String) -> String {
            "\(holder) is granted administrator access by \(policy); grant it to a role that people assume with MFA"
        }
    }
}
