import IAMLintCore
import IAMLintModel

/// IAM001: a file that looks like IAM input but does not parse. Limits are IAM004's.
public struct ParseError: Rule {
    public static let code = "IAM001"
    public static let asksDerivedFacts = false
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        context.findings(forProblemsOf: .parseError, subject: \.file, message: Message.cannotParse)
    }

    enum Message {
        static func cannotParse(_ detail: String) -> String { "file cannot be parsed: \(detail)" }
    }
}
