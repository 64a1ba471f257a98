import IAMLintCore
import IAMLintModel

/// IAM308: SSO settings that cannot sign in: a profile with only one of `sso_account_id` and
/// `sso_role_name`, an `sso_session` that names no `[sso-session]` of the same setup, a legacy SSO
/// profile (`sso_start_url` without `sso_session`) missing one of its four settings, an
/// `[sso-session]` without `sso_start_url` or `sso_region`, and a profile that contradicts its
/// session's start URL or region.
///
/// A profile with `sso_session` alone is a token-only profile (for bearer-token services) and fine.
public struct IncompleteSSOProfile: Rule {
    public static let code = "IAM308"
    public static let asksDerivedFacts = false
    public init() {}

    static let legacyKeys = ["sso_start_url", "sso_region", "sso_account_id", "sso_role_name"]
    static let sessionKeys = ["sso_start_url", "sso_region"]

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for set in CLIProfileSet.sets(in: context.graph) {
            for profile in set.orderedProfiles {
                findings += check(profile, in: set, context)
            }
            for (name, session) in set.ssoSessions.sorted(by: { $0.key < $1.key }) {
                let missing = Self.sessionKeys.filter { session.properties[$0] == nil }
                if !missing.isEmpty {
                    findings.append(context.finding(Message.sessionMissing(session: name, missing: missing), at: session.provenance, subject: "sso-session \(name)"))
                }
            }
        }
        return findings
    }

    private func check(_ profile: MergedCLIProfile, in set: CLIProfileSet, _ context: RuleContext) -> [Finding] {
        let name = profile.name
        var findings: [Finding] = []
        if let sessionName = profile["sso_session"] {
            guard let session = set.ssoSessions[sessionName.value] else {
                let at = profile.provenance(of: "sso_session") ?? profile.provenance
                return [context.finding(Message.sessionNotFound(session: sessionName.value, profile: name), at: at, subject: name)]
            }
            if let missing = pairProblem(profile) {
                findings.append(context.finding(Message.pairMissing(profile: name, missing: missing), at: profile.provenance, subject: name))
            }
            for key in Self.sessionKeys {
                guard let own = profile[key], let theirs = session.properties[key], own.value != theirs.value,
                      let at = profile.provenance(of: key) else { continue }
                findings.append(context.finding(
                    Message.inconsistent(key: key, profile: name, session: sessionName.value), at: at, subject: name,
                    related: [RelatedLocation(location: SourceLocation(file: session.provenance.file, range: theirs.range), message: "sso-session '\(sessionName.value)' sets \(key) here")]))
            }
            return findings
        }
        let present = Self.legacyKeys.filter { profile.has($0) }
        guard !present.isEmpty else { return [] }
        let missing = Self.legacyKeys.filter { !profile.has($0) }
        if !missing.isEmpty {
            findings.append(context.finding(Message.legacyMissing(profile: name, missing: missing), at: profile.provenance, subject: name))
        }
        return findings
    }

    /// The missing half of `sso_account_id` / `sso_role_name` when only one is set.
    private func pairProblem(_ profile: MergedCLIProfile) -> String? {
        switch (profile.has("sso_account_id"), profile.has("sso_role_name")) {
        case (true, false): return "sso_role_name"
        case (false, true): return "sso_account_id"
        default: return nil
        }
    }

    enum Message {
        static func sessionNotFound(session: String, profile: String) -> String {
            "sso-session '\(session)' (referenced by profile '\(profile)') was not found in this directory's config file"
        }

        static func pairMissing(profile: String, missing: String) -> String {
            let other = missing == "sso_role_name" ? "sso_account_id" : "sso_role_name"
            return "profile '\(profile)' sets \(other) but not \(missing); SSO credentials need both"
        }

        static func inconsistent(key: String, profile: String, session: String) -> String {
            "the value for \(key) is inconsistent between profile '\(profile)' and sso-session '\(session)'"
        }

        static func legacyMissing(profile: String, missing: [String]) -> String {
            "profile '\(profile)' is configured to use SSO but is missing required configuration: \(missing.joined(separator: ", "))"
        }

        static func sessionMissing(session: String, missing: [String]) -> String {
            "sso-session '\(session)' is missing \(missing.joined(separator: " and ")); profiles that use it cannot sign in"
        }
    }
}
