import IAMLintCore

/// A policy that applies to a principal, and where the grant is written.
public struct Grant: Sendable {
    public enum Source: Sendable {
        /// Written into the principal (`Policies`).
        case inline(name: String)
        /// A policy declared on its own and attached to the principal.
        case standalone(index: Int)
        /// An AWS-managed or otherwise unknown policy attached by ARN.
        case arn(PolicyText)
    }

    public var source: Source
    public var document: PolicyDocument?
    /// Where the grant is stated: the inline policy, the attachment list entry or the ARN entry.
    public var provenance: Provenance
    /// Set when the grant reaches a user through a group.
    public var viaGroup: Int?
    /// The policy's own name.
    public var policyName: String

    /// How messages name the policy: `AdministratorAccess`, `inline policy 'root'`, `policy 'Admin'`.
    public var label: String {
        switch source {
        case .arn: return policyName
        case .inline: return "inline policy '\(policyName)'"
        case .standalone: return "policy '\(policyName)'"
        }
    }

    /// True for `AdministratorAccess` or a document that allows `*` on `*`.
    public var isAdministratorEquivalent: Bool {
        if case .arn(let arn) = source, ARN.isAdministratorAccess(arn.value) { return true }
        return document?.grantsFullAdmin ?? false
    }
}

/// A trust statement's admission of one principal to a role.
///
/// 16 bytes: indexes are stored in 32 bits and the principal is read from the statement (an
/// organisation has hundreds of thousands of edges).
public struct TrustEdge: Sendable {
    private var storedRole: Int32
    private var principalIndex: Int32
    public var statement: Statement

    /// `principalIndex` is the position of the admitted entry in `statement.principals`.
    init(role: Int, statement: Statement, principalIndex: Int) {
        storedRole = Int32(truncatingIfNeeded: role)
        self.principalIndex = Int32(truncatingIfNeeded: principalIndex)
        self.statement = statement
    }

    public var role: Int {
        get { Int(storedRole) }
        set { storedRole = Int32(truncatingIfNeeded: newValue) }
    }

    /// The principal entry of `statement` that the edge admits.
    public var principal: PrincipalEntry { statement.principals[Int(principalIndex)] }
}

/// A principal's identity policy that allows `sts:AssumeRole` on a role of the graph.
///
/// 16 bytes: indexes are stored in 32 bits (an organisation has hundreds of thousands of edges).
public struct AssumeEdge: Sendable {
    private var storedFrom: Int32
    private var storedRole: Int32
    public var statement: Statement

    init(from: Int, role: Int, statement: Statement) {
        storedFrom = Int32(truncatingIfNeeded: from)
        storedRole = Int32(truncatingIfNeeded: role)
        self.statement = statement
    }

    public var from: Int {
        get { Int(storedFrom) }
        set { storedFrom = Int32(truncatingIfNeeded: newValue) }
    }

    public var role: Int {
        get { Int(storedRole) }
        set { storedRole = Int32(truncatingIfNeeded: newValue) }
    }
}

/// One graph of principals and trusts across every scanned file.
///
/// Until accounts are configured, everything scanned counts as one account. References between
/// entities are resolved by name: symbolic names (generated at deployment) only within their file,
/// literal names across files.
public final class IAMGraph: @unchecked Sendable {
    public let principals: [Principal]
    public let policies: [StandalonePolicy]
    public let attachments: [PolicyAttachment]
    public let memberships: [GroupMembership]
    public let instanceProfiles: [InstanceProfile]
    public let accessKeys: [AccessKey]
    /// AWS CLI profiles (`[default]`, `[profile NAME]` and credentials-file sections).
    public let profiles: [CLIProfile]
    /// `[sso-session NAME]` sections of AWS CLI config files.
    public let ssoSessions: [CLIProfile]
    public let problems: [InputProblem]
    public let suppressions: [Suppression]
    public let inventory: [InventoryItem]
    /// The CloudFormation parameters of every scanned template.
    public let parameters: [TemplateParameter]

    /// Grants per principal index.
    public private(set) var grants: [[Grant]] = []
    public private(set) var trustEdges: [TrustEdge] = []
    public private(set) var assumeEdges: [AssumeEdge] = []
    /// Every policy document in the graph, trust policies included, in a stable order.
    public private(set) var documents: [DocumentRef] = []

    /// The accounts named in the configuration.
    public let accounts: [Account]
    /// What rules derive from the whole graph and share (`DerivedFacts`).
    public let derived = DerivedFacts()
    let fileAccounts: [String: String]

    /// Principals by lower-cased name (`referenceKey`), one dictionary per kind (`EntityKind.position`).
    private var byName = NameLists()
    /// `byName` split by account (`accountID(of:)`), so that a reference into one account does
    /// not filter every account's principal of that name.
    private var byNameInAccount = NameLists()
    /// `accountID(of:)` of each principal, computed once.
    private(set) var principalAccounts: [String?] = []
    private var membershipGroups: [Int: [Int]] = [:]
    private var managedPolicyIndex = ManagedPolicyIndex([])
    /// Positions in `trustEdges` by role and in `assumeEdges` by principal (each list is in that
    /// order, so a key's edges are one run), and in `assumeEdges` by role.
    private var trustEdgesByRole = RunIndex()
    private var assumeEdgesByPrincipal = RunIndex()
    private var assumeEdgesByRole = PositionIndex()
    private var byAccount: [String?: [Int]] = [:]
    private var parametersByFile: [String: [String: Int]] = [:]

    /// Builds the graph of `fragments`; `threads` above one builds parts of it side by side (the
    /// graph is the same for any number).
    public init(fragments: [GraphFragment], accounts: [Account] = [], threads: Int = 1) {
        let ordered = fragments.sorted { $0.file < $1.file }
        self.accounts = accounts
        var fileAccounts: [String: String] = [:]
        for fragment in ordered { if let account = fragment.account { fileAccounts[fragment.file] = account } }
        self.fileAccounts = fileAccounts
        // Appended to, not joined with `+` (a second list of every principal, each retained again).
        var principals = ordered.flatMap(\.principals)
        principals += Self.implicitRoles(ordered)
        self.principals = principals
        policies = ordered.flatMap(\.policies)
        attachments = ordered.flatMap(\.attachments)
        memberships = ordered.flatMap(\.memberships)
        instanceProfiles = ordered.flatMap(\.instanceProfiles)
        accessKeys = ordered.flatMap(\.accessKeys)
        profiles = ordered.flatMap(\.profiles)
        ssoSessions = ordered.flatMap(\.ssoSessions)
        problems = ordered.flatMap(\.problems)
        suppressions = ordered.flatMap(\.suppressions)
        inventory = ordered.flatMap(\.inventory)
        parameters = ordered.flatMap(\.parameters)
        for (index, parameter) in parameters.enumerated() {
            parametersByFile[parameter.provenance.file, default: [:]][parameter.name] = index
        }
        // Each principal's account: its own, else its file's (looked up once per file, not per principal).
        var principalAccounts: [String?] = []
        principalAccounts.reserveCapacity(principals.count)
        for fragment in ordered {
            let fragmentAccount = fileAccounts[fragment.file]
            for p in fragment.principals {
                principalAccounts.append(p.account ?? (p.provenance.file == fragment.file ? fragmentAccount : fileAccounts[p.provenance.file]))
            }
        }
        for p in principals.dropFirst(principalAccounts.count) { principalAccounts.append(p.account ?? fileAccounts[p.provenance.file]) }
        self.principalAccounts = principalAccounts
        link(threads: threads)
    }

