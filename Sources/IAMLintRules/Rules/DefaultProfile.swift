import IAMLintCore
import IAMLintModel

/// IAM301: a `[default]` profile that holds credentials or that other profiles use as their
/// `source_profile`: any command run without `--profile` silently acts with it.
public struct DefaultProfile: Rule {
    public static let code = "IAM301"
    public static let asksDerivedFacts = false
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let profiles = context.graph.profiles
        let dependents = profiles.filter { $0["source_profile"]?.value == "default" }
        let defaults = profiles.filter { $0.name == "default" }
        let someDefaultHoldsCredentials = defaults.contains { !$0.credentialSettings.isEmpty }
        var findings: [Finding] = []
        for profile in defaults {
            let settings = profile.credentialSettings
            if !settings.isEmpty {
                findings.append(context.finding(
                    Message.holdsCredentials(settings, dependents: dependents.map(\.name)), at: profile.provenance, subject: "default",
                    related: related(dependents)))
            } else if !dependents.isEmpty && profile.source == .config && !someDefaultHoldsCredentials {
                findings.append(context.finding(
                    Message.isSource(dependents.map(\.name)), at: profile.provenance, subject: "default",
                    related: related(dependents)))
            }
        }
        return findings
    }

    private func related(_ dependents: [CLIProfile]) -> [RelatedLocation] {
        dependents.compactMap { d in
            d["source_profile"].map {
                RelatedLocation(location: SourceLocation(file: d.provenance.file, range: $0.range), message: "profile '\(d.name)' uses it as source_profile")
            }
        }
    }

    enum Message {
        static func holdsCredentials(_ settings: [String], dependents: [String]) -> String {
            let sources = dependents.isEmpty ? "" : " and is the source_profile of " + dependents.map { "'\($0)'" }.joined(separator: ", ")
            return "profile 'default' holds credentials (\(settings.joined(separator: ", ")))\(sources); commands run without --profile silently use them"
        }

        static func isSource(_ names: [String]) -> String {
            let list = names.map { "'\($0)'" }.joined(separator: ", ")
            return "profile 'default' is the source_profile of \(list); commands run without --profile silently use its credentials"
        }
    }
}
