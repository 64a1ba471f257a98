import IAMLintCore
import IAMLintModel

/// IAM003: an `iamlint:ignore` comment or `Metadata` ignore that accepts no finding, or names a
/// rule that does not exist, so suppressions cannot outlive the problems they were written for.
public struct UnusedSuppressionRule: Rule {
    public static let code = "IAM003"
    public static var phase: RulePhase { .afterSuppression }
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        context.unusedSuppressions.map { unused in
            let names = unused.suppression.rules.joined(separator: ", ")
            let message = unused.unknownRules.isEmpty
                ? Message.matchesNothing(names)
                : Message.unknownRules(unused.unknownRules)
            return context.finding(message, at: unused.suppression.provenance, subject: names)
        }
    }

    enum Message {
        static func matchesNothing(_ rules: String) -> String {
            "suppression of \(rules) matches no finding; remove it"
        }

        static func unknownRules(_ names: [String]) -> String {
            "suppression names no known rule: \(names.map { "'\($0)'" }.joined(separator: ", ")); `iamlint rules` lists them"
        }
    }
}
