import IAMLintCore
import IAMLintModel

/// IAM206: an identity-policy statement that allows every IAM action on every resource without a
/// condition: its holder can attach `AdministratorAccess` to itself. Statements allowing `*` on
/// `*` are IAM202's.
public struct IAMFullAccessGrant: Rule {
    public static let code = "IAM206"
    public static let asksDerivedFacts = false
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        let documents = PermissionScope.identityDocuments(context.graph)
        PermissionScope.forEachIdentityAllow(in: documents) { d, statement in
            guard statement.conditions.isEmpty,
                  !PermissionScope.coversEveryAction(statement), Self.coversEveryIAMResource(statement),
                  PermissionScope.coversEveryIAMAction(statement)
            else { return }
            let written = statement.isNotAction
                ? "NotAction " + statement.actions.map { "'\($0.value)'" }.joined(separator: ", ")
                : statement.actions.first(where: Self.isIAMWildcard).map { "'\($0.value)'" }
                    ?? statement.actions.map { "'\($0.value)'" }.joined(separator: ", ")
            findings.append(context.finding(
                Message.allowsAllOfIAM(policy: documents[d].label, written: written), at: statement.provenance, subject: documents[d].label))
        }
        return findings
    }

    /// `iam:*`, `IAM:*`, `ia*:**`.
    static func isIAMWildcard(_ text: PolicyText) -> Bool {
        let parts = text.value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard !text.isSymbolic, parts.count == 2, !parts[1].isEmpty, parts[1].allSatisfy({ $0 == "*" }) else { return false }
        return Wildcard.matches(pattern: String(parts[0]), false, "iam", caseInsensitive: true)
    }

    /// `*`, or an ARN pattern for every IAM resource of one or every account (`arn:aws:iam::*:*`).
    static func coversEveryIAMResource(_ statement: Statement) -> Bool {
        if statement.isNotResource { return statement.resources.isEmpty }
        return statement.resources.contains { text in
            if text.value == "*" { return true }
            // The resource part is only `*`s: the text ends with one (a cheap test before the ARN is parsed).
            guard text.value.utf8.last == UInt8(ascii: "*"), Self.mayEndWithStarResource(text.value), let arn = ARN(text.value) else { return false }
            return Wildcard.matches(pattern: arn.service, false, "iam", caseInsensitive: true) && !arn.resource.isEmpty && arn.resource.allSatisfy { $0 == "*" }
        }
    }

    /// False when an ASCII text cannot be an ARN whose resource is only `*`s: that resource
    /// follows the ARN's fifth `:`, so a `:` must come right before the text's closing `*`s.
    static func mayEndWithStarResource(_ text: String) -> Bool {
        let decided: Bool?? = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            var end = bytes.count
            while end > 0, bytes[end - 1] == UInt8(ascii: "*") { end -= 1 }
            return end > 0 && bytes[end - 1] == UInt8(ascii: ":")
        }
        if case .some(.some(let may)) = decided { return may }
        return true
    }

    enum Message {
        static func allowsAllOfIAM(policy: String, written: String) -> String {
            "\(policy) allows every IAM action (\(written)) on every resource without a condition; whoever holds it can make itself administrator"
        }
    }
}
