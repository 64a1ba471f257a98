import IAMLintCore
import IAMLintModel

/// IAM504: a secret that leaves its safe place: a CloudFormation output whose value is an access
/// key's `SecretAccessKey` (directly, or inside `Fn::Sub`/`Fn::Join`) or a `NoEcho` parameter
/// (outputs are never masked), or a Terraform state or plan that holds a generated secret in plain
/// text (an access key's `secret` and SMTP password, a login profile's `password`, a virtual MFA
/// device's seed). PGP-encrypted values (`encrypted_*`) are not plain text and are not reported.
public struct SecretInOutputsOrState: Rule {
    public static let code = "IAM504"
    public static let asksDerivedFacts = false
    public init() {}

    /// Terraform attributes that hold a secret in plain text, by resource type, with how messages name them.
    /// One finding per entry, at the first of its attributes that is present.
    static let terraformSecrets: [String: [(attributes: [String], label: String)]] = [
        "aws_iam_access_key": [(["secret"], "the secret access key"), (["ses_smtp_password_v4"], "the SES SMTP password")],
        "aws_iam_user_login_profile": [(["password"], "the console password")],
        "aws_iam_virtual_mfa_device": [(["base_32_string_seed", "qr_code_png"], "the MFA seed")],
    ]

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for item in context.graph.inventory {
            if item.kind == .output && !item.isTerraform {
                findings += outputFindings(item, context)
            } else if item.isTerraform, let secrets = Self.terraformSecrets[item.sourceType] {
                let owner = owner(of: item)
                for secret in secrets {
                    guard let attribute = secret.attributes.first(where: item.hasPresentSecret),
                          let property = item.property(attribute) else { continue }
                    findings.append(context.finding(
                        Message.inTerraform(secret.label, owner: owner), at: property.provenance, subject: item.logicalName))
                }
            }
        }
        return findings
    }

    private func outputFindings(_ item: InventoryItem, _ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for (value, provenance) in item.propertyBranches("Value") {
            if case .parameter(let name, true, _) = SecretSource(value) {
                findings.append(context.finding(Message.noEchoOutput(item.logicalName, parameter: name), at: provenance, subject: item.logicalName))
                continue
            }
            let keys = value.texts.flatMap { Self.secretAccessKeyReferences(in: $0.value) }
            var seen = Set<String>()
            for key in keys where seen.insert(key).inserted {
                findings.append(context.finding(Message.secretOutput(item.logicalName, key: key), at: provenance, subject: item.logicalName))
            }
        }
        return findings
    }

    /// The resources whose `SecretAccessKey` a resolved value uses: `${Key.SecretAccessKey}`.
    static func secretAccessKeyReferences(in text: String) -> [String] {
        var result: [String] = []
        guard text.containsUTF8(".SecretAccessKey}") else { return result }  // the usual case, checked cheaply
        var rest = Substring(text)
        let suffix = ".SecretAccessKey}"
        while let end = rest.firstRange(of: suffix) {
            let before = rest[..<end.lowerBound]
            if let open = before.lastRange(of: "${") {
                let name = before[open.upperBound...]
                if !name.isEmpty, !name.contains("}"), !name.contains("{") { result.append(String(name)) }
            }
            rest = rest[end.upperBound...]
        }
        return result
    }

    private func owner(of item: InventoryItem) -> String {
        switch item.sourceType {
        case "aws_iam_access_key", "aws_iam_user_login_profile":
            if let user = item.properties["user"]?.text, !user.isSymbolic { return "\(item.kind == .accessKey ? "access key" : "login profile") '\(item.logicalName)' of user '\(user.value)'" }
            return "\(item.kind == .accessKey ? "access key" : "login profile") '\(item.logicalName)'"
        default:
            return "virtual MFA device '\(item.displayName(nameKey: "virtual_mfa_device_name"))'"
        }
    }

    enum Message {
        static func noEchoOutput(_ output: String, parameter: String) -> String {
            "output '\(output)' shows NoEcho parameter '\(parameter)' in plain text; outputs are never masked"
        }

        static func secretOutput(_ output: String, key: String) -> String {
            "output '\(output)' shows the secret access key of access key '\(key)' to anyone who can describe the stack"
        }

        static func inTerraform(_ label: String, owner: String) -> String {
            "this Terraform file holds \(label) of \(owner) in plain text"
        }
    }
}

extension Substring {
    /// The last range of `needle`, without Foundation.
    fileprivate func lastRange(of needle: String) -> Range<Substring.Index>? {
        guard !needle.isEmpty else { return nil }
        var i = endIndex
        while i > startIndex {
            i = index(before: i)
            if self[i...].hasPrefix(needle) { return i..<index(i, offsetBy: needle.count) }
        }
        return nil
    }
}
