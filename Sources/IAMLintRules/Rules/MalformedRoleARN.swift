import IAMLintCore
import IAMLintModel

/// IAM307: a profile's `role_arn` that is not `arn:<partition>:iam::<12 digits>:role/<path/name>`,
/// or an `mfa_serial` that is neither an MFA device ARN (`arn:…:iam::<12 digits>:mfa/…` or
/// `…:u2f/…`) nor a hardware token serial number. STS refuses both at the first call.
public struct MalformedRoleARN: Rule {
    public static let code = "IAM307"
    public static let asksDerivedFacts = false
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for profile in context.graph.profiles {
            if let arn = profile["role_arn"], let reason = Self.roleARNProblem(arn.value), let at = profile.provenance(of: "role_arn") {
                findings.append(context.finding(Message.roleArn(profile: profile.name, value: arn.value, reason: reason), at: at, subject: profile.name))
            }
            if let serial = profile["mfa_serial"], let reason = Self.mfaSerialProblem(serial.value), let at = profile.provenance(of: "mfa_serial") {
                findings.append(context.finding(Message.mfaSerial(profile: profile.name, value: serial.value, reason: reason), at: at, subject: profile.name))
            }
        }
        return findings
    }

    /// Why `text` is not a role ARN, or nil when it is one.
    static func roleARNProblem(_ text: String) -> String? {
        guard let arn = ARN(text) else {
            return text.hasPrefix("arn:") ? "it does not have the six colon-separated parts of an ARN" : "it is not an ARN"
        }
        if let problem = accountPartProblem(arn, service: "iam") { return problem }
        if arn.service == "sts" || !arn.resource.hasPrefix("role/") {
            return "its resource '\(arn.resource)' is not 'role/NAME'"
        }
        let rest = String(arn.resource.dropFirst("role/".count))
        var segments = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let name = segments.removeLast()
        if name.isEmpty { return "it has no role name" }
        if let problem = IAMNameRules.nameProblem(name, kind: .role) { return "role name '\(name)' \(problem)" }
        if segments.contains(where: { $0.isEmpty }) || segments.contains(where: { !IAMNameRules.isValidPathText($0) }) {
            return "its path is not a valid IAM path"
        }
        return nil
    }

    /// Why `text` is not an MFA device serial, or nil when it is one.
    static func mfaSerialProblem(_ text: String) -> String? {
        guard text.hasPrefix("arn:") else {
            if text.utf8.count >= 9, text.utf8.count <= 256, IAMNameRules.isValidName(text, maxLength: 256) { return nil }
            return "it is neither an ARN nor a hardware serial number (9 to 256 letters, digits and + = , . @ _ -)"
        }
        guard let arn = ARN(text) else { return "it does not have the six colon-separated parts of an ARN" }
        if let problem = accountPartProblem(arn, service: "iam") { return problem }
        guard arn.resource.hasPrefix("mfa/") || arn.resource.hasPrefix("u2f/"), arn.resource.split(separator: "/").count >= 2 else {
            return "its resource '\(arn.resource)' is not an MFA device ('mfa/NAME' or 'u2f/…')"
        }
        return nil
    }

    /// Partition, service, region and account problems of an IAM ARN.
    private static func accountPartProblem(_ arn: ARN, service: String) -> String? {
        let partition = arn.partition.split(separator: "-", omittingEmptySubsequences: false)
        if partition.first != "aws" || partition.dropFirst().contains(where: { $0.isEmpty || !$0.allSatisfy { $0.isASCII && $0.isLowercase } }) {
            return "partition '\(arn.partition)' is not an AWS partition"
        }
        if arn.service != service && arn.service != "sts" { return "service '\(arn.service)' is not '\(service)'" }
        if arn.service == service && !arn.region.isEmpty { return "IAM ARNs have no region, but it names '\(arn.region)'" }
        if arn.service == service && !RoleARNParts.isAccountID(arn.account) {
            return "account '\(arn.account)' is not a 12-digit account id"
        }
        return nil
    }

    enum Message {
        static func roleArn(profile: String, value: String, reason: String) -> String {
            "profile '\(profile)' has role_arn '\(value)', which is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME): \(reason)"
        }

        static func mfaSerial(profile: String, value: String, reason: String) -> String {
            "profile '\(profile)' has mfa_serial '\(value)', which is not an MFA device: \(reason)"
        }
    }
}