    // MARK: Indexes for rules: use these rather than filtering every edge or principal per item.

    /// The trust edges of one role (`trustEdges.filter { $0.role == role }`, in the same order).
    public func trustEdges(ofRole role: Int) -> [TrustEdge] {
        Array(trustEdges[trustEdgesByRole[role]])
    }

    /// The assume edges from one principal (`assumeEdges.filter { $0.from == index }`, in order).
    public func assumeEdges(from index: Int) -> [AssumeEdge] {
        Array(assumeEdges[assumeEdgesByPrincipal[index]])
    }

    /// The assume edges that reach one role (`assumeEdges.filter { $0.role == role }`, in order).
    public func assumeEdges(toRole role: Int) -> [AssumeEdge] {
        assumeEdgesByRole[role].map { assumeEdges[Int($0)] }
    }

    /// The principals whose `accountID(of:)` is `account` (nil: the unnamed default account), in order.
    public func principals(inAccount account: String?) -> [Int] {
        byAccount[account] ?? []
    }

    /// The principals with `key`'s kind and lower-cased name (`byName`), in order.
    private func named(_ key: NameInAccount) -> ArraySlice<Int32> {
        byName.positions(hash: key.hash64(withAccount: false)) { p in
            principals[p].kind == key.kind && principals[p].referenceKey.lowercasedName == key.name
        }
    }

    /// The principals with `key`'s kind, lower-cased name and account (`byNameInAccount`), in order.
    private func namedInAccount(_ key: NameInAccount) -> ArraySlice<Int32> {
        byNameInAccount.positions(hash: key.hash64(withAccount: true)) { p in
            principals[p].kind == key.kind && principalAccounts[p] == key.account && principals[p].referenceKey.lowercasedName == key.name
        }
    }

    /// The principals of `kind` whose name (`referenceKey`) is `name` ignoring case, in `account`
    /// when given (as `accountID(of:)`), in order.
    public func principals(_ kind: EntityKind, named name: String, inAccount account: String? = nil) -> [Int] {
        let key = NameInAccount(kind: kind, name: name.lowercasedName, account: account)
        return (account == nil ? named(key) : namedInAccount(key)).map { Int($0) }
    }

    /// The roles, in index order, whose ARN (`arn(of:)`) a resource pattern of `statement` may
    /// name (`Statement.mayCover(roleArn:)`), found through an index of the roles' ARNs (built on
    /// first use) rather than by trying every role.
    public func roles(coveredBy statement: Statement) -> [Int] {
        let index = derived.value(RoleIndexFact.self) { RoleIndex(self) }
        return index.candidates(for: statement).filter { role in index.arns[role].map { statement.mayCover(roleArn: $0) } ?? false }
    }

    private enum RoleIndexFact: DerivedFact { typealias Value = RoleIndex }

    /// The parameter `name` that `file` declares.
    public func parameter(named name: String, inFile file: String) -> TemplateParameter? {
        parametersByFile[file]?[name].map { parameters[$0] }
    }

    /// `trustEdgesByRole`, from the trust edges in role order.
    private static func trustIndex(_ trustEdges: [TrustEdge], count: Int) -> RunIndex {
        // Keys read through the buffers: an edge copied out of its array would retain its statement.
        trustEdges.withUnsafeBufferPointer { edges in RunIndex(keys: edges.map { $0.role }, keyCount: count) }
    }

    /// `assumeEdgesByPrincipal` and `assumeEdgesByRole`, side by side when `parallel`.
    private static func assumeIndexes(_ assumeEdges: [AssumeEdge], count: Int, parallel: Bool) -> (RunIndex, PositionIndex) {
        assumeEdges.withUnsafeBufferPointer { edges in
            Parallel.both(
                parallel, { RunIndex(keys: edges.map { $0.from }, keyCount: count) },
                { PositionIndex(keys: edges.map { $0.role }, keyCount: count) })
        }
    }

    /// The principals of each account (`byAccount`).
    private static func principalsByAccount(_ principalAccounts: [String?]) -> [String?: [Int]] {
        // One dictionary update per run of principals of one account: a file's principals are
        // consecutive and mostly share their account.
        let count = principalAccounts.count
        var byAccount: [String?: [Int]] = [:]
        var start = 0
        while start < count {
            let account = principalAccounts[start]
            var end = start + 1
            while end < count && principalAccounts[end] == account { end += 1 }
            byAccount[account, default: []].append(contentsOf: start..<end)
            start = end
        }
        return byAccount
    }

    /// The principals of `kind` that `reference`, written in `file`, names.
    public func resolve(_ reference: Reference, kind: EntityKind, from file: String) -> [Int] {
        let arn = ARN(reference.value)
        let key = arn.map { ARN.lastPathComponent($0.resource) } ?? reference.value
        let lowered = key.lowercasedName
        let candidates = named(NameInAccount(kind: kind, name: lowered, account: nil))
        if reference.isSymbolic || key.hasPrefix("${") {
            return candidates.compactMap { p in principals[Int(p)].provenance.file == file ? Int(p) : nil }
        }
        var account = fileAccounts[file]
        if let arn, ARN.isAccountID(arn.account) { account = arn.account }
        guard let account, !candidates.isEmpty else { return candidates.map { Int($0) } }
        // The principals of that account and those of no known account, in index order.
        let inAccount = namedInAccount(NameInAccount(kind: kind, name: lowered, account: account))
        let unknown = namedInAccount(NameInAccount(kind: kind, name: lowered, account: nil))
        if unknown.isEmpty { return inAccount.map { Int($0) } }
        if inAccount.isEmpty { return unknown.map { Int($0) } }
        return (inAccount + unknown).map { Int($0) }.sorted()
    }

    /// The `OrganizationAccountAccessRole` (or the `RoleName` given) that AWS Organizations
    /// creates in each new account: AdministratorAccess, trusted by the management account's root
    /// without MFA.
    static func implicitRoles(_ fragments: [GraphFragment]) -> [Principal] {
        var roles: [Principal] = []
        for fragment in fragments {
            for item in fragment.inventory where item.kind == .organizationAccount {
                let nameText = (item.properties.entry("RoleName") ?? item.properties.entry("role_name"))?.value.text
                let name = nameText?.value ?? "OrganizationAccountAccessRole"
                let management = fragment.account ?? "${AWS::AccountId}"
                let idText = (item.properties.entry("id") ?? item.properties.entry("AccountId"))?.value.text
                let accountName = (item.properties.entry("AccountName") ?? item.properties.entry("name"))?.value.text?.value ?? item.logicalName
                let at = item.provenance
                let statement = Statement(
                    effect: .allow, actions: [PolicyText("sts:AssumeRole", range: at.range)],
                    principals: [PrincipalEntry(kind: .aws, text: PolicyText("arn:aws:iam::\(management):root", range: at.range, isSymbolic: fragment.account == nil))],
                    provenance: at)
                var role = Principal(
                    kind: .role, explicitName: PolicyText(name, range: nameText?.range ?? at.range),
                    logicalName: "\(item.logicalName).\(name)", provenance: at,
                    trustPolicy: PolicyDocument(statements: [statement], provenance: at),
                    managedPolicyArns: [PolicyText("arn:aws:iam::aws:policy/AdministratorAccess", range: at.range)])
                role.account = idText.flatMap { $0.value.count == 12 && $0.value.allSatisfy(\.isNumber) ? $0.value : nil } ?? "${\(item.logicalName)}"
                role.implicitOrigin = "created by AWS Organizations in account '\(accountName)'"
                roles.append(role)
            }
        }
        return roles
    }

