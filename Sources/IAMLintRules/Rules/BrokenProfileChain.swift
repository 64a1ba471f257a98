import IAMLintCore
import IAMLintModel

/// IAM302: an assume-role profile whose source chain botocore cannot resolve: a `source_profile`
/// that does not exist, a loop, `source_profile` together with `credential_source`, an invalid
/// `credential_source`, `role_arn` without any source, or a source profile without credentials.
///
/// Each profile with `role_arn` (and no `web_identity_token_file`) is resolved as botocore's
/// `AssumeRoleProvider` does; a problem is reported once, where it is written.
public struct BrokenProfileChain: Rule {
    public static let code = "IAM302"
    public init() {}

    /// botocore's `CanonicalNameCredentialSourcer` names, compared case-sensitively.
    static let credentialSources = ["Environment", "Ec2InstanceMetadata", "EcsContainer"]

    struct Problem {
        var message: String
        var at: Provenance
        var subject: String
        var related: [RelatedLocation] = []
        /// For a loop: its profiles, so that a loop met from each of them is reported once.
        var loop: [String]?
    }

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for set in CLIProfileSet.sets(in: context.graph) {
            var seen = Set<String>()
            for profile in set.orderedProfiles where profile.assumesRole {
                var visited = [profile.name]
                var problems: [Problem] = []
                resolve(profile, in: set, visited: &visited, problems: &problems)
                for problem in problems {
                    let key = problem.loop.map { "loop\u{0}" + $0.sorted().joined(separator: "\u{0}") }
                        ?? "\(problem.at.file)\u{0}\(problem.at.range.start)\u{0}\(problem.at.logicalPath)"
                    guard seen.insert(key).inserted else { continue }
                    findings.append(context.finding(problem.message, at: problem.at, subject: problem.subject, related: problem.related))
                }
            }
        }
        return findings
    }

    /// Follows `profile`'s source as botocore does, appending the first problem met.
    private func resolve(_ profile: MergedCLIProfile, in set: CLIProfileSet, visited: inout [String], problems: inout [Problem]) {
        let name = profile.name
        let source = profile["source_profile"]
        let credentialSource = profile["credential_source"]
        let roleArnAt = profile.provenance(of: "role_arn") ?? profile.provenance
        if source != nil, credentialSource != nil {
            let at = profile.provenance(of: "credential_source") ?? roleArnAt
            problems.append(Problem(message: Message.both(name), at: at, subject: name))
            return
        }
        if let credentialSource {
            if !Self.credentialSources.contains(credentialSource.value) {
                problems.append(Problem(
                    message: Message.invalidCredentialSource(credentialSource.value, profile: name),
                    at: profile.provenance(of: "credential_source") ?? roleArnAt, subject: name))
            }
            return
        }
        guard let source else {
            problems.append(Problem(message: Message.noSource(name), at: roleArnAt, subject: name))
            return
        }
        let sourceAt = profile.provenance(of: "source_profile") ?? roleArnAt
        guard let sourceProfile = set.profiles[source.value] else {
            problems.append(Problem(message: Message.missingSource(source.value, profile: name), at: sourceAt, subject: name))
            return
        }
        let defined = RelatedLocation(location: sourceProfile.provenance.location, message: "profile '\(sourceProfile.name)' defined here")
        if visited.contains(source.value) {
            if source.value != name {
                let loop = Array(visited[(visited.firstIndex(of: source.value) ?? 0)...])
                problems.append(Problem(
                    message: Message.loop(profile: name, source: source.value, visited: visited), at: sourceAt, subject: name,
                    related: [defined], loop: loop))
                return
            }
            if !sourceProfile.hasStaticKeys {
                problems.append(Problem(message: Message.selfLoop(name), at: sourceAt, subject: name))
                return
            }
        } else {
            visited.append(source.value)
        }
        if sourceProfile.hasStaticKeys {
            let hasID = sourceProfile.has("aws_access_key_id")
            let hasSecret = sourceProfile.has("aws_secret_access_key")
            if hasID != hasSecret, hasID || !sourceProfile.providesCredentialsOtherThanStaticKeys {
                let present = hasID ? "aws_access_key_id" : "aws_secret_access_key"
                let missing = hasID ? "aws_secret_access_key" : "aws_access_key_id"
                problems.append(Problem(
                    message: Message.partial(source: sourceProfile.name, profile: name, missing: missing),
                    at: sourceProfile.provenance(of: present) ?? sourceProfile.provenance, subject: sourceProfile.name,
                    related: [RelatedLocation(location: sourceAt.location, message: "profile '\(name)' uses it as source_profile")]))
            }
            return
        }
        if sourceProfile.assumesRole {
            resolve(sourceProfile, in: set, visited: &visited, problems: &problems)
            return
        }
        if !sourceProfile.providesCredentialsItself {
            problems.append(Problem(
                message: Message.noCredentials(source: sourceProfile.name, profile: name), at: sourceAt, subject: name,
                related: [defined]))
        }
    }

    enum Message {
        static func both(_ profile: String) -> String {
            "profile '\(profile)' contains both source_profile and credential_source"
        }

        static func invalidCredentialSource(_ value: String, profile: String) -> String {
            "the credential source '\(value)' referenced in profile '\(profile)' is not valid (botocore accepts Environment, Ec2InstanceMetadata and EcsContainer, case-sensitively)"
        }

        static func noSource(_ profile: String) -> String {
            "profile '\(profile)' has role_arn but no source_profile or credential_source: partial credentials found in assume-role, missing: source_profile or credential_source"
        }

        static func missingSource(_ source: String, profile: String) -> String {
            "the source_profile '\(source)' referenced in profile '\(profile)' does not exist in this directory's config or credentials file"
        }

        static func loop(profile: String, source: String, visited: [String]) -> String {
            "infinite loop in credential configuration detected: profile '\(profile)' names source_profile '\(source)', which has already been visited (visited profiles: \(visited.joined(separator: ", ")))"
        }

        static func selfLoop(_ profile: String) -> String {
            "infinite loop in credential configuration detected: profile '\(profile)' is its own source_profile but holds no static keys"
        }

        static func noCredentials(source: String, profile: String) -> String {
            "the source profile '\(source)' of profile '\(profile)' must have credentials: it has no static keys, role_arn, SSO settings or credential_process"
        }

        static func partial(source: String, profile: String, missing: String) -> String {
            "partial credentials found in profile '\(source)', the source profile of '\(profile)', missing: \(missing)"
        }
    }
}
