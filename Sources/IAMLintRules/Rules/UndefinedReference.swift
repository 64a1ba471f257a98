import IAMLintCore
import IAMLintModel

/// IAM005: a CloudFormation `Ref`, `Fn::GetAtt` or `Fn::Sub` variable, in a resource or output
/// iamlint reads, that names nothing the template declares. The stack cannot be created, and
/// iamlint keeps the value symbolic, so the rules cannot see what it was meant to be.
public struct UndefinedReference: Rule {
    public static let code = "IAM005"
    public static let asksDerivedFacts = false
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        context.findings(forProblemsOf: .undefinedReference)
    }
}