    /// True when the principal's policies, together, grant administrator access.
    public func isAdministratorEquivalent(_ index: Int) -> Bool {
        adminGrantPositions[index] >= 0
    }

    /// The first grant that makes the principal an administrator, unless an unconditional
    /// Deny of everything in another of its policies cancels it.
    public func adminGrant(_ index: Int) -> Grant? {
        let position = adminGrantPositions[index]
        return position < 0 ? nil : grants[index][Int(position)]
    }

    /// Where each principal's admin grant is in its `grants`, or -1: worked out for every
    /// principal at first use and kept in `derived`, as rules ask it of the same principals
    /// again and again.
    private var adminGrantPositions: [Int32] {
        derived.value(AdminGrantPositions.self) {
            // A managed or group policy is held by many principals: it is read once, by its
            // storage (the graph's documents do not change while it lives).
            var shared: [ObjectIdentifier: AdminDocumentFacts] = [:]
            return principals.indices.map { adminGrantPosition($0, shared: &shared) }
        }
    }

    private enum AdminGrantPositions: DerivedFact { typealias Value = [Int32] }

    /// What `adminGrantPosition` asks of one document.
    private struct AdminDocumentFacts {
        /// An unconditional Deny of every action on every resource.
        var deniesEverything = false
        /// An Allow of every action on every resource for the holder (no `Principal`).
        var allowsEverything = false

        init(_ document: PolicyDocument) {
            for statement in document.statements where statement.coversAllActions && statement.coversAllResources {
                if statement.effect == .deny {
                    if statement.conditions.isEmpty { deniesEverything = true }
                } else if statement.principals.isEmpty {
                    allowsEverything = true
                }
            }
        }
    }

    private func adminGrantPosition(_ index: Int, shared: inout [ObjectIdentifier: AdminDocumentFacts]) -> Int32 {
        let all = grants[index]
        // By position: a copy of each grant (its source, provenance and names) cost more than the tests.
        // One pass: the first grant that is an administrator's, unless any document denies everything.
        var admin: Int32 = -1
        for position in all.indices {
            if admin < 0, case .arn(let arn) = all[position].source, ARN.isAdministratorAccess(arn.value) { admin = Int32(position) }
            guard let document = all[position].document else { continue }
            let read: AdminDocumentFacts
            if case .inline = all[position].source, all[position].viaGroup == nil {
                // The principal's own inline policy: no other principal holds it.
                read = AdminDocumentFacts(document)
            } else if let known = shared[document.copyIdentity] {
                read = known
            } else {
                read = AdminDocumentFacts(document)
                shared[document.copyIdentity] = read
            }
            if read.deniesEverything { return -1 }
            // With no document denying everything, `grantsFullAdmin` is the Allow of everything.
            if admin < 0, read.allowsEverything { admin = Int32(position) }
        }
        return admin
    }

    /// True when one of the principal's policies denies everything while MFA is absent.
    public func enforcesMFAByPolicy(_ index: Int) -> Bool {
        grants[index].contains { grant in
            // A Deny of everything (or of everything but MFA self-service, via NotAction) without MFA.
            grant.document?.statements.contains { $0.deniesWithoutMFA && ($0.coversAllActions || $0.isNotAction) } ?? false
        }
    }

    /// The groups a user belongs to (its `Groups` property and `UserToGroupAddition`s).
    public func groups(ofUser index: Int) -> [Int] {
        let user = principals[index]
        var result: [Int] = []
        for ref in user.groups { result += resolve(ref, kind: .group, from: user.provenance.file) }
        result += membershipGroups[index] ?? []
        var seen = Set<Int>()
        return result.filter { seen.insert($0).inserted }
    }

    /// The groups each user joins through `UserToGroupAddition`s, in membership order (built once,
    /// so that `groups(ofUser:)` does not resolve every membership for every user).
    private static func membershipIndex(_ graph: IAMGraph) -> [Int: [Int]] {
        var index: [Int: [Int]] = [:]
        for m in graph.memberships {
            let members = m.users.flatMap { graph.resolve($0, kind: .user, from: m.provenance.file) }
            guard !members.isEmpty else { continue }
            let groups = graph.resolve(m.group, kind: .group, from: m.provenance.file)
            var seen = Set<Int>()
            for member in members where seen.insert(member).inserted {
                index[member, default: []] += groups
            }
        }
        return index
    }

    /// Links the graph: grants, trust edges, assume edges, documents and the indexes of them.
    /// With `threads` above one, what needs references resolved (the name indexes, then the
    /// grants; then the documents) is built beside what does not (the trust edges, the role
    /// index, the principals by account), then the assume edges of contiguous ranges of
    /// principals side by side; the results are joined in principal order, so the graph is the
    /// same for any thread count.
    private func link(threads: Int) {
        let parallel = threads > 1
        let count = principals.count
        let ((grants, documents), (trust, trustIndex, roles, byAccount)) = Parallel.both(parallel, {
            // The name indexes, group memberships and managed policies that resolving references
            // needs, then the grants; then the documents (here, as the other side costs more).
            self.indexNames()
            self.membershipGroups = Self.membershipIndex(self)
            self.managedPolicyIndex = ManagedPolicyIndex(self.policies)
            var grants = self.directGrants()
            self.addGroupGrants(to: &grants)
            return (grants, self.collectDocuments())
        }, {
            let trust = self.trustEdgesOfRoles()
            return (trust, Self.trustIndex(trust, count: count), RoleIndexHolder(RoleIndex(self)), Self.principalsByAccount(self.principalAccounts))
        })
        // Each part built in locals (a stored property of the class is checked for exclusive
        // access at every use), then stored once.
        self.grants = grants
        trustEdges = trust
        trustEdgesByRole = trustIndex
        self.documents = documents
        self.byAccount = byAccount
        let assume = assumeEdges(roles: roles.index!, threads: threads)
        // The role index (an ARN per role) is freed beside the assume-edge indexes.
        let ((byPrincipal, byRole), _) = Parallel.both(parallel, {
            Self.assumeIndexes(assume, count: count, parallel: false)
        }, { roles.index = nil })
        assumeEdges = assume
        assumeEdgesByPrincipal = byPrincipal
        assumeEdgesByRole = byRole
    }

    /// Appends to each user's grants those of its groups (`viaGroup` set), in group order.
    private func addGroupGrants(to grants: inout [[Grant]]) {
        for index in principals.indices where principals[index].kind == .user {
            let groups = groups(ofUser: index)
            guard !groups.isEmpty else { continue }
            // A group's list is read from `grants` itself: groups are not users, so theirs are
            // the direct ones still.
            grants[index].reserveCapacity(grants[index].count + groups.reduce(0) { $0 + grants[$1].count })
            for g in groups {
                let inherited = grants[g]
                for var grant in inherited {
                    grant.viaGroup = g
                    grants[index].append(grant)
                }
            }
        }
    }

