import IAMLintCore
import IAMLintModel

/// IAM301: a `[default]` profile that holds credentials or that other profiles use as their
/// `source_profile`: any command run without `--profile` silently acts with it.
public struct DefaultProfile: Rule {
    public static let code = "IAM301"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let profiles = context.graph.profiles
        let dependents = profiles.filter { $0["source_profile"]?.value == "default" }
        var findings: [Finding] = []
        for profile in profiles where profile.name == "default" {
            let settings = profile.credentialSettings
            if !settings.isEmpty {
                findings.append(context.finding(
                    Message.holdsCredentials(settings), at: profile.provenance, subject: "default"))
            } else if !dependents.isEmpty && profile.source == .config {
                findings.append(context.finding(
                    Message.isSource(dependents.map(\.name)), at: profile.provenance, subject: "default",
                    related: dependents.compactMap { d in
                        d["source_profile"].map {
                            RelatedLocation(location: SourceLocation(file: d.provenance.file, range: $0.range), message: "profile '\(d.name)' uses it")
                        }
                    }))
            }
        }
        return findings
    }

    enum Message {
        static func holdsCredentials(_ settings: [String]) -> String {
            "profile 'default' holds credentials (\(settings.joined(separator: ", "))); commands run without --profile silently use them"
        }

        static func isSource(_ names: [String]) -> String {
            let list = names.map { "'\($0)'" }.joined(separator: ", ")
            return "profile 'default' is the source_profile of \(list); commands run without --profile silently use its credentials"
        }
    }
}
