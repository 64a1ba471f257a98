import IAMLintCore
import IAMLintModel

/// IAM603: an account password policy (`aws_iam_account_password_policy`) weaker than the CIS AWS
/// Foundations Benchmark: fewer than 14 characters, a character class not required, fewer than 24
/// remembered passwords, passwords that never expire or live longer than 90 days. One finding per
/// weakness, at the attribute, or at the resource when the attribute is not set. Values unknown
/// until apply are not guessed. CloudFormation has no password policy resource.
public struct WeakPasswordPolicy: Rule {
    public static let code = "IAM603"
    public static let asksDerivedFacts = false
    public init() {}

    static let minimumLength = 14
    static let minimumReuse = 24
    static let maximumAge = 90
    static let characterClasses: [(attribute: String, label: String)] = [
        ("require_symbols", "symbols"), ("require_numbers", "numbers"),
        ("require_uppercase_characters", "upper-case letters"), ("require_lowercase_characters", "lower-case letters"),
    ]

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for item in context.graph.inventory where item.kind == .passwordPolicy {
            let name = item.logicalName
            func report(_ message: String, _ attribute: String) {
                let at = item.property(attribute).flatMap { property -> Provenance? in
                    if case .null = property.value { return nil }
                    return property.provenance
                } ?? item.provenance
                findings.append(context.finding(message, at: at, subject: name))
            }
            func number(_ attribute: String) -> (value: Int?, known: Bool) {
                guard let value = item.properties[attribute] else { return (nil, true) }
                if case .null = value { return (nil, true) }
                if let n = value.literalInt { return (n, true) }
                return (nil, false)
            }

            let length = number("minimum_password_length")
            if length.known, (length.value ?? 6) < Self.minimumLength {
                report(Message.shortLength(name, length.value), "minimum_password_length")
            }
            for (attribute, label) in Self.characterClasses {
                let value = item.properties[attribute]
                if value?.isPlaceholder == true { continue }
                if value?.literalBool != true { report(Message.classNotRequired(name, label, attribute: attribute), attribute) }
            }
            let reuse = number("password_reuse_prevention")
            if reuse.known, (reuse.value ?? 0) < Self.minimumReuse {
                report(Message.reuse(name, reuse.value ?? 0), "password_reuse_prevention")
            }
            let age = number("max_password_age")
            if age.known, (age.value ?? 0) == 0 || (age.value ?? 0) > Self.maximumAge {
                report(Message.age(name, age.value ?? 0), "max_password_age")
            }
        }
        return findings
    }

    enum Message {
        static func shortLength(_ policy: String, _ length: Int?) -> String {
            guard let length else {
                return "password policy '\(policy)' does not set minimum_password_length, so passwords of 6 characters (the AWS default) are accepted; require at least \(WeakPasswordPolicy.minimumLength)"
            }
            return "password policy '\(policy)' accepts passwords of \(length) characters (minimum_password_length); require at least \(WeakPasswordPolicy.minimumLength)"
        }

        static func classNotRequired(_ policy: String, _ label: String, attribute: String) -> String {
            "password policy '\(policy)' does not require \(label) (\(attribute))"
        }

        static func reuse(_ policy: String, _ count: Int) -> String {
            if count == 0 { return "password policy '\(policy)' lets users reuse their previous passwords (password_reuse_prevention); remember at least \(WeakPasswordPolicy.minimumReuse)" }
            return "password policy '\(policy)' remembers only \(count) previous passwords (password_reuse_prevention); remember at least \(WeakPasswordPolicy.minimumReuse)"
        }

        static func age(_ policy: String, _ days: Int) -> String {
            if days == 0 { return "password policy '\(policy)' lets passwords live forever (max_password_age); expire them within \(WeakPasswordPolicy.maximumAge) days" }
            return "password policy '\(policy)' lets passwords live \(days) days (max_password_age); expire them within \(WeakPasswordPolicy.maximumAge) days"
        }
    }
}
