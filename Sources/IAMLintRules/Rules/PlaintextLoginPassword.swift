import IAMLintCore
import IAMLintModel

/// IAM502: a CloudFormation user whose `LoginProfile.Password` is written in the template, comes
/// from a parameter without `NoEcho` (or with a default), or from a plain SSM String parameter.
/// A `NoEcho` parameter without a default and a `secretsmanager`/`ssm-secure` dynamic reference
/// are fine; unresolved values are not guessed. The password is never shown.
public struct PlaintextLoginPassword: Rule {
    public static let code = "IAM502"
    public static let asksDerivedFacts = false
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var findings: [Finding] = []
        for item in graph.inventory where item.kind == .loginProfile && !item.isTerraform {
            let user = graph.principal(logicalName: item.logicalName, file: item.provenance.file)
                .map { graph.principals[$0].displayName } ?? item.logicalName
            for (value, provenance) in item.propertyBranches("Password") {
                let source = SecretSource(value)
                guard let exposure = source.exposure else { continue }
                var related: [RelatedLocation] = []
                if case .parameter(_, _, let defaultRange?) = source {
                    related.append(RelatedLocation(location: SourceLocation(file: provenance.file, range: defaultRange), message: "default written here"))
                }
                findings.append(context.finding(Message.exposed(user: user, exposure), at: provenance, subject: user, related: related))
            }
        }
        return findings
    }

    enum Message {
        static func exposed(user: String, _ exposure: String) -> String {
            "the console password of user '\(user)' \(exposure)"
        }
    }
}
