import IAMLintCore
import IAMLintModel

/// IAM303: a profile assumes a role that the repository defines, and the role's trust policy does
/// not admit the profile's source: the profile cannot work.
///
/// The caller is known when the source profile itself assumes a role (its `role_arn`) or signs in
/// through SSO (its `sso_account_id`); for static keys, `credential_process` and
/// `credential_source` only the account-independent question is asked: does the trust admit any
/// AWS principal at all? Symbolic or unknown trust entries count as admitting.
public struct ProfileRoleNotTrusted: Rule {
    public static let code = "IAM303"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var findings: [Finding] = []
        for hop in ProfileRoleHop.all(in: graph) {
            if hop.caller == .unknown { continue }
            let refused = hop.roles.allSatisfy { hop.admitting(graph, role: $0)?.isEmpty ?? false }
            guard refused, let role = hop.roles.first, let trust = graph.principals[role].trustPolicy else { continue }
            let name = graph.principals[role].displayName
            let message: String
            switch hop.caller {
            case .role, .account:
                message = Message.notAdmitted(profile: hop.profile.name, role: name, caller: hop.caller.description)
            case .webIdentity:
                message = Message.noFederated(profile: hop.profile.name, role: name)
            case .unknownAWS(let via):
                message = Message.noAWSPrincipal(profile: hop.profile.name, role: name, trusted: trusted(trust), via: via)
            case .unknown:
                continue
            }
            findings.append(context.finding(
                message, at: hop.at, subject: hop.profile.name,
                related: [RelatedLocation(location: trust.provenance.location, message: "trust policy of role '\(name)'")]))
        }
        return findings
    }

    /// The principals the trust admits to assuming the role, for the message.
    private func trusted(_ trust: PolicyDocument) -> String {
        var seen = Set<String>()
        let names = trust.statements.filter { $0.effect == .allow && $0.coversAssumeRole }
            .flatMap(\.principals).map(\.text.value).filter { seen.insert($0).inserted }
        return names.isEmpty ? "no principal" : names.joined(separator: ", ")
    }

    enum Message {
        static func notAdmitted(profile: String, role: String, caller: String) -> String {
            "profile '\(profile)' assumes role '\(role)', whose trust policy does not admit \(caller); the profile cannot work"
        }

        static func noFederated(profile: String, role: String) -> String {
            "profile '\(profile)' assumes role '\(role)' with a web identity token, but the role's trust policy admits no federated principal to sts:AssumeRoleWithWebIdentity; the profile cannot work"
        }

        static func noAWSPrincipal(profile: String, role: String, trusted: String, via: String) -> String {
            "profile '\(profile)' assumes role '\(role)', whose trust policy admits no AWS principal (only \(trusted)), so \(via) cannot assume it"
        }
    }
}