    /// `byName` and `byNameInAccount`: every principal by its lower-cased name.
    private func indexNames() {
        // Built in local dictionaries: a stored property of the class is checked for exclusive
        // access at every use.
        var byName = NameLists.Builder(expected: principals.count)
        var byNameInAccount = NameLists.Builder(expected: principals.count)
        // Each principal's lower-cased name, kept while the lists are built (to tell keys with
        // the same hash apart).
        var names: [String] = []
        names.reserveCapacity(principals.count)
        for index in principals.indices {
            let kind = principals[index].kind
            let name = principals[index].referenceKey.lowercasedName
            let key = NameInAccount(kind: kind, name: name, account: principalAccounts[index])
            names.append(name)
            byName.add(hash: key.hash64(withAccount: false)) { p in principals[p].kind == kind && names[p] == name }
            byNameInAccount.add(hash: key.hash64(withAccount: true)) { p in
                principals[p].kind == kind && names[p] == name && principalAccounts[p] == key.account
            }
        }
        self.byName = byName.lists()
        self.byNameInAccount = byNameInAccount.lists()
    }

    /// Each principal's grants from its own policies and from standalone policies and attachments
    /// that name it (not yet those of its groups).
    private func directGrants() -> [[Grant]] {
        // A literal ARN names the same policy from every file: each distinct one is looked up once
        // (an organisation attaches the same few ARNs to thousands of principals).
        var literalArns: [String: (local: Int?, name: String)] = [:]
        func lookUp(_ arn: PolicyText, from file: String) -> (local: Int?, name: String) {
            if !arn.isSymbolic, let known = literalArns[arn.value] { return known }
            let local = localManagedPolicy(arn, from: file)
            let name = local == nil ? ARN(arn.value).map { ARN.lastPathComponent($0.resource) } ?? arn.value : ""
            if !arn.isSymbolic { literalArns[arn.value] = (local, name) }
            return (local, name)
        }
        var direct: [[Grant]] = principals.map { p in
            // Room for exactly the principal's own grants, reserved once (appending grew the
            // list step by step, copying its grants).
            var list: [Grant] = []
            list.reserveCapacity(p.inlinePolicies.count + p.managedPolicyArns.count)
            for named in p.inlinePolicies {
                list.append(Grant(source: .inline(name: named.name), document: named.document, provenance: named.document.provenance, policyName: named.name))
            }
            for (i, arn) in p.managedPolicyArns.enumerated() {
                let prov = p.provenance.child(p.managedPolicyArnsPath, index: i, range: arn.range)
                let found = lookUp(arn, from: p.provenance.file)
                if let local = found.local {
                    list.append(Grant(source: .standalone(index: local), document: policies[local].document, provenance: prov, policyName: policies[local].displayName))
                } else {
                    list.append(Grant(source: .arn(arn), document: nil, provenance: prov, policyName: found.name))
                }
            }
            return list
        }
        for (pi, policy) in policies.enumerated() {
            let file = policy.provenance.file
            let paths = policy.attachmentPaths
            let targets: [(EntityKind, [Reference], String)] = [(.role, policy.roles, paths.roles), (.user, policy.users, paths.users), (.group, policy.groups, paths.groups)]
            for (kind, refs, key) in targets {
                for (i, ref) in refs.enumerated() {
                    for target in resolve(ref, kind: kind, from: file) {
                        direct[target].append(Grant(
                            source: .standalone(index: pi), document: policy.document,
                            provenance: policy.attachmentPathsAreLists
                                ? policy.provenance.child(key, index: i, range: ref.range) : policy.provenance.child(key, range: ref.range),
                            policyName: policy.displayName))
                    }
                }
            }
        }
        for attachment in attachments {
            let file = attachment.provenance.file
            let (local, name) = lookUp(attachment.policyArn, from: file)
            let targets: [(EntityKind, [Reference])] = [(.role, attachment.roles), (.user, attachment.users), (.group, attachment.groups)]
            for (kind, refs) in targets {
                for ref in refs {
                    for target in resolve(ref, kind: kind, from: file) {
                        if let local {
                            direct[target].append(Grant(source: .standalone(index: local), document: policies[local].document, provenance: attachment.provenance, policyName: policies[local].displayName))
                        } else {
                            direct[target].append(Grant(source: .arn(attachment.policyArn), document: nil, provenance: attachment.provenance, policyName: name))
                        }
                    }
                }
            }
        }
        return direct
    }

    /// The trust edges: each principal of each Allow statement of each role's trust policy that
    /// lets it assume the role.
    private func trustEdgesOfRoles() -> [TrustEdge] {
        var trustEdges: [TrustEdge] = []
        // By position: iterating the principals and statements would copy each (a retain of
        // each of its references).
        for index in principals.indices where principals[index].kind == .role {
            guard let trust = principals[index].trustPolicy else { continue }
            let statements = trust.statements
            for s in statements.indices where statements[s].effect == .allow && statements[s].coversAssumeRole {
                guard !statements[s].isNotPrincipal else { continue }
                for principal in 0..<statements[s].principals.count {
                    trustEdges.append(TrustEdge(role: index, statement: statements[s], principalIndex: principal))
                }
            }
        }
        return trustEdges
    }

    /// The fewest principals worth a thread of their own when assume edges are found: below a
    /// few thousand, starting threads costs more than it saves. (Tests lower it.)
    nonisolated(unsafe) static var principalsPerThread = 4096

    /// The assume edges, in principal order; with `threads` above one, contiguous ranges of
    /// principals are worked on side by side.
    private func assumeEdges(roles: RoleIndex, threads: Int) -> [AssumeEdge] {
        let count = principals.count
        let parts = max(1, min(threads, count / Self.principalsPerThread))
        let bounds = (0...parts).map { $0 * count / parts }
        let chunks = Parallel.map(0..<parts, threads: parts) { part in
            assumeEdges(from: bounds[part]..<bounds[part + 1], roles: roles)
        }
        return AssumeEdgeChunks.joined(chunks)
    }

    /// The assume edges from the principals in `range`, in order, in lists of at most
    /// `AssumeEdgeChunks.size`: a large organisation has a million, and one list growing by
    /// doubling would hold up to three times their size at once, beside the role index.
    private func assumeEdges(from range: Range<Int>, roles: RoleIndex) -> AssumeEdgeChunks {
        var edges = AssumeEdgeChunks()
        // The roles each resource element may name: the index narrows them, `mayCover` decides,
        // once per distinct resource element (a group's statement serves all its members).
        // One literal resource (the usual case) is looked up by its text as it is; other elements
        // by `resourceIndexKey`.
        var coveredByResource: [HashedText: [Int]] = [:]
        var coveredByResources: [HashedText: [Int]] = [:]
        // A document many principals hold (a group's, a standalone policy): its `sts:AssumeRole`
        // statements with the roles each may name, found once (by the document's storage).
        var byDocument: [ObjectIdentifier: [(statement: Statement, roles: [Int])]] = [:]
        let grants = self.grants
        for index in range where principals[index].kind != .group {
            // By position: iterating the grants would copy each (a retain of each of its references).
            for g in grants[index].indices {
                guard let document = grants[index][g].document else { continue }
                var isShared = true
                if case .inline = grants[index][g].source, grants[index][g].viaGroup == nil { isShared = false }
                if isShared, let known = byDocument[document.copyIdentity] {
                    for k in known.indices {
                        let statement = known[k].statement
                        for role in known[k].roles where role != index
                            && (roles.isNamed[role] || principals[role].provenance.file == statement.provenance.file) {
                            edges.append(AssumeEdge(from: index, role: role, statement: statement))
                        }
                    }
                    continue
                }
                var found: [(statement: Statement, roles: [Int])] = []
                for statement in document.statements where statement.effect == .allow && statement.covers(action: "sts:AssumeRole") {
                    let resources = statement.resources
                    let literal = resources.count == 1 && !statement.isNotResource && !resources[0].isSymbolic ? resources[0].value : nil
                    let key = HashedText(literal ?? statement.resourceIndexKey)
                    let covered = (literal != nil ? coveredByResource[key] : coveredByResources[key]) ?? {
                        let found = roles.candidates(for: statement).filter { statement.mayCover(roleArn: roles.arns[$0]!) }
                        if literal != nil { coveredByResource[key] = found } else { coveredByResources[key] = found }
                        return found
                    }()
                    if isShared { found.append((statement, covered)) }
                    // A generated role name (`${Logical}`) is only meaningful inside its own template.
                    for role in covered where role != index
                        && (roles.isNamed[role] || principals[role].provenance.file == statement.provenance.file) {
                        edges.append(AssumeEdge(from: index, role: role, statement: statement))
                    }
                }
                if isShared { byDocument[document.copyIdentity] = found }
            }
        }
        return edges
    }

