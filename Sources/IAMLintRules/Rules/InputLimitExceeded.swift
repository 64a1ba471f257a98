import IAMLintCore
import IAMLintModel

/// IAM004: a file that iamlint refused to check because it hits a configured limit (file size,
/// nesting depth, YAML alias expansion). The file is not broken, it is just bigger or deeper than
/// the limit allows; the finding names the limit and how to raise it.
public struct InputLimitExceeded: Rule {
    public static let code = "IAM004"
    public static let asksDerivedFacts = false
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        context.findings(forProblemsOf: .limitExceeded, subject: \.file, message: Message.notChecked)
    }

    enum Message {
        static func notChecked(_ detail: String) -> String { "file not checked: \(detail)" }
    }
}
