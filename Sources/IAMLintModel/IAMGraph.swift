import IAMLintCore

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

    /// Grants per principal index: `grants[p]` is principal `p`'s, in order.
    public private(set) var grants = GrantTable()
    public private(set) var trustEdges: [TrustEdge] = []
    public private(set) var assumeEdges: [AssumeEdge] = []
    /// Every policy document in the graph, in a stable order: the identity documents first
    /// (`identityDocuments`: each principal's inline policies, then the standalone policies),
    /// then the roles' trust policies.
    public private(set) var documents: [DocumentRef] = []
    /// How many of `documents` are identity documents (they come first).
    private var identityDocumentCount = 0

    /// The identity documents (every document but trust policies), in order: a slice of
    /// `documents` that shares its storage, indexed from 0.
    public var identityDocuments: ArraySlice<DocumentRef> { documents[..<identityDocumentCount] }

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
    /// order, so a key's edges are one run); those in `assumeEdges` by role are built at first
    /// use (`assumeEdgesByRole`).
    private var trustEdgesByRole = RunIndex()
    private var assumeEdgesByPrincipal = RunIndex()
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

    /// Positions in `assumeEdges` by role, built at first use and kept in `derived` (the built-in
    /// rules do not ask: two 32-bit numbers an edge, a million edges in a large organisation).
    private var assumeEdgesByRole: PositionIndex {
        derived.value(AssumeEdgesByRole.self) {
            assumeEdges.withUnsafeBufferPointer { edges in
                PositionIndex(count: edges.count, keyCount: principals.count) { edges[$0].role }
            }
        }
    }

    private enum AssumeEdgesByRole: DerivedFact { typealias Value = PositionIndex }

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
        trustEdges.withUnsafeBufferPointer { edges in RunIndex(count: edges.count, keyCount: count) { edges[$0].role } }
    }

    /// `assumeEdgesByPrincipal`.
    private static func assumeIndex(_ assumeEdges: [AssumeEdge], count: Int) -> RunIndex {
        assumeEdges.withUnsafeBufferPointer { edges in RunIndex(count: edges.count, keyCount: count) { edges[$0].from } }
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
            return (self.grantTable(), self.collectDocuments())
        }, {
            let trust = self.trustEdgesOfRoles()
            return (trust, Self.trustIndex(trust, count: count), RoleIndexHolder(RoleIndex(self)), Self.principalsByAccount(self.principalAccounts))
        })
        // Each part built in locals (a stored property of the class is checked for exclusive
        // access at every use), then stored once.
        self.grants = grants
        trustEdges = trust
        trustEdgesByRole = trustIndex
        self.documents = documents.all
        identityDocumentCount = documents.identityCount
        self.byAccount = byAccount
        let parts = assumeEdgeParts(roles: roles.index!, threads: threads)
        // The role index (an ARN per role) freed before the edges are joined.
        roles.index = nil
        let assume = AssumeEdgeChunks.joined(parts)
        assumeEdgesByPrincipal = Self.assumeIndex(assume, count: count)
        assumeEdges = assume
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

    /// Every principal's grants, in one list (`GrantTable`): its own inline policies and managed
    /// ARNs, then the standalone policies and attachments that name it (in policy, then attachment,
    /// order), then, for a user, the direct grants of each of its groups (`viaGroup` set), in group
    /// order. Counted first and written once into a list of exactly their number: a list per
    /// principal cost a header and an allocation each (a hundred thousand at 100,000 principals).
    private func grantTable() -> GrantTable {
        let count = principals.count
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
        // The grants that standalone policies and attachments give, as the principal they name and
        // where they come from, in the order they are found; each attachment's policy looked up once.
        var named: [NamedGrant] = []
        var namedCount = [Int32](repeating: 0, count: count)
        for pi in policies.indices {
            let file = policies[pi].provenance.file
            for list in 0..<3 {
                let (kind, refs) = list == 0 ? (EntityKind.role, policies[pi].roles) : list == 1 ? (.user, policies[pi].users) : (.group, policies[pi].groups)
                for i in refs.indices {
                    for target in resolve(refs[i], kind: kind, from: file) {
                        named.append(NamedGrant(target: target, origin: pi, item: i, list: list))
                        namedCount[target] += 1
                    }
                }
            }
        }
        var attachmentPolicies: [(local: Int?, name: String)] = []
        attachmentPolicies.reserveCapacity(attachments.count)
        for a in attachments.indices {
            let file = attachments[a].provenance.file
            attachmentPolicies.append(lookUp(attachments[a].policyArn, from: file))
            for (kind, refs) in [(EntityKind.role, attachments[a].roles), (.user, attachments[a].users), (.group, attachments[a].groups)] {
                for ref in refs {
                    for target in resolve(ref, kind: kind, from: file) {
                        named.append(NamedGrant(target: target, origin: a, item: 0, list: NamedGrant.attachment))
                        namedCount[target] += 1
                    }
                }
            }
        }
        // Principal `p`'s grants are at `offsets[p]..<offsets[p + 1]`: its `direct[p]` direct ones,
        // then its groups' (`userGroups[groupStarts[p]..<groupStarts[p + 1]]`, users only).
        var direct = [Int32](repeating: 0, count: count)
        for p in principals.indices {
            direct[p] = Int32(principals[p].inlinePolicies.count + principals[p].managedPolicyArns.count) + namedCount[p]
        }
        var groupStarts = [Int32](repeating: 0, count: count + 1)
        var userGroups: [Int32] = []
        var offsets = [Int32](repeating: 0, count: count + 1)
        for p in principals.indices {
            var total = direct[p]
            if principals[p].kind == .user {
                for g in groups(ofUser: p) {
                    userGroups.append(Int32(g))
                    total += direct[g]
                }
            }
            groupStarts[p + 1] = Int32(userGroups.count)
            offsets[p + 1] = offsets[p] + total
        }
        // Where each principal's next named grant goes (after its own), by a stable counting sort.
        var nextNamed = [Int32](repeating: 0, count: count)
        for p in principals.indices {
            nextNamed[p] = offsets[p] + Int32(principals[p].inlinePolicies.count + principals[p].managedPolicyArns.count)
        }
        let items = [Grant](unsafeUninitializedCapacity: Int(offsets[count])) { buffer, initialized in
            initialized = 0
            guard let base = buffer.baseAddress else { return }
            // The direct grants: each principal's own, by position (a copy of a principal would
            // retain each of its references) ...
            for p in principals.indices {
                var at = base + Int(offsets[p])
                let inline = principals[p].inlinePolicies
                for i in inline.indices {
                    at.initialize(to: Grant(source: .inline(name: inline[i].name), document: inline[i].document, provenance: inline[i].document.provenance, policyName: inline[i].name))
                    at += 1
                }
                let arns = principals[p].managedPolicyArns
                for i in arns.indices {
                    let prov = principals[p].provenance.child(principals[p].managedPolicyArnsPath, index: i, range: arns[i].range)
                    let found = lookUp(arns[i], from: principals[p].provenance.file)
                    if let local = found.local {
                        at.initialize(to: Grant(source: .standalone(index: local), document: policies[local].document, provenance: prov, policyName: policies[local].displayName))
                    } else {
                        at.initialize(to: Grant(source: .arn(arns[i]), document: nil, provenance: prov, policyName: found.name))
                    }
                    at += 1
                }
            }
            // ... then those that standalone policies and attachments give, in the order found ...
            for n in named.indices {
                let target = Int(named[n].target)
                let at = base + Int(nextNamed[target])
                nextNamed[target] += 1
                let origin = Int(named[n].origin)
                if named[n].list == NamedGrant.attachment {
                    let found = attachmentPolicies[origin]
                    if let local = found.local {
                        at.initialize(to: Grant(source: .standalone(index: local), document: policies[local].document, provenance: attachments[origin].provenance, policyName: policies[local].displayName))
                    } else {
                        at.initialize(to: Grant(source: .arn(attachments[origin].policyArn), document: nil, provenance: attachments[origin].provenance, policyName: found.name))
                    }
                    continue
                }
                let policy = policies[origin]
                let paths = policy.attachmentPaths
                let (refs, key) = named[n].list == 0 ? (policy.roles, paths.roles) : named[n].list == 1 ? (policy.users, paths.users) : (policy.groups, paths.groups)
                let i = Int(named[n].item)
                at.initialize(to: Grant(
                    source: .standalone(index: origin), document: policy.document,
                    provenance: policy.attachmentPathsAreLists
                        ? policy.provenance.child(key, index: i, range: refs[i].range) : policy.provenance.child(key, range: refs[i].range),
                    policyName: policy.displayName))
            }
            // ... then each user's groups' direct grants, read where they were written.
            for p in principals.indices where groupStarts[p] < groupStarts[p + 1] {
                var at = base + Int(offsets[p] + direct[p])
                for k in Int(groupStarts[p])..<Int(groupStarts[p + 1]) {
                    let g = Int(userGroups[k])
                    let from = base + Int(offsets[g])
                    for j in 0..<Int(direct[g]) {
                        at.initialize(to: from[j])
                        at.pointee.viaGroup = g
                        at += 1
                    }
                }
            }
            initialized = Int(offsets[count])
        }
        return GrantTable(items: items, offsets: offsets)
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

    /// The assume edges, in principal order, in parts to be joined (`AssumeEdgeChunks.joined`);
    /// with `threads` above one, contiguous ranges of principals are worked on side by side.
    private func assumeEdgeParts(roles: RoleIndex, threads: Int) -> [AssumeEdgeChunks] {
        let count = principals.count
        let parts = max(1, min(threads, count / Self.principalsPerThread))
        let bounds = (0...parts).map { $0 * count / parts }
        return Parallel.map(0..<parts, threads: parts) { part in
            assumeEdges(from: bounds[part]..<bounds[part + 1], roles: roles)
        }
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
            let held = grants[index]
            for g in held.indices {
                guard let document = held[g].document else { continue }
                var isShared = true
                if case .inline = held[g].source, held[g].viaGroup == nil { isShared = false }
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

extension String {
    /// `lowercased()`, without a new string when the text is lower-case ASCII already.
    fileprivate var lowercasedName: String {
        let isLower = utf8.withContiguousStorageIfAvailable { bytes in
            !bytes.contains { $0 >= 0x80 || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) }
        }
        return isLower == true ? self : lowercased()
    }
}

extension IAMGraph {
    /// Every policy document in the graph in `documents` order: each principal's inline
    /// policies, then the standalone policies (`identityCount` of them), then the trust policies.
    func collectDocuments() -> (all: [DocumentRef], identityCount: Int) {
        // By position: iterating the principals and policies would copy each (a retain of each
        // of its references; a standalone policy has a dozen).
        var count = policies.count
        for index in principals.indices {
            count += (principals[index].trustPolicy == nil ? 0 : 1) + principals[index].inlinePolicies.count
        }
        let owners = DocumentOwners(principals: principals, policies: policies)
        var result: [DocumentRef] = []
        result.reserveCapacity(count)
        for index in principals.indices {
            let inline = principals[index].inlinePolicies
            for i in inline.indices {
                result.append(DocumentRef(inline: inline[i].document, principal: index, inline: i, owners: owners))
            }
        }
        for index in policies.indices {
            result.append(DocumentRef(standalone: policies[index].document, policy: index, owners: owners))
        }
        let identityCount = result.count
        for index in principals.indices {
            if let trust = principals[index].trustPolicy {
                result.append(DocumentRef(trust: trust, principal: index, owners: owners))
            }
        }
        return (result, identityCount)
    }

    /// The principal's kind and name for messages: `role 'Admin'`.
    public func describe(_ index: Int) -> String {
        "\(principals[index].kind.rawValue) '\(principals[index].displayName)'"
    }
}