    /// The customer-managed policy of the graph that `arn` names: by its ARN (symbolic parts
    /// only within the same file), or by name when the ARN is a literal customer-policy ARN.
    private func localManagedPolicy(_ arn: PolicyText, from file: String) -> Int? {
        let parsed = ARN(arn.value)
        if let parsed, parsed.account == "aws" { return nil }
        let literalName: String? = parsed.flatMap { p in
            guard !arn.isSymbolic, p.service == "iam", p.resource.hasPrefix("policy/") else { return nil }
            return ARN.lastPathComponent(p.resource)
        }
        return managedPolicyIndex.candidates(arn.value, literalName: literalName).first { i in
            let policy = policies[i]
            guard policy.isManaged else { return false }
            if arn.value == policy.arn || arn.value == "${\(policy.logicalName)}" {
                return policy.provenance.file == file || !arn.isSymbolic
            }
            if let literalName, let name = policy.explicitName, !name.isSymbolic {
                return name.value == literalName
            }
            return false
        }
    }
}

/// The positions of a list's items grouped by a small integer key (a principal index), in
/// list order: one flat array and one offset per key, built by counting, instead of a
/// dictionary of arrays (two allocations in all, 32-bit positions).
struct PositionIndex {
    /// `positions[offsets[k]..<offsets[k + 1]]` are the positions whose key is `k`.
    private var offsets: [Int32] = []
    private var positions: [Int32] = []

    init() {}

    /// `keys[i]` is the key of position `i`; every key is in `0..<keyCount`.
    init(keys: [Int], keyCount: Int) {
        let offsets = Self.offsets(keys: keys, keyCount: keyCount)
        var next = offsets
        var positions = [Int32](repeating: 0, count: keys.count)
        for (i, key) in keys.enumerated() {
            positions[Int(next[key])] = Int32(truncatingIfNeeded: i)
            next[key] += 1
        }
        self.offsets = offsets
        self.positions = positions
    }

    /// Where each key's positions start, for keys `0..<keyCount` and one past the last: the
    /// running count of the keys below it.
    static func offsets(keys: [Int], keyCount: Int) -> [Int32] {
        var offsets = [Int32](repeating: 0, count: keyCount + 1)
        for key in keys { offsets[key + 1] += 1 }
        for k in 0..<keyCount { offsets[k + 1] += offsets[k] }
        return offsets
    }

    /// The positions whose key is `key`, in order; empty for a key out of range.
    subscript(key: Int) -> ArraySlice<Int32> {
        guard key >= 0, key + 1 < offsets.count else { return [] }
        return positions[Int(offsets[key])..<Int(offsets[key + 1])]
    }
}

/// A text as a dictionary key hashed by its 64-bit FNV-1a (eight bytes at a time), which the
/// dictionary hashes as a number: hashing a long text (an ARN) with the dictionary's own hasher
/// cost several hundred instructions a lookup. Equal when the texts are.
private struct HashedText: Hashable {
    let hash: UInt64
    let text: String

    init(_ text: String) {
        var text = text
        hash = text.withUTF8 { bytes in
            var hash = FNV1a()
            hash.mixWords(bytes)
            return hash.value
        }
        self.text = text
    }

    static func == (a: HashedText, b: HashedText) -> Bool { a.hash == b.hash && a.text == b.text }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }
}

/// The positions of a list's items by a small integer key (a principal index) when the list is in
/// key order (`trustEdges` by role, `assumeEdges` by principal): a key's positions are one run,
/// so only the runs' starts are kept (32-bit), not a position per item.
struct RunIndex {
    /// The positions whose key is `k` are `offsets[k]..<offsets[k + 1]`.
    private var offsets: [Int32] = []

    init() {}

    /// `keys[i]` is the key of position `i`, in increasing order; every key is in `0..<keyCount`.
    init(keys: [Int], keyCount: Int) {
        let offsets = PositionIndex.offsets(keys: keys, keyCount: keyCount)
        precondition(zip(keys, keys.dropFirst()).allSatisfy { $0 <= $1 }, "RunIndex keys out of order")
        self.offsets = offsets
    }

    /// The positions whose key is `key`, in order; empty for a key out of range.
    subscript(key: Int) -> Range<Int> {
        guard key >= 0, key + 1 < offsets.count else { return 0..<0 }
        return Int(offsets[key])..<Int(offsets[key + 1])
    }
}

/// A list built in blocks (the first small, each next twice as large up to `size` items) and
/// moved once into a list of exactly its length: a large organisation has a million edges, and
/// one list growing by doubling would hold up to three times their size at once, beside the role
/// index. Moving the edges (not copying them) spares a retain and a release of each edge's
/// statement.
private struct AssumeEdgeChunks: @unchecked Sendable {
    static let size = 1 << 16
    private var blocks: [AssumeEdgeBlock] = []
    private var current: AssumeEdgeBlock?
    private(set) var count = 0

    @inline(__always)
    mutating func append(_ edge: AssumeEdge) {
        if current == nil || current!.isFull {
            let block = AssumeEdgeBlock(capacity: current.map { min(2 * $0.capacity, Self.size) } ?? 1024)
            blocks.append(block)
            current = block
        }
        current!.append(edge)
        count += 1
    }

    /// The edges of `lists`, in order, in one list of their number; the lists are left empty.
    static func joined(_ lists: [AssumeEdgeChunks]) -> [AssumeEdge] {
        let total = lists.reduce(0) { $0 + $1.count }
        return [AssumeEdge](unsafeUninitializedCapacity: total) { buffer, initialized in
            initialized = 0
            guard let base = buffer.baseAddress else { return }
            for list in lists {
                for block in list.blocks {
                    initialized += block.move(to: base + initialized)
                }
            }
        }
    }
}

/// Room for a fixed number of assume edges, filled in order; its edges can be moved out.
private final class AssumeEdgeBlock {
    let capacity: Int
    private let items: UnsafeMutablePointer<AssumeEdge>
    private var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        items = .allocate(capacity: capacity)
    }

    deinit {
        items.deinitialize(count: count)
        items.deallocate()
    }

    var isFull: Bool { count == capacity }

    /// Adds `edge` after the others; the block must not be full.
    func append(_ edge: AssumeEdge) {
        precondition(count < capacity, "AssumeEdgeBlock full")
        (items + count).initialize(to: edge)
        count += 1
    }

    /// Moves the edges to `target` (uninitialised room for them) and returns how many; the
    /// block is empty after.
    func move(to target: UnsafeMutablePointer<AssumeEdge>) -> Int {
        let moved = count
        target.moveInitialize(from: items, count: moved)
        count = 0
        return moved
    }
}

