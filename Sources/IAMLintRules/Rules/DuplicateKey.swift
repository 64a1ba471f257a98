import IAMLintCore
import IAMLintModel

/// IAM002: a mapping repeats a key; parsers silently keep one of the two values.
public struct DuplicateKey: Rule {
    public static let code = "IAM002"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        context.graph.problems.compactMap { problem in
            guard problem.kind == .duplicateKey else { return nil }
            return context.finding(problem.message, at: problem.provenance, subject: problem.provenance.logicalPath, related: problem.related)
        }
    }
}
