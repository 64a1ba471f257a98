import IAMLintCore
import IAMLintModel

/// IAM503: an IAM server certificate whose private key is in the repository: written into the
/// template (or taken from a parameter without `NoEcho`, or with a default), or held by a
/// Terraform state or plan. The key is never shown.
public struct ServerCertificatePrivateKey: Rule {
    public static let code = "IAM503"
    public static let asksDerivedFacts = false
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for item in context.graph.inventory where item.kind == .serverCertificate {
            if item.isTerraform {
                let name = item.displayName(nameKey: "name")
                if item.hasPresentSecret("private_key"), let property = item.property("private_key") {
                    findings.append(context.finding(Message.inTerraform(name), at: property.provenance, subject: name))
                }
                continue
            }
            let name = item.displayName(nameKey: "ServerCertificateName")
            for (value, provenance) in item.propertyBranches("PrivateKey") {
                let source = SecretSource(value)
                guard let exposure = source.exposure else { continue }
                var related: [RelatedLocation] = []
                if case .parameter(_, _, let defaultRange?) = source {
                    related.append(RelatedLocation(location: SourceLocation(file: provenance.file, range: defaultRange), message: "default written here"))
                }
                findings.append(context.finding(Message.exposed(name, exposure), at: provenance, subject: name, related: related))
            }
        }
        return findings
    }

    enum Message {
        static func exposed(_ name: String, _ exposure: String) -> String {
            "the private key of server certificate '\(name)' \(exposure)"
        }

        static func inTerraform(_ name: String) -> String {
            "this Terraform file holds the private key of server certificate '\(name)' in plain text"
        }
    }
}
