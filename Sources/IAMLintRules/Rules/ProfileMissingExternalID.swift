import IAMLintCore
import IAMLintModel

/// IAM305: a profile assumes a role of the repository whose trust demands `sts:ExternalId` (every
/// Allow statement that could admit the profile's caller has the condition), and the profile has
/// no `external_id`: every AssumeRole call is refused.
public struct ProfileMissingExternalID: Rule {
    public static let code = "IAM305"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var findings: [Finding] = []
        for hop in ProfileRoleHop.all(in: graph) where hop.profile.assumesRole && !hop.profile.has("external_id") {
            var demanding: [Statement] = []
            let demanded = hop.roles.allSatisfy { role in
                guard let admitting = hop.admitting(graph, role: role), !admitting.isEmpty,
                      admitting.allSatisfy(ProfileTrust.requiresExternalID) else { return false }
                demanding += admitting
                return true
            }
            guard demanded, let role = hop.roles.first else { continue }
            let name = graph.principals[role].displayName
            findings.append(context.finding(
                Message.missing(profile: hop.profile.name, role: name), at: hop.at, subject: hop.profile.name,
                related: demanding.map { RelatedLocation(location: $0.provenance.location, message: "trust statement of role '\(name)' that requires sts:ExternalId") }))
        }
        return findings
    }

    enum Message {
        static func missing(profile: String, role: String) -> String {
            "profile '\(profile)' assumes role '\(role)', whose trust policy requires sts:ExternalId, but the profile sets no external_id; every AssumeRole call is refused"
        }
    }
}
