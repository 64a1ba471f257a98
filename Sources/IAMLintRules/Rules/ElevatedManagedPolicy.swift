import IAMLintCore
import IAMLintModel

/// IAM207: an AWS-managed policy that grants elevated rights short of `AdministratorAccess`
/// (IAM201's) is attached to a principal: IAM or Organizations control, every non-IAM action, or
/// IAM Identity Center administration.
public struct ElevatedManagedPolicy: Rule {
    public static let code = "IAM207"
    public init() {}

    /// The AWS-managed policies this rule reports, with what makes each elevated.
    static let elevated: [(name: String, reason: String)] = [
        ("PowerUserAccess", "every action outside IAM and Organizations, on every resource"),
        ("IAMFullAccess", "every IAM action, enough to make itself administrator"),
        ("AWSOrganizationsFullAccess", "full control of the organization and its member accounts"),
        ("AWSSSOMasterAccountAdministrator", "IAM Identity Center administration: it can assign any permission set in any account"),
        ("AWSSSODirectoryAdministrator", "every Identity Center directory action, including adding itself to any group"),
    ]

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var findings: [Finding] = []
        // By position: each principal's ARNs are read in place, and the principal is copied
        // only for a finding.
        for index in graph.principals.indices {
            var reported = Set<String>()
            let arns = graph.principals[index].managedPolicyArns
            for i in arns.indices {
                guard let (name, reason) = Self.match(arns[i]), reported.insert(name).inserted else { continue }
                let arn = arns[i]
                let principal = graph.principals[index]
                let at = principal.provenance.child("\(principal.managedPolicyArnsPath)[\(i)]", range: arn.range)
                findings.append(context.finding(
                    Message.attached(holder: graph.describe(index), policy: name, reason: reason), at: at, subject: "\(principal.displayName) \(name)"))
            }
        }
        for attachment in graph.attachments {
            guard let (name, reason) = Self.match(attachment.policyArn) else { continue }
            let file = attachment.provenance.file
            let targets: [(EntityKind, [Reference])] = [(.role, attachment.roles), (.user, attachment.users), (.group, attachment.groups)]
            for (kind, refs) in targets {
                for ref in refs {
                    let holder = PermissionScope.describe(ref, kind: kind, in: graph, from: file)
                    findings.append(context.finding(
                        Message.attached(holder: holder.text, policy: name, reason: reason), at: attachment.provenance, subject: "\(holder.name) \(name)"))
                }
            }
        }
        return findings
    }

    static func match(_ arn: PolicyText) -> (name: String, reason: String)? {
        guard mayName(arn.value) else { return nil }
        guard let name = PermissionScope.awsManagedPolicyName(arn) else { return nil }
        return elevated.first { $0.name == name }
    }

    /// False when the text cannot name one of `elevated`: the name is the ARN's last path
    /// component, so the text ends with its bytes (trailing `/`s aside). Most attached ARNs are
    /// told apart without parsing them.
    static func mayName(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var end = bytes.count
            while end > 0, bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
            return elevatedNames.contains { name in
                end >= name.count && UnsafeBufferPointer(rebasing: bytes[(end - name.count)..<end]).elementsEqual(name)
            }
        }
    }

    static let elevatedNames: [[UInt8]] = elevated.map { Array($0.name.utf8) }

    enum Message {
        static func attached(holder: String, policy: String, reason: String) -> String {
            "\(holder) is granted the AWS-managed policy \(policy): \(reason); grant the actions it needs instead"
        }
    }
}