/// Principal indexes grouped by a key (`NameInAccount`), each group in increasing order, found by
/// a 64-bit hash of the key (`NameInAccount.hash64`): an open-addressing table of hashes and
/// group numbers, and the groups one after the other in one array of 32-bit positions. A
/// dictionary of arrays hashed each key's texts again and allocated an array per key (an
/// organisation has a hundred thousand names); a hash shared by two keys only makes a lookup
/// check the next slot (`isKey` tells them apart).
private struct NameLists {
    /// The table: a power of two in size, at most three quarters full; `groups[i]` is 0 in an
    /// empty slot, else its group's number plus one.
    private var hashes: [UInt64] = []
    private var groups: [Int32] = []
    /// The positions of group `g` are `positions[offsets[g]..<offsets[g + 1]]`.
    private var offsets: [Int32] = [0]
    private var positions: [Int32] = []

    init() {}

    /// The positions of the group whose key has `hash` and whose first position `isKey`
    /// accepts, in increasing order: a slice of the lists' storage, not a copy (a name can be
    /// shared by a principal in each of a thousand accounts).
    func positions(hash: UInt64, isKey: (Int) -> Bool) -> ArraySlice<Int32> {
        guard !groups.isEmpty else { return [] }
        let mask = groups.count - 1
        var i = Self.start(hash, mask)
        while groups[i] != 0 {
            if hashes[i] == hash {
                let g = Int(groups[i] - 1)
                let run = Int(offsets[g])..<Int(offsets[g + 1])
                if isKey(Int(positions[run.lowerBound])) { return positions[run] }
            }
            i = (i + 1) & mask
        }
        return []
    }

    fileprivate static func start(_ hash: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
    }

    /// The keys of positions 0, 1, 2, … in turn, each as its hash and a test of whether an
    /// earlier position has the same key.
    struct Builder {
        private var hashes: [UInt64]
        private var groups: [Int32]
        /// The first position of each group, and the group of each position added.
        private var firsts: [Int32] = []
        private var groupOf: [Int32] = []

        init(expected: Int) {
            var size = 16
            while 3 * size < 4 * expected { size *= 2 }
            hashes = Array(repeating: 0, count: size)
            groups = Array(repeating: 0, count: size)
            groupOf.reserveCapacity(expected)
        }

        /// The next position, its key's `hash`; `sameKey(p)` tells whether position `p` has its key.
        mutating func add(hash: UInt64, sameKey: (Int) -> Bool) {
            if 4 * (firsts.count + 1) > 3 * groups.count { grow() }
            let mask = groups.count - 1
            var i = NameLists.start(hash, mask)
            while groups[i] != 0 {
                if hashes[i] == hash {
                    let g = groups[i] - 1
                    if sameKey(Int(firsts[Int(g)])) {
                        groupOf.append(g)
                        return
                    }
                }
                i = (i + 1) & mask
            }
            let g = Int32(truncatingIfNeeded: firsts.count)
            hashes[i] = hash
            groups[i] = g + 1
            firsts.append(Int32(truncatingIfNeeded: groupOf.count))
            groupOf.append(g)
        }

        /// The table twice as large.
        private mutating func grow() {
            let oldHashes = hashes, oldGroups = groups
            hashes = Array(repeating: 0, count: 2 * oldHashes.count)
            groups = Array(repeating: 0, count: 2 * oldGroups.count)
            let mask = groups.count - 1
            for k in oldGroups.indices where oldGroups[k] != 0 {
                var i = NameLists.start(oldHashes[k], mask)
                while groups[i] != 0 { i = (i + 1) & mask }
                hashes[i] = oldHashes[k]
                groups[i] = oldGroups[k]
            }
        }

        /// The lists: the positions counted by group, then placed (in increasing order).
        func lists() -> NameLists {
            var lists = NameLists()
            var offsets = [Int32](repeating: 0, count: firsts.count + 1)
            for g in groupOf { offsets[Int(g) + 1] += 1 }
            for g in 0..<firsts.count { offsets[g + 1] += offsets[g] }
            var next = offsets
            var positions = [Int32](repeating: 0, count: groupOf.count)
            for (i, g) in groupOf.enumerated() {
                positions[Int(next[Int(g)])] = Int32(truncatingIfNeeded: i)
                next[Int(g)] += 1
            }
            lists.hashes = hashes
            lists.groups = groups
            lists.offsets = offsets
            lists.positions = positions
            return lists
        }
    }
}

/// The key of `IAMGraph.byName` (without account) and `byNameInAccount`: kind, lower-cased name,
/// account.
private struct NameInAccount {
    var kind: EntityKind
    var name: String
    var account: String?

    /// FNV-1a of the kind's position, the name and (for `byNameInAccount`) the account:
    /// `withAccount` false hashes the key as `byName` has it, whatever `account` is.
    func hash64(withAccount: Bool) -> UInt64 {
        var hash = FNV1a()
        hash.mix(UInt8(truncatingIfNeeded: kind.position))
        hash.mix(name)
        guard withAccount else { return hash.value }
        if let account {
            hash.mix(0x1F)
            hash.mix(account)
        } else {
            hash.mix(0x1E)
        }
        return hash.value
    }
}

extension EntityKind {
    /// The kind's position among the kinds (hashed instead of its raw text).
    fileprivate var position: Int {
        switch self {
        case .user: return 0
        case .group: return 1
        case .role: return 2
        case .managedPolicy: return 3
        case .instanceProfile: return 4
        }
    }
}

extension String {
    /// `lowercased()`, without a new string when the text is lower-case ASCII already.
    fileprivate var lowercasedName: String {
        let isLower = utf8.withContiguousStorageIfAvailable { bytes in
            !bytes.contains { $0 >= 0x80 || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) }
        }
        return isLower == true ? self : lowercased()
    }
}

/// Managed policies by the keys `localManagedPolicy` compares (ARN, `${LogicalName}`, literal
/// name), so that a lookup visits only the policies that can match, lowest index first.
private struct ManagedPolicyIndex {
    var byKey: [String: [Int]] = [:]
    var byLiteralName: [String: [Int]] = [:]

    init(_ policies: [StandalonePolicy]) {
        for (i, policy) in policies.enumerated() where policy.isManaged {
            byKey[policy.arn, default: []].append(i)
            let logical = "${\(policy.logicalName)}"
            if logical != policy.arn { byKey[logical, default: []].append(i) }
            if let name = policy.explicitName, !name.isSymbolic { byLiteralName[name.value, default: []].append(i) }
        }
    }

    func candidates(_ arn: String, literalName: String?) -> [Int] {
        let byArn = byKey[arn] ?? []
        guard let literalName, let named = byLiteralName[literalName] else { return byArn }
        if byArn.isEmpty { return named }
        return Array(Set(byArn).union(named)).sorted()
    }
}

