import IAMLintCore
import IAMLintModel

/// IAM107: a role that an OpenID Connect provider's tokens may assume
/// (`sts:AssumeRoleWithWebIdentity`) without a condition that pins the token's subject: any
/// workload the provider issues tokens for (any GitHub repository, any service account of the
/// cluster) becomes the role. GitHub also needs its audience pinned; a `repo:` pattern must fix the
/// organization. Cognito identity pools and the social providers (Google, Facebook, Amazon) are
/// pinned by their audience or app id instead.
public struct OIDCTrustWithoutSubject: Rule {
    public static let code = "IAM107"
    public init() {}

    static let github = "token.actions.githubusercontent.com"
    /// Providers whose tokens are pinned by the application they were issued to.
    static let audienceProviders: Set<String> = ["cognito-identity.amazonaws.com", "accounts.google.com", "graph.facebook.com", "www.amazon.com"]

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var findings: [Finding] = []
        let table = graph.trustStatementTable
        for position in table.positions(with: [.allow, .federated], without: .notPrincipal) {
            let statement = table.statements[position]
            let role = graph.principals[table.roles[position]]
            guard statement.covers(action: "sts:AssumeRoleWithWebIdentity") else { continue }
            for entry in statement.principals where entry.kind == .federated {
                guard let provider = Self.provider(entry.text, graph: graph, file: role.provenance.file) else { continue }
                if let finding = finding(for: statement, entry: entry, provider: provider, role: role.displayName, context: context) {
                    findings.append(finding)
                }
            }
        }
        return findings
    }

    /// The OIDC issuer a federated principal names: its host, or nil host when symbolic; nil for SAML providers.
    static func provider(_ text: PolicyText, graph: IAMGraph, file: String) -> (host: String?, display: String)? {
        let value = text.value
        if value.contains(":saml-provider/") { return nil }
        if let arn = ARN(value) {
            guard arn.service == "iam", arn.resource.hasPrefix("oidc-provider/") else { return nil }
            let host = String(arn.resource.dropFirst("oidc-provider/".count))
            return host.contains("${") ? (nil, value) : (host, host)
        }
        if value.contains("${") {
            if let host = inventoryHost(value, graph: graph, file: file) { return (host, host) }
            return (nil, value)
        }
        return (value, value)
    }

    /// `${Provider}` or `${Provider.Arn}` naming an OIDC provider resource of the same file: its URL's host.
    static func inventoryHost(_ value: String, graph: IAMGraph, file: String) -> String? {
        guard value.hasPrefix("${"), value.hasSuffix("}") else { return nil }
        var name = String(value.dropFirst(2).dropLast())
        if name.hasSuffix(".Arn") { name = String(name.dropLast(4)) }
        guard let item = graph.inventory.first(where: { $0.kind == .oidcProvider && $0.provenance.file == file && $0.logicalName == name }),
              let url = (item.properties.entry("Url") ?? item.properties.entry("url"))?.value.text, !url.isSymbolic else { return nil }
        var host = url.value
        if let range = host.firstRange(of: "://") { host = String(host[range.upperBound...]) }
        while host.hasSuffix("/") { host.removeLast() }
        return host.isEmpty ? nil : host
    }

    /// The finding for one federated principal of a statement: missing or too broad `:sub`, missing GitHub `:aud`.
    func finding(for statement: Statement, entry: PrincipalEntry, provider: (host: String?, display: String), role: String, context: RuleContext) -> Finding? {
        let at = statement.provenance(of: entry)
        func clauses(_ claim: String) -> [ConditionClause] {
            statement.conditions.filter { c in
                let key = c.normalizedKey
                guard key.hasSuffix(":\(claim)") else { return false }
                guard let host = provider.host else { return true }
                let prefix = String(key.dropLast(claim.count + 1))
                return prefix == host.lowercased() || prefix.contains("${")
            }.filter { $0.isPositiveMatch(allowForAllValues: true) }
        }
        let display = provider.display
        let keyPrefix = provider.host ?? "<provider>"
        if let host = provider.host, Self.audienceProviders.contains(host) {
            let claims = host == "cognito-identity.amazonaws.com" ? ["aud"] : ["aud", "sub", "app_id", "oaud", "user_id"]
            if claims.contains(where: { clauses($0).contains(where: Self.pinsValues) }) { return nil }
            return context.finding(Message.missing(role: role, provider: display, keys: ["\(host):\(claims[0])"]), at: at, subject: role)
        }
        let isGitHub = provider.host == Self.github
        var missing: [String] = []
        let subjects = clauses("sub")
        var broad: (ConditionClause, PolicyText)?
        if subjects.isEmpty {
            missing.append("\(keyPrefix):sub")
        } else if !subjects.contains(where: { pinsSubject($0, github: isGitHub) }) {
            let clause = subjects[0]
            let value = clause.values.first { !pinsSubject(clause, value: $0, github: isGitHub) } ?? clause.values[0]
            broad = (clause, value)
        }
        if isGitHub {
            let audiences = clauses("aud")
            if !audiences.contains(where: Self.pinsValues) {
                missing.append("\(keyPrefix):aud")
            }
        }
        if let (clause, value) = broad {
            var message = Message.broadSubject(role: role, provider: display, key: clause.key, value: value.value, github: isGitHub)
            if !missing.isEmpty { message += Message.alsoMissing(missing) }
            return context.finding(message, at: statement.provenance(of: clause, value: value), subject: role)
        }
        guard !missing.isEmpty else { return nil }
        return context.finding(Message.missing(role: role, provider: display, keys: missing), at: at, subject: role)
    }

    /// Every value of the clause is more than wildcards (or compared exactly).
    static func pinsValues(_ clause: ConditionClause) -> Bool {
        !clause.usesWildcards || clause.values.allSatisfy { !Wildcards.isOnlyWildcards($0.value) }
    }

    func pinsSubject(_ clause: ConditionClause, github: Bool) -> Bool {
        clause.values.allSatisfy { pinsSubject(clause, value: $0, github: github) }
    }

    /// A subject value pins the workload: more than wildcards; for GitHub, the claim and the
    /// organization before the first `/` are fixed (`repo:org/*`, not `repo:*` or `repo:org*`).
    func pinsSubject(_ clause: ConditionClause, value: PolicyText, github: Bool) -> Bool {
        guard clause.usesWildcards else { return true }
        var v = value.value
        if value.isSymbolic {
            if v.hasPrefix("${"), v.hasSuffix("}"), v.dropFirst(2).firstIndex(of: "$") == nil { return true }
            v = Self.fillingPlaceholders(v)
        }
        if Wildcards.isOnlyWildcards(v) { return false }
        guard github else { return true }
        let parts = v.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return false }
        let owner = parts[1].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return !Wildcards.contains(String(parts[0])) && !owner.isEmpty && !Wildcards.contains(owner)
    }

    /// `repo:${Org}/*` → `repo:p/*`: a parameter is a fixed value, never guessed.
    static func fillingPlaceholders(_ value: String) -> String {
        var result = ""
        var rest = Substring(value)
        while let start = rest.firstRange(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { return result + rest[start.lowerBound...] }
            result += "p"
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }

    enum Message {
        static func missing(role: String, provider: String, keys: [String]) -> String {
            let list = keys.map { "'\($0)'" }.joined(separator: " and ")
            return "role '\(role)' trusts web identities of OIDC provider \(provider) without a condition that pins \(list)"
        }

        static func broadSubject(role: String, provider: String, key: String, value: String, github: Bool) -> String {
            let what = github ? "does not fix the GitHub organization" : "admits any subject"
            return "role '\(role)' trusts web identities of OIDC provider \(provider) with '\(key)' matching '\(value)', which \(what)"
        }

        static func alsoMissing(_ keys: [String]) -> String {
            ", and no condition pins " + keys.map { "'\($0)'" }.joined(separator: " and ")
        }
    }
}
