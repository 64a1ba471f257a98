import IAMLintCore
import IAMLintModel

/// What an identity-policy statement allows, for the permission rules (IAM202–IAM219): which
/// actions and resources it covers and whether a condition narrows it.
enum PermissionScope {
    /// The graph's identity policies: every document but trust policies, a slice of the
    /// graph's documents (they come first there), indexed from 0; no copy.
    static func identityDocuments(_ graph: IAMGraph) -> ArraySlice<DocumentRef> {
        graph.identityDocuments
    }

    /// Each Allow of `documents` (`identityDocuments`) in a document that does not also deny
    /// everything, with the document's position, in order: the loop IAM206, IAM211 and IAM214
    /// share. Documents are read in place (a reference is three references to retain, and a
    /// rule needs one only for a finding); `body` is handed the Allows only.
    static func forEachIdentityAllow(in documents: ArraySlice<DocumentRef>, _ body: (_ document: Int, _ statement: Statement) -> Void) {
        for d in documents.indices {
            let statements = documents[d].document.statements
            if statements.contains(where: deniesEverything) { continue }
            for s in statements.indices where isIdentityAllow(statements[s]) {
                body(d, statements[s])
            }
        }
    }

    /// True for an action pattern that matches every action: `*`, `*:*`, `**`.
    static func matchesEveryAction(_ pattern: PolicyText) -> Bool {
        if pattern.value.isEmpty || pattern.isSymbolic { return false }
        // Only `*`s, with at most one `:` that neither starts nor ends the text (UTF-8 bytes).
        var colon = -1
        var count = 0
        for byte in pattern.value.utf8 {
            if byte == UInt8(ascii: ":") {
                if colon >= 0 { return false }
                colon = count
            } else if byte != UInt8(ascii: "*") {
                return false
            }
            count += 1
        }
        return colon != 0 && colon != count - 1
    }

    /// Whether the statement's action element covers every action (`*`, `*:*`, or `NotAction: []`).
    static func coversEveryAction(_ statement: Statement) -> Bool {
        if statement.isNotAction { return statement.actions.isEmpty }
        return statement.actions.contains(where: matchesEveryAction)
    }

    /// An Allow of an identity policy (no `Principal` element).
    static func isIdentityAllow(_ statement: Statement) -> Bool {
        statement.effect == .allow && statement.principals.isEmpty && !statement.isNotPrincipal
    }

    /// An Allow of every action on every resource, with or without a condition.
    static func isFullAdmin(_ statement: Statement) -> Bool {
        isIdentityAllow(statement) && coversEveryAction(statement) && statement.coversAllResources
    }

    /// A Deny of every action on every resource without a condition: nothing else in the same
    /// set of policies grants anything.
    static func deniesEverything(_ statement: Statement) -> Bool {
        statement.effect == .deny && coversEveryAction(statement) && statement.coversAllResources && statement.conditions.isEmpty
    }

    /// The statements IAM202 reports: an unconditional Allow of `*` on `*` in a document that
    /// does not also deny everything.
    static func unconditionalFullAdmin(in document: PolicyDocument) -> [Statement] {
        if document.statements.contains(where: deniesEverything) { return [] }
        return document.statements.filter { isFullAdmin($0) && $0.conditions.isEmpty }
    }

    /// Whether the statement allows every IAM action (`iam:*`, `ia*:*`, a NotAction that spares
    /// IAM), checked against the action catalog.
    static func coversEveryIAMAction(_ statement: Statement) -> Bool {
        if !statement.isNotAction {
            let candidate = statement.actions.contains { text in
                guard !text.isSymbolic else { return false }
                if matchesEveryAction(text) { return true }
                let parts = text.value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, parts[1].containsUTF8("*") else { return false }
                return Wildcard.matches(pattern: String(parts[0]), false, "iam", caseInsensitive: true)
            }
            if !candidate { return false }
        }
        let actions = ActionCatalog.shared.actions(ofService: "iam")
        return !actions.isEmpty && actions.allSatisfy { statement.covers(action: $0.fullName) }
    }

    /// A resource pattern with `${AWS::Partition}` read as `aws`, for matching ARNs.
    /// (The generic `replacing` costs thousands of instructions even with nothing to replace,
    /// so the bytes are searched first.)
    private static func normalized(_ text: PolicyText) -> String {
        guard text.value.containsUTF8("${AWS::Partition}") else { return text.value }
        return text.value.replacing("${AWS::Partition}", with: "aws")
    }