/// The roles of the graph indexed by their ARNs, so that an `sts:AssumeRole` statement is matched
/// against the roles its resource patterns can name rather than against every role. Keys are
/// hashes of the lower-cased text (a superset for case-sensitive matching, and a hash collision
/// only adds a candidate); the candidates are always checked with `Statement.mayCover(roleArn:)`,
/// so the index changes speed, never the result.
private struct RoleIndex {
    /// The ARN of each role (`IAMGraph.arn(of:)`), by principal index; nil for users and groups.
    var arns: [String?]
    /// Whether each role has an explicit name (`RoleName`), by principal index.
    var isNamed: [Bool]
    var all: [Int] = []
    /// Roles by each form of their ARN.
    var byARN: KeyedLists
    /// Roles by the last `/` segment of each form of their ARN (the role name).
    var byName: KeyedLists
    /// Roles by the ARN up to and including the fifth colon (`arn:aws:iam::123456789012:`).
    var byAccountPrefix = KeyedLists()

    init(_ graph: IAMGraph) {
        byARN = KeyedLists(expectedKeys: graph.principals.count)
        byName = KeyedLists(expectedKeys: graph.principals.count)
        arns = Array(repeating: nil, count: graph.principals.count)
        isNamed = Array(repeating: false, count: graph.principals.count)
        let placeholder: [UInt8] = Array("arn:${aws::partition}:".utf8)
        let partition: [UInt8] = Array("arn:aws:".utf8)
        for index in graph.principals.indices where graph.principals[index].kind == .role {
            var arn = graph.arn(of: index)
            all.append(index)
            isNamed[index] = graph.principals[index].explicitName != nil
            arn.withUTF8 { bytes in
                let name = Self.key(bytes, Self.lastSegment(bytes, 0..<bytes.count))
                let prefix = Self.accountPrefix(bytes, 0..<bytes.count).map { Self.key(bytes, $0) }
                byARN.add(Self.key(bytes, 0..<bytes.count), index)
                byName.add(name, index)
                if let prefix { byAccountPrefix.add(prefix, index) }
                // The ARN with `arn:aws:` for the partition placeholder, as patterns spell it:
                // its name is the same, its account prefix may differ (an `add` of a value that
                // ends the key's list already is skipped).
                guard Self.hasPrefix(bytes, placeholder) else { return }
                (partition + bytes[placeholder.count...]).withUnsafeBufferPointer { bytes in
                    byARN.add(Self.key(bytes, 0..<bytes.count), index)
                    if let other = Self.accountPrefix(bytes, 0..<bytes.count).map({ Self.key(bytes, $0) }), other != prefix {
                        byAccountPrefix.add(other, index)
                    }
                }
            }
            arns[index] = arn
        }
    }

    /// A hash of `bytes[range]` lower-cased (ASCII): FNV-1a's constants over eight bytes at a
    /// time (lower-cased together), then the last bytes one by one; enough for an index whose
    /// matches are checked anyway. Equal texts have equal keys wherever they start.
    static func key(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64 {
        var hash = FNV1a()
        hash.mixWords(UnsafeBufferPointer(rebasing: bytes[range]), lowercased: true)
        return hash.value
    }

    /// Whether `bytes` lower-cased (ASCII) starts with `prefix` (lower-case).
    static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8]) -> Bool {
        bytes.count >= prefix.count && prefix.indices.allSatisfy { ASCII.lower(bytes[$0]) == prefix[$0] }
    }

    /// Characters after which the index cannot say what a pattern matches: wildcards, and
    /// placeholders (`${…}`) in case they are ever matched as wildcards. All of them, and the
    /// `/` and `:` the index cuts at, are ASCII: cutting the UTF-8 bytes cuts the scalars
    /// `Wildcard` compares.
    static func isOpen(_ c: UInt8) -> Bool {
        c == UInt8(ascii: "*") || c == UInt8(ascii: "?") || c == UInt8(ascii: "$") || c == UInt8(ascii: "{") || c == UInt8(ascii: "}")
    }

    /// The part of `range` after its last `/` (all of it without one). Cut at ASCII bytes of
    /// UTF-8, so at scalar boundaries.
    static func lastSegment(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var start = range.upperBound
        while start > range.lowerBound, bytes[start - 1] != UInt8(ascii: "/") { start -= 1 }
        return start..<range.upperBound
    }

    /// The part of `range` up to and including its fifth `:`, or nil with fewer.
    static func accountPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int>? {
        var colons = 0
        for i in range where bytes[i] == UInt8(ascii: ":") {
            colons += 1
            if colons == 5 { return range.lowerBound..<(i + 1) }
        }
        return nil
    }

    /// The roles, in index order, whose ARN one of the statement's resource patterns may match.
    func candidates(for statement: Statement) -> [Int] {
        if statement.isNotResource { return all }
        var found: [Int]? = nil
        var more = Set<Int>()
        for resource in statement.resources {
            var pattern = resource.value
            let roles: [Int]? = pattern.withUTF8 { bytes in
                // A match ends with the text after the last wildcard and starts with the text before
                // the first: when those fix the role name or the account, look only there.
                guard let open = bytes.lastIndex(where: Self.isOpen) else {
                    // No wildcard: the pattern names one ARN.
                    return byARN.values(Self.key(bytes, 0..<bytes.count))
                }
                let tail = (open + 1)..<bytes.count
                let head = 0..<(bytes.firstIndex(where: Self.isOpen) ?? bytes.count)
                let named = bytes[tail].contains(UInt8(ascii: "/")) ? byName.list(Self.key(bytes, Self.lastSegment(bytes, tail))) : nil
                let inAccount = Self.accountPrefix(bytes, head).map { byAccountPrefix.list(Self.key(bytes, $0)) }
                switch (named, inAccount) {
                case let (named?, inAccount?):
                    return named.count <= inAccount.count ? byName.values(named) : byAccountPrefix.values(inAccount)
                case let (named?, nil): return byName.values(named)
                case let (nil, inAccount?): return byAccountPrefix.values(inAccount)
                case (nil, nil): return nil
                }
            }
            guard let roles else { return all }
            // One pattern (the usual case): its list, already in index order.
            if found == nil { found = roles } else { more.formUnion(roles) }
        }
        guard var found else { return [] }
        if !more.isEmpty {
            more.formUnion(found)
            found = more.sorted()
        }
        return found
    }
}

/// A role index that one thread builds and another frees (`IAMGraph.link`).
private final class RoleIndexHolder: @unchecked Sendable {
    var index: RoleIndex?

    init(_ index: RoleIndex) { self.index = index }
}

/// Lists of principal indexes by a 64-bit key, for an index with many keys of one or a few
/// values each: a table of list ends and one shared array of links, instead of an array
/// allocated per key. The keys are hashes already, so the table is an open-addressing one that
/// uses them as they are (a `Dictionary` hashed each of them again, the larger part of the
/// index's cost).
private struct KeyedLists {
    /// A list: its last link and how many values it has (0 in an empty slot of the table).
    struct List {
        var last: Int32
        var count: Int32
    }

    /// The table, linear probing; its size is a power of two, at most half full.
    private var keys: [UInt64]
    private var lists: [List]
    private var used = 0
    /// `values[i]` and the link before it in the same list (`-1` at the list's start).
    private var links: [(value: Int32, previous: Int32)] = []

    /// A table with room for `expectedKeys` keys before it grows.
    init(expectedKeys: Int = 8) {
        var size = 16
        while size < 2 * expectedKeys { size *= 2 }
        keys = Array(repeating: 0, count: size)
        lists = Array(repeating: List(last: -1, count: 0), count: size)
    }

    /// The slot of `key`: where it is, or the empty slot where it would go.
    private func slot(_ key: UInt64) -> Int {
        let mask = keys.count - 1
        var i = Int(truncatingIfNeeded: key ^ (key >> 29)) & mask
        while lists[i].count != 0 && keys[i] != key { i = (i + 1) & mask }
        return i
    }

