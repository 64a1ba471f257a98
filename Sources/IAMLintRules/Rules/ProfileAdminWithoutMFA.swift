import IAMLintCore
import IAMLintModel

/// IAM304: a profile assumes an administrator-equivalent role of the repository without
/// `mfa_serial`. Only the profile's own `mfa_serial` counts for its hop: one on the source profile
/// covers the source's hop, not this one.
///
/// Hops where an MFA code cannot be given are left out: web identity, SSO sources (sign-in has its
/// own MFA), and instance or container credentials (`credential_source` Ec2InstanceMetadata or
/// EcsContainer). So are roles that cannot be used without MFA anyway: every trust statement that
/// admits the caller requires MFA, or the role's policies deny everything without it.
public struct ProfileAdminWithoutMFA: Rule {
    public static let code = "IAM304"
    public init() {}

    static let machineSources: Set<String> = ["Ec2InstanceMetadata", "EcsContainer"]

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var findings: [Finding] = []
        for hop in ProfileRoleHop.all(in: graph) where hop.profile.assumesRole && !hop.profile.has("mfa_serial") {
            switch hop.caller {
            case .webIdentity, .account, .unknown: continue
            case .role, .unknownAWS: break
            }
            if let source = hop.profile["credential_source"]?.value, Self.machineSources.contains(source) { continue }
            let admins = hop.roles.compactMap { role in graph.adminGrant(role).map { (role, $0) } }
            guard admins.count == hop.roles.count, let (role, grant) = admins.first else { continue }
            let mfaForced = hop.roles.allSatisfy { role in
                if graph.enforcesMFAByPolicy(role) { return true }
                guard let admitting = hop.admitting(graph, role: role) else { return false }
                return !admitting.isEmpty && admitting.allSatisfy(\.requiresMFA)
            }
            if mfaForced { continue }
            if hop.roles.contains(where: { hop.admitting(graph, role: $0)?.isEmpty ?? false }) { continue }
            let name = graph.principals[role].displayName
            findings.append(context.finding(
                Message.withoutMFA(profile: hop.profile.name, role: name, policy: grant.label), at: hop.at, subject: hop.profile.name,
                related: [RelatedLocation(location: grant.provenance.location, message: "administrator access of role '\(name)' granted here")]))
        }
        return findings
    }

    enum Message {
        static func withoutMFA(profile: String, role: String, policy: String) -> String {
            "profile '\(profile)' assumes role '\(role)', which has administrator access (\(policy)), without mfa_serial"
        }
    }
}
