import IAMLintCore
import IAMLintModel

/// IAM501: an AWS access key id written in a scanned file together with its secret access key:
/// an AWS CLI profile with `aws_access_key_id` and `aws_secret_access_key`, or a key id and a
/// secret anywhere in a template or Terraform file (found by the loaders). The secret is never
/// shown; the key id only masked. `aws_iam_access_key` secrets in Terraform state are IAM504's.
public struct CommittedAccessKey: Rule {
    public static let code = "IAM501"
    public static let asksDerivedFacts = false
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for profile in context.graph.profiles {
            guard let id = profile["aws_access_key_id"], AccessKeyID.isKeyID(id.value),
                  let secret = profile["aws_secret_access_key"], secret.range.start != secret.range.end
            else { continue }
            let masked = AccessKeyID.masked(id.value)
            findings.append(context.finding(
                Message.inProfile(profile.name, key: masked),
                at: profile.provenance.child("aws_access_key_id", range: id.range), subject: masked,
                related: [RelatedLocation(location: SourceLocation(file: profile.provenance.file, range: secret.range), message: "secret access key written here")]))
        }
        for item in context.graph.inventory where item.kind == .accessKey && item.sourceType == CommittedKeyMarker.sourceType {
            guard let id = item.properties["AccessKeyId"]?.text?.value else { continue }
            let masked = AccessKeyID.masked(id)
            var related: [RelatedLocation] = []
            if let secret = item.properties.entry("SecretAccessKey"), secret.value.range != item.provenance.range {
                related.append(RelatedLocation(location: SourceLocation(file: item.provenance.file, range: secret.value.range), message: "secret access key written here"))
            }
            findings.append(context.finding(Message.inFile(key: masked), at: item.provenance, subject: masked, related: related))
        }
        return findings
    }

    enum Message {
        static func inProfile(_ name: String, key: String) -> String {
            "profile '\(name)' holds access key \(key) together with its secret access key; anyone who can read the file can act as its user"
        }

        static func inFile(key: String) -> String {
            "access key \(key) is written in this file together with a secret access key; anyone who can read the file can act as its user"
        }
    }
}
