import IAMLintCore
import IAMLintModel

/// IAM002: a mapping repeats a key; parsers silently keep one of the two values.
public struct DuplicateKey: Rule {
    public static let code = "IAM002"
    public static let asksDerivedFacts = false
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        context.findings(forProblemsOf: .duplicateKey)
    }
}
