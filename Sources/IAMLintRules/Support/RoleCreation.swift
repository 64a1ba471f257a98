import IAMLintCore
import IAMLintModel

/// "Create your own role" (IAM212): a principal that may `iam:CreateRole` on a name pattern and
/// `iam:PutRolePolicy` or `iam:AttachRolePolicy` on a pattern that the new role can match creates
/// a role that trusts itself, gives it administrator rights and assumes it. A pattern such as
/// `role/sra*` is then as good as every role.
enum RoleCreation {
    static let createRole = ActionSets.named(["iam:CreateRole"])
    /// The actions that give a role rights.
    static let empowering = ActionSets.named(["iam:PutRolePolicy", "iam:AttachRolePolicy"])
    static let followed = createRole.union(empowering)

    /// One escalation: the statement that lets the holder give rights to a role it may create.
    struct Escalation {
        /// The statement granting `iam:PutRolePolicy` or `iam:AttachRolePolicy`.
        var statement: Statement
        /// The empowering actions it grants on `pattern`.
        var actions: ActionSet
        /// The resource pattern of `statement` that a created role can match.
        var pattern: PolicyText
        /// The statement granting `iam:CreateRole`, and the pattern of it that overlaps (nil for `NotResource`).
        var create: Statement
        var createPattern: PolicyText?
    }

    /// The escalations that one set of identity policies (a principal's, all grants together) allows.
    static func escalations(_ documents: [PolicyDocument]) -> [Escalation] {
        let grants = PassRoleAnalysis.Grants(documents)
        let denies = documents.flatMap(\.statements).filter { $0.effect == .deny && $0.principals.isEmpty && !$0.isNotPrincipal }
        let creates = grants.statements.filter { $0.covered.intersects(createRole) && ResourceScope.scopingCondition($0.statement) == nil }
        guard !creates.isEmpty else { return [] }
        var result: [Escalation] = []
        for (statement, covered) in grants.statements {
            let actions = covered.intersection(empowering)
            guard !actions.isEmpty, !statement.isNotResource, ResourceScope.scopingCondition(statement) == nil,
                  !ResourceScope.coversEvery("role", statement)
            else { continue }
            search: for pattern in statement.resources where mayNameCustomerRole(pattern.value) {
                let allowed = ActionSet(indexes: actions.indexes.filter { !isDenied($0, on: pattern, by: denies) })
                guard !allowed.isEmpty else { continue }
                for create in creates {
                    guard let createPattern = overlappingCreation(create.statement, pattern, denies) else { continue }
                    result.append(Escalation(statement: statement, actions: allowed, pattern: pattern, create: create.statement,
                                             createPattern: createPattern))
                    break search
                }
            }
        }
        return result
    }

    /// The resource of a `CreateRole` statement under which a role matching `pattern` can be
    /// created: a pattern that admits more than one name and overlaps `pattern`, and that no
    /// Deny of `iam:CreateRole` covers. `.some(nil)` for a `NotResource` that spares `pattern`.
    private static func overlappingCreation(_ create: Statement, _ pattern: PolicyText, _ denies: [Statement]) -> PolicyText?? {
        guard let index = ActionSets.index(of: "iam:CreateRole") else { return nil }
        if create.isNotResource {
            let spared = create.resources.contains { Wildcard.matches(pattern: $0.value, false, pattern.value, caseInsensitive: false) }
            return spared || isDenied(index, on: pattern, by: denies) ? nil : .some(nil)
        }
        for resource in create.resources where admitsManyNames(resource) && mayNameCustomerRole(resource.value) && overlap(resource.value, pattern.value) {
            if isDenied(index, on: resource, by: denies) { continue }
            return .some(resource)
        }
        return nil
    }

    /// Whether a Deny takes the action away on every resource the pattern names: a Deny without
    /// conditions (for `iam:CreateRole`, or with conditions on `iam:PermissionsBoundary` only,
    /// which let only bounded roles be created) whose resource covers the pattern.
    static func isDenied(_ action: Int, on pattern: PolicyText, by denies: [Statement]) -> Bool {
        denies.contains { deny in
            guard !deny.isNotResource, ActionSets.covered(by: deny).contains(action) else { return false }
            let boundaryOnly = !deny.conditions.isEmpty && deny.conditions.allSatisfy { $0.normalizedKey == "iam:permissionsboundary" }
            guard deny.conditions.isEmpty || (boundaryOnly && createRole.contains(action)) else { return false }
            return deny.resources.contains { Wildcard.matches(pattern: $0.value, false, pattern.value, caseInsensitive: false) }
        }
    }

    /// True when a resource pattern may name a role of a customer account: service `iam`, a
    /// 12-digit account (not `aws`, whose roles AWS owns), resource `role/…`. A pattern written
    /// with all six ARN fields is read field by field; a shorter one (`*`, `arn:aws:iam::*`)
    /// is matched against the whole shape.
    static func mayNameCustomerRole(_ pattern: String) -> Bool {
        let fields = withoutPlaceholders(pattern, replacement: "*").split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6 else { return overlap(pattern, "arn:*:iam::????????????:role/*") }
        return overlap(String(fields[2]), "iam") && overlap(String(fields[4]), "????????????") && overlap(String(fields[5]), "role/*")
    }

    /// True when a resource pattern may name more than one role: a wildcard outside `${…}` placeholders.
    static func admitsManyNames(_ text: PolicyText) -> Bool {
        let open = withoutPlaceholders(text.value, replacement: "")
        return open.contains("*") || open.contains("?")
    }

    /// Whether some ARN matches both patterns (`*` any run, `?` one character; a `${…}`
    /// placeholder may stand for anything).
    static func overlap(_ a: String, _ b: String) -> Bool {
        let p = Array(withoutPlaceholders(a, replacement: "*").unicodeScalars)
        let q = Array(withoutPlaceholders(b, replacement: "*").unicodeScalars)
        var memo = [Bool?](repeating: nil, count: (p.count + 1) * (q.count + 1))
        func meet(_ i: Int, _ j: Int) -> Bool {
            if let known = memo[i * (q.count + 1) + j] { return known }
            let result: Bool
            if i == p.count && j == q.count {
                result = true
            } else if i < p.count, p[i] == "*" {
                result = meet(i + 1, j) || (j < q.count && meet(i, j + 1))
            } else if j < q.count, q[j] == "*" {
                result = meet(i, j + 1) || (i < p.count && meet(i + 1, j))
            } else if i < p.count, j < q.count, p[i] == q[j] || p[i] == "?" || q[j] == "?" {
                result = meet(i + 1, j + 1)
            } else {
                result = false
            }
            memo[i * (q.count + 1) + j] = result
            return result
        }
        return meet(0, 0)
    }

    /// The text with each `${…}` placeholder replaced.
    static func withoutPlaceholders(_ text: String, replacement: String) -> String {
        guard text.contains("${") else { return text }
        var output = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            let next = rest.index(after: dollar)
            guard next < rest.endIndex, rest[next] == "{", let end = rest[next...].firstIndex(of: "}") else {
                output += rest[...dollar]
                rest = rest[next...]
                continue
            }
            output += rest[..<dollar]
            output += replacement
            rest = rest[rest.index(after: end)...]
        }
        return output + rest
    }
}
