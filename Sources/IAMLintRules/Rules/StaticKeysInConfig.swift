import IAMLintCore
import IAMLintModel

/// IAM306: static keys (`aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`) in a
/// `config` file. The SDKs read them, but they belong in `credentials`, the file tools create
/// with owner-only permissions and that people know to keep out of repositories. Whether keys
/// are committed at all is IAM501's business.
public struct StaticKeysInConfig: Rule {
    public static let code = "IAM306"
    public static let asksDerivedFacts = false
    public init() {}

    static let keys = ["aws_access_key_id", "aws_secret_access_key", "aws_session_token"]

    public func check(_ context: RuleContext) -> [Finding] {
        // A file read as `config` only because of its extension (`*.ini`) may be a credentials
        // file; it counts as a config file when it is named `config` or uses config sections.
        var configFiles = Set<String>()
        for profile in context.graph.profiles where profile.source == .config {
            let file = profile.provenance.file
            let name = file.split(separator: "/").last.map(String.init) ?? file
            if name == "config" || profile.name != "default" { configFiles.insert(file) }
        }
        for session in context.graph.ssoSessions { configFiles.insert(session.provenance.file) }
        return context.graph.profiles.compactMap { profile in
            guard profile.source == .config, configFiles.contains(profile.provenance.file) else { return nil }
            let present = Self.keys.filter { profile.properties[$0] != nil }
            let first = present.min { (profile.properties[$0]?.range.start ?? .start) < (profile.properties[$1]?.range.start ?? .start) }
            guard let first, let at = profile.provenance(of: first) else { return nil }
            return context.finding(Message.inConfig(profile: profile.name, keys: present), at: at, subject: profile.name)
        }
    }

    enum Message {
        static func inConfig(profile: String, keys: [String]) -> String {
            "profile '\(profile)' keeps static keys (\(keys.joined(separator: ", "))) in the config file; they belong in the credentials file, which is kept with tighter permissions"
        }
    }
}