    /// True when a resource pattern names every role: `*`, `arn:aws:iam::*:role/*`,
    /// `arn:aws:iam::111122223333:*`. With `anyAccount`, the account part must be a wildcard
    /// too; otherwise every role of any one account counts.
    static func namesEveryRole(_ text: PolicyText, anyAccount: Bool) -> Bool {
        // Every such pattern ends with `*` (a cheap test before the ARN is parsed).
        guard text.value.utf8.last == UInt8(ascii: "*") else { return false }
        let value = normalized(text)
        if value.allSatisfy({ $0 == "*" }) && !value.isEmpty { return true }
        guard let arn = ARN(value) else { return false }
        guard Wildcard.matches(pattern: arn.service, false, "iam", caseInsensitive: true) else { return false }
        if anyAccount {
            guard !arn.account.isEmpty, arn.account.allSatisfy({ $0 == "*" }) else { return false }
        }
        guard arn.resource.hasSuffix("*") else { return false }
        let fixed = arn.resource.replacing("*", with: "")
        return "role/".hasPrefix(fixed)
    }

    /// Whether the statement's resource element covers every role (see `namesEveryRole`); a
    /// `NotResource` that excludes no such pattern counts too.
    static func coversEveryRole(_ statement: Statement, anyAccount: Bool) -> Bool {
        let every = statement.resources.contains { namesEveryRole($0, anyAccount: anyAccount) }
        return statement.isNotResource ? !every : every
    }

    /// True when a condition of the statement tests `key` (lower-cased; a trailing `/` matches
    /// any tag key under it) with a positive operator and concrete values.
    static func restricts(_ statement: Statement, keys: [String]) -> Bool {
        statement.conditions.contains { clause in
            let key = clause.normalizedKey
            let named = keys.contains { $0.hasSuffix("/") ? key.hasPrefix($0) : key == $0 }
            guard named else { return false }
            var op = clause.baseOperator
            if op.containsUTF8(":") { op = op.replacing("forallvalues:", with: "").replacing("foranyvalue:", with: "") }
            guard op.hasPrefix("string") || op.hasPrefix("arn"), !op.containsUTF8("not") else { return false }
            return !clause.values.isEmpty && !clause.values.contains { $0.value.allSatisfy { $0 == "*" } }
        }
    }

    /// How a managed policy ARN of AWS names its policy: `arn:aws:iam::aws:policy/job-function/X` → `X`.
    static func awsManagedPolicyName(_ text: PolicyText) -> String? {
        guard let arn = ARN(text.value), arn.service == "iam", arn.account == "aws", arn.resource.hasPrefix("policy/") else { return nil }
        return ARN.lastPathComponent(arn.resource)
    }
}

extension PermissionScope {
    /// How messages name the principal a reference points at: `role 'build'`; an unresolved
    /// reference is named as written (`role 'aws_iam_role.build'` for `${aws_iam_role.build}`).
    static func describe(_ reference: Reference, kind: EntityKind, in graph: IAMGraph, from file: String) -> (text: String, name: String) {
        if let index = graph.resolve(reference, kind: kind, from: file).first {
            return (graph.describe(index), graph.principals[index].displayName)
        }
        var name = reference.value
        if let arn = ARN(name) { name = ARN.lastPathComponent(arn.resource) }
        if name.hasPrefix("${"), name.hasSuffix("}"), name.dropFirst(2).firstIndex(of: "$") == nil {
            name = String(name.dropFirst(2).dropLast())
        }
        return ("\(kind.rawValue) '\(name)'", name)
    }

    /// Where a standalone policy lists the `index`th reference of `kind` (`Properties.Users[0]`).
    static func attachmentProvenance(_ policy: StandalonePolicy, kind: EntityKind, index: Int, range: SourceRange) -> Provenance {
        let paths = policy.attachmentPaths
        let key = kind == .role ? paths.roles : kind == .user ? paths.users : paths.groups
        return policy.provenance.child(policy.attachmentPathsAreLists ? "\(key)[\(index)]" : key, range: range)
    }
}

extension PermissionScope {
    /// The name of the managed policy an ARN names: a policy of the graph by its own name, else
    /// the ARN's last path component or the reference as written.
    static func policyName(_ arn: PolicyText, in graph: IAMGraph, from file: String) -> String {
        if let policy = graph.policies.first(where: { $0.isManaged && ($0.arn == arn.value || "${\($0.logicalName)}" == arn.value) && ($0.provenance.file == file || !arn.isSymbolic) }) {
            return policy.displayName
        }
        if let parsed = ARN(arn.value) { return ARN.lastPathComponent(parsed.resource) }
        var name = arn.value
        if name.hasPrefix("${"), name.hasSuffix("}") { name = String(name.dropFirst(2).dropLast()) }
        return name
    }
}