    /// Adds `value` to the end of `key`'s list, unless it ends the list already (values are
    /// added in increasing order: a value's two forms can share a key).
    mutating func add(_ key: UInt64, _ value: Int) {
        if 2 * (used + 1) > keys.count { grow() }
        let i = slot(key)
        let position = Int32(links.count)
        let end = lists[i]
        if end.count != 0 {
            if links[Int(end.last)].value == Int32(truncatingIfNeeded: value) { return }
            links.append((Int32(truncatingIfNeeded: value), end.last))
            lists[i] = List(last: position, count: end.count + 1)
        } else {
            links.append((Int32(truncatingIfNeeded: value), -1))
            keys[i] = key
            lists[i] = List(last: position, count: 1)
            used += 1
        }
    }

    /// The table twice as large, every list in it.
    private mutating func grow() {
        let oldKeys = keys, oldLists = lists
        keys = Array(repeating: 0, count: 2 * oldKeys.count)
        lists = Array(repeating: List(last: -1, count: 0), count: 2 * oldKeys.count)
        for i in oldKeys.indices where oldLists[i].count != 0 {
            let j = slot(oldKeys[i])
            keys[j] = oldKeys[i]
            lists[j] = oldLists[i]
        }
    }

    /// The list of `key` (empty when there is none).
    func list(_ key: UInt64) -> List {
        let i = slot(key)
        return lists[i].count != 0 ? lists[i] : List(last: -1, count: 0)
    }

    /// The values of `key`'s list, in the order they were added.
    func values(_ key: UInt64) -> [Int] { values(list(key)) }

    /// The values of `list` (one of this index's), in the order they were added.
    func values(_ list: List) -> [Int] {
        var result = [Int](repeating: 0, count: Int(list.count))
        var position = list.last
        var i = result.count
        while position >= 0, i > 0 {
            i -= 1
            result[i] = Int(links[Int(position)].value)
            position = links[Int(position)].previous
        }
        return result
    }
}

extension Statement {
    /// A key that is equal for statements whose resource element is the same: all that
    /// `mayCover(roleArn:)` reads (values, whether symbolic, NotResource), each value length-prefixed.
    /// (`assumeEdges` looks one literal resource up by its text instead.)
    fileprivate var resourceIndexKey: String {
        let resources = self.resources
        var key = isNotResource ? "!" : ""
        for resource in resources {
            key += resource.isSymbolic ? "s" : "l"
            key += String(resource.value.utf8.count)
            key += ":"
            key += resource.value
        }
        return key
    }
}

extension Statement {
    /// Whether the statement's actions include assuming a role (`sts:AssumeRole` and its web-identity/SAML forms).
    public var coversAssumeRole: Bool {
        covers(action: "sts:AssumeRole") || covers(action: "sts:AssumeRoleWithWebIdentity") || covers(action: "sts:AssumeRoleWithSAML")
    }

    /// Whether a resource pattern may name the role ARN; placeholders match any partition or this account.
    public func mayCover(roleArn: String) -> Bool {
        if covers(resource: roleArn) { return true }
        let placeholder = "arn:${AWS::Partition}:"
        return roleArn.hasPrefix(placeholder) && covers(resource: "arn:aws:" + roleArn.dropFirst(placeholder.count))
    }
}

/// A policy document of the graph with what it belongs to, for rules that look at statements.
///
/// 56 bytes: the owner's position in 32 bits, the label's parts without tuples of texts (an
/// organisation has a document or more per principal, and rules keep lists of them).
public struct DocumentRef: Sendable {
    public enum Kind: Sendable, Equatable {
        /// A role's trust (assume-role) policy.
        case trust
        /// An identity policy written into a principal (`Policies`, `inline_policy`).
        case inline
        /// A policy declared on its own (managed or not).
        case standalone
    }

    public var document: PolicyDocument
    /// What `label` is made of, kept apart so that the text is built only for the documents a
    /// message names: the policy's name (inline and standalone) or the role's (trust), and the
    /// owner's name and kind (inline).
    private let labelName: String
    private let labelOwner: String
    /// The principal index for trust and inline documents, the standalone policy index for
    /// standalone ones.
    private var owner: Int32
    public var kind: Kind
    private let ownerKind: EntityKind
    private let isManaged: Bool

    /// A trust document of role `principal`, named `roleName` in messages.
    init(trust document: PolicyDocument, principal: Int, roleName: String) {
        self.document = document
        labelName = roleName
        labelOwner = ""
        owner = Int32(truncatingIfNeeded: principal)
        kind = .trust
        ownerKind = .role
        isManaged = false
    }

    /// An inline policy `name` of `principal`, of kind `ownerKind` and named `ownerName` in messages.
    init(inline document: PolicyDocument, name: String, principal: Int, ownerKind: EntityKind, ownerName: String) {
        self.document = document
        labelName = name
        labelOwner = ownerName
        owner = Int32(truncatingIfNeeded: principal)
        kind = .inline
        self.ownerKind = ownerKind
        isManaged = false
    }

    /// The document of standalone policy `policy`, named `name` in messages.
    init(standalone document: PolicyDocument, policy: Int, name: String, isManaged: Bool) {
        self.document = document
        labelName = name
        labelOwner = ""
        owner = Int32(truncatingIfNeeded: policy)
        kind = .standalone
        ownerKind = .managedPolicy
        self.isManaged = isManaged
    }

    /// The principal index for trust and inline documents.
    public var principal: Int? { kind == .standalone ? nil : Int(owner) }

    /// The standalone policy index for standalone documents.
    public var policy: Int? { kind == .standalone ? Int(owner) : nil }

    /// How messages name the document: `trust policy of role 'Admin'`, `policy 'deploy'`.
    public var label: String {
        switch kind {
        case .trust: return "trust policy of role '\(labelName)'"
        case .inline: return "inline policy '\(labelName)' of \(ownerKind.rawValue) '\(labelOwner)'"
        case .standalone: return "\(isManaged ? "managed policy" : "policy") '\(labelName)'"
        }
    }
}

extension IAMGraph {
    /// Every policy document in the graph, trust policies included, in a stable order.
    func collectDocuments() -> [DocumentRef] {
        // By position: iterating the principals and policies would copy each (a retain of each
        // of its references; a standalone policy has a dozen).
        var count = policies.count
        for index in principals.indices {
            count += (principals[index].trustPolicy == nil ? 0 : 1) + principals[index].inlinePolicies.count
        }
        var result: [DocumentRef] = []
        result.reserveCapacity(count)
        for index in principals.indices {
            let trust = principals[index].trustPolicy
            let inline = principals[index].inlinePolicies
            guard trust != nil || !inline.isEmpty else { continue }
            let name = principals[index].displayName
            if let trust {
                result.append(DocumentRef(trust: trust, principal: index, roleName: name))
            }
            let kind = principals[index].kind
            for i in inline.indices {
                result.append(DocumentRef(inline: inline[i].document, name: inline[i].name, principal: index, ownerKind: kind, ownerName: name))
            }
        }
        for index in policies.indices {
            result.append(DocumentRef(standalone: policies[index].document, policy: index, name: policies[index].displayName, isManaged: policies[index].isManaged))
        }
        return result
    }

    /// The principal's kind and name for messages: `role 'Admin'`.
    public func describe(_ index: Int) -> String {
        "\(principals[index].kind.rawValue) '\(principals[index].displayName)'"
    }
}
