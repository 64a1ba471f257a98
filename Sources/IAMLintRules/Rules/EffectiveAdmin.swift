import IAMLintCore
import IAMLintModel

/// IAM209: a principal whose policies, taken together, allow every action of the action catalog
/// on every resource, although no single statement allows `*` on `*` (and no policy is
/// `AdministratorAccess`). Such principals are administrators that no admin check sees.
///
/// Counted: unconditional Allow statements with `Resource: "*"` from every policy that applies
/// (inline, managed, standalone, and a user's groups); subtracted: unconditional Deny statements
/// on `*`. AWS-managed policies other than `AdministratorAccess` are not counted (their text is
/// not in the repository). A user is not reported when one of its groups already is.
public struct EffectiveAdmin: Rule {
    public static let code = "IAM209"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var findings: [Finding] = []
        var reader = Contributors(graph)
        let kinds = graph.principalFacts.kinds
        principals: for index in graph.principals.indices {
            guard let grants = reader.contributors(index) else { continue }
            let principal = graph.principals[index]
            if kinds[index] == .user {
                for group in graph.groups(ofUser: index) where reader.contributors(group) != nil { continue principals }
            }
            var seen = Set<String>()
            let labels = grants.map(\.label).filter { seen.insert($0).inserted }
            findings.append(context.finding(
                Message.unionAdmin(holder: graph.describe(index), policies: labels), at: principal.provenance, subject: principal.displayName,
                related: grants.map { RelatedLocation(location: $0.provenance.location, message: "\($0.label) allows part of it here") }))
        }
        return findings
    }

    /// Each principal's `unionAdmin` answer, worked out once (users ask their groups'), with
    /// the readings the principals share. A value the loop owns (a closure over the same
    /// variables had every access checked for exclusivity at run time).
    struct Contributors {
        let graph: IAMGraph
        let administrators: [Bool]
        /// By principal index (nil: not yet asked).
        var memo: [[Grant]??]
        var coverage: [[ObjectIdentifier]: Bool] = [:]
        var parts: [ObjectIdentifier: DocumentPart] = [:]

        init(_ graph: IAMGraph) {
            self.graph = graph
            administrators = graph.administrators
            memo = Array(repeating: nil, count: graph.principals.count)
        }

        mutating func contributors(_ index: Int) -> [Grant]? {
            if let known = memo[index] { return known }
            let result = EffectiveAdmin.unionAdmin(graph, index, coverage: &coverage, parts: &parts, administrators: administrators)
            memo[index] = .some(result)
            return result
        }
    }

    /// The grants whose statements together allow everything, or nil when they do not (or when
    /// one grant alone is administrator access: that is IAM201's and IAM202's).
    /// `coverage` remembers, for each list of documents that gave allows or denies (principals
    /// share managed and group policies), whether those statements allow everything.
    /// `administrators`: `graph.administrators`.
    /// `parts` remembers the reading of each policy that several principals hold (a standalone
    /// or a group's policy), by its storage (the graph holds every document).
    static func unionAdmin(
        _ graph: IAMGraph, _ index: Int, coverage: inout [[ObjectIdentifier]: Bool], parts: inout [ObjectIdentifier: DocumentPart],
        administrators: [Bool]
    ) -> [Grant]? {
        if administrators[index] { return nil }
        let grants = graph.grants[index]
        var allows: [Statement] = []
        var denies: [Statement] = []
        var contributing: [Grant] = []
        var sources: [ObjectIdentifier] = []
        // By position: a copy of each grant (its source, provenance and names) cost more than
        // the tests; only a contributing grant is copied.
        for position in grants.indices {
            guard let document = grants[position].document else { continue }
            let part: DocumentPart
            var shared = grants[position].viaGroup != nil
            if case .standalone = grants[position].source { shared = true }
            if shared {
                let key = document.copyIdentity
                if let known = parts[key] {
                    part = known
                } else {
                    part = DocumentPart(document)
                    parts[key] = part
                }
            } else {
                part = DocumentPart(document)
            }
            if part.grantsFullAdmin { return nil }
            // Most policies add nothing (no unconditional statement on every resource).
            guard !part.allows.isEmpty || !part.denies.isEmpty else { continue }
            if !part.allows.isEmpty {
                allows += part.allows
                contributing.append(grants[position])
            }
            if !part.denies.isEmpty { denies += part.denies }
            sources.append(document.copyIdentity)
        }
        guard !allows.isEmpty else { return nil }
        let coversEverything = coverage[sources] ?? {
            let result = Self.allowsEverything(allows, denies)
            coverage[sources] = result
            return result
        }()
        return coversEverything ? contributing : nil
    }

    /// What one policy adds to a principal's reading: its unconditional Allow and Deny
    /// statements on every resource, in order, or that one statement alone is `*` on `*`
    /// (`PermissionScope.isFullAdmin`: that principal is IAM201's and IAM202's).
    struct DocumentPart {
        var grantsFullAdmin = false
        var allows: [Statement] = []
        var denies: [Statement] = []

        init(_ document: PolicyDocument) {
            for statement in document.statements {
                if PermissionScope.isFullAdmin(statement) {
                    grantsFullAdmin = true
                    return
                }
                if statement.effect == .deny, statement.conditions.isEmpty, statement.coversAllResources {
                    denies.append(statement)
                } else if PermissionScope.isIdentityAllow(statement), statement.conditions.isEmpty, statement.coversAllResources {
                    allows.append(statement)
                }
            }
        }
    }

    /// Whether the allows, less the denies, cover every action of the catalog: worked out
    /// statement by statement as catalog bitsets (`ActionSets.coveredExactly`, the same answers
    /// as `Statement.covers(action:)` for every catalog action), cached per action pattern.
    static func allowsEverything(_ allows: [Statement], _ denies: [Statement]) -> Bool {
        guard Self.mayCoverEverything(allows) else { return false }
        var allowed = ActionSet.empty
        for statement in allows { allowed.formUnion(ActionSets.coveredExactly(by: statement)) }
        for statement in denies { allowed = allowed.subtracting(ActionSets.coveredExactly(by: statement)) }
        return allowed == ActionSet.all
    }

    /// A cheap necessary condition: a NotAction, a wildcard service prefix, or every service named.
    /// Counting the patterns first answers most cases without building the set of services:
    /// fewer patterns than the catalog has services cannot name every service.
    static func mayCoverEverything(_ allows: [Statement]) -> Bool {
        var named = 0
        for statement in allows {
            if statement.isNotAction { return true }
            for action in statement.actions where !action.isSymbolic {
                guard let wildcard = serviceHasWildcard(action.value) else { return namesEveryService(allows) }
                if wildcard { return true }
                named += 1
            }
        }
        guard named >= ActionCatalog.shared.serviceCount else { return false }
        return namesEveryService(allows)
    }

    /// Whether the service part of a pattern (before its first `:`, or all of it) holds `*` or
    /// `?`, without allocating; nil for a pattern starting with `:`, left to `namesEveryService`.
    static func serviceHasWildcard(_ pattern: String) -> Bool? {
        var first = true
        for byte in pattern.utf8 {
            if byte == UInt8(ascii: ":") { return first ? nil : false }
            if byte == UInt8(ascii: "*") || byte == UInt8(ascii: "?") { return true }
            first = false
        }
        return false
    }

    /// The full test: a NotAction, a wildcard service prefix, or every service of the catalog named.
    static func namesEveryService(_ allows: [Statement]) -> Bool {
        var services = Set<String>()
        for statement in allows {
            if statement.isNotAction { return true }
            for action in statement.actions where !action.isSymbolic {
                let service = action.value.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
                if service.containsUTF8("*") || service.containsUTF8("?") { return true }
                services.insert(service)
            }
        }
        let catalog = ActionCatalog.shared
        guard services.count >= catalog.serviceCount else { return false }
        return catalog.servicePrefixes.allSatisfy { services.contains($0) }
    }

    enum Message {
        static func unionAdmin(holder: String, policies: [String]) -> String {
            let source = policies.count == 1 ? policies[0] : "\(policies.count) policies (\(policies.joined(separator: ", ")))"
            return "\(holder) is administrator-equivalent: together, the statements of \(source) allow every action on every resource, though none allows '*' on '*' alone"
        }
    }
}
