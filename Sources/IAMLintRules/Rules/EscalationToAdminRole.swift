import IAMLintCore
import IAMLintModel

/// IAM215: a principal that is not an administrator may rewrite the trust policy of an
/// administrator-equivalent role of the scan (`iam:UpdateAssumeRolePolicy`), or pass that role
/// (`iam:PassRole`) to a service it can start code on, through a resource pattern that names
/// the role. Patterns that name every role are IAM212's and IAM213's; principals that may
/// already assume the role, and roles of another account, are left out. Attaching or writing
/// policies on a role that is already an administrator adds nothing, so those actions are not
/// this rule's.
public struct EscalationToAdminRole: Rule {
    public static let code = "IAM215"
    public init() {}

    static let updateTrust = ActionSets.named(["iam:UpdateAssumeRolePolicy"])
    /// The actions this rule follows: a statement that covers neither cannot open a path.
    static let followed = updateTrust.union(PassRoleAnalysis.passRole)

    /// One way a principal's statements reach a role.
    struct Path {
        enum Kind { case trust, pass }
        var kind: Kind
        var statement: Statement
        var compute: PassRoleAnalysis.ComputeGrant?
    }

    /// The statements of a set of policies that may reach some roles by name: trust rewrites and
    /// PassRole with a compute method it can feed, on patterns that do not name every role.
    struct Candidates {
        var trust: [Statement] = []
        var pass: [Statement] = []
        var computes: [PassRoleAnalysis.ComputeGrant] = []

        init(_ documents: [PolicyDocument]) {
            let grants = PassRoleAnalysis.Grants(documents)
            func eligible(_ statement: Statement) -> Bool {
                !ResourceScope.isWiderGrant(statement) && !ResourceScope.coversEvery("role", statement)
            }
            trust = grants.statements.filter {
                $0.covered.intersects(EscalationToAdminRole.updateTrust) && eligible($0.statement) && ResourceScope.scopingCondition($0.statement) == nil
            }.map(\.statement)
            pass = grants.passRoleStatements.filter(eligible)
            if !pass.isEmpty { computes = grants.computeGrants }
            if computes.isEmpty { pass = [] }
        }

        static let none = Candidates([])

        var isEmpty: Bool { trust.isEmpty && pass.isEmpty }

        /// For each administrator role of `admins`, in order, the first way to reach it; empty
        /// when there is none (the list is made at the first way found).
        func paths(to admins: AccountAdmins) -> [Path?] {
            var result: [Path?] = []
            func add(_ path: Path, at slot: Int) {
                if result.isEmpty { result = [Path?](repeating: nil, count: admins.roles.count) }
                if result[slot] == nil { result[slot] = path }
            }
            for statement in trust {
                for (slot, covered) in admins.covered(by: statement).enumerated() where covered {
                    add(Path(kind: .trust, statement: statement), at: slot)
                }
            }
            for statement in pass {
                guard let compute = computes.first(where: { PassRoleAnalysis.passes(statement, to: $0.method.services) }) else { continue }
                for (slot, covered) in admins.covered(by: statement).enumerated() where covered {
                    add(Path(kind: .pass, statement: statement, compute: compute), at: slot)
                }
            }
            return result
        }
    }

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        let adminsByAccount = AdminRoles(graph)
        guard !adminsByAccount.isEmpty else { return [] }
        var findings: [Finding] = []
        var reader = CandidateReader()
        let administrators = graph.administrators
        let kinds = graph.principalFacts.kinds
        // Principals come file by file, so mostly in runs of one account: the previous
        // principal's administrators are reused for the same account (no string hashing).
        var previous: (account: String?, admins: AccountAdmins?)?
        for index in graph.principals.indices {
            let kind = kinds[index]
            guard kind == .user || kind == .role || kind == .group else { continue }
            let account = graph.accountID(of: index)
            let found: AccountAdmins?
            if let previous, previous.account == account {
                found = previous.admins
            } else {
                found = adminsByAccount.admins(inAccount: account)
                previous = (account, found)
            }
            guard let admins = found else { continue }
            guard !administrators[index] else { continue }
            let mine = reader.candidates(of: index, graph)
            guard !mine.isEmpty else { continue }
            let paths = mine.paths(to: admins)
            guard !paths.isEmpty else { continue }
            let groups = kind == .user ? graph.groups(ofUser: index).filter { !administrators[$0] } : []
            let groupPaths = groups.map { reader.candidates(of: $0, graph).paths(to: admins) }
            let assumable = Set(graph.assumeEdges(from: index).map(\.role))
            for (slot, role) in admins.roles.enumerated() where role != index {
                guard let path = paths[slot], !assumable.contains(role), !groupPaths.contains(where: { !$0.isEmpty && $0[slot] != nil }) else { continue }
                findings.append(finding(context, path, holder: index, role: role, roleArn: admins.arns[slot]))
            }
        }
        return findings.withoutRepeats()
    }

    /// Each principal's `Candidates`, with what the principals' readings share, in a value the
    /// loop owns (a closure over the same variables had every access checked for exclusivity at
    /// run time).
    struct CandidateReader {
        var followed = PolicySets.ActionFilter(EscalationToAdminRole.followed)
        var relevant = PolicySets.ActionFilter(EscalationToAdminRole.followed.union(PassRoleAnalysis.computeActions))
        var shared: [[Int]: Candidates] = [:]

        /// A principal's candidates come from the policies that can change them (those that may
        /// allow a followed or compute action, or deny something); principals whose such
        /// policies are the same (a managed policy, a group's) share them.
        mutating func candidates(of index: Int, _ graph: IAMGraph) -> Candidates {
            let grants = graph.grants[index]
            // Most principals hold no document that may allow a followed action: none then.
            guard followed.mayAllow(grants) else { return .none }
            let key = sharedKey(grants)
            if let key, let known = shared[key] { return known }
            var documents: [PolicyDocument] = []
            for position in grants.indices {
                if let document = grants[position].document, relevant.mayMatter(document) { documents.append(document) }
            }
            let made = followed.mayAllow(documents) ? Candidates(documents) : .none
            if let key { shared[key] = made }
            return made
        }

        /// `PolicySets.sharedKey` of the grants whose documents may matter, read where they lie
        /// (filtering them first copied every kept grant into a new list).
        private mutating func sharedKey(_ grants: GrantList) -> [Int]? {
            var key: [Int] = []
            var positionInGroup: [Int: Int] = [:]
            for position in grants.indices {
                guard let document = grants[position].document, relevant.mayMatter(document) else { continue }
                let group = grants[position].viaGroup
                var inGroup = 0
                if let group {
                    inGroup = positionInGroup[group, default: 0]
                    positionInGroup[group] = inGroup + 1
                }
                switch grants[position].source {
                case .standalone(let policy):
                    key.append(policy)
                case .inline:
                    guard let group else { return nil }
                    key.append(-1 - group)
                    key.append(inGroup)
                case .arn:
                    continue
                }
            }
            return key
        }
    }

    /// The administrator-equivalent roles of the graph by account (`accountID(of:)`).
    struct AdminRoles {
        private var byAccount: [String?: AccountAdmins] = [:]

        init(_ graph: IAMGraph) {
            var roles: [String?: [Int]] = [:]
            let administrators = graph.administrators
            let kinds = graph.principalFacts.kinds
            for index in graph.principals.indices where administrators[index] && kinds[index] == .role {
                roles[graph.accountID(of: index), default: []].append(index)
            }
            for (account, list) in roles {
                byAccount[account] = AccountAdmins(roles: list, arns: list.map { graph.arn(of: $0) })
            }
        }

        var isEmpty: Bool { byAccount.isEmpty }

        func admins(inAccount account: String?) -> AccountAdmins? {
            byAccount[account]
        }
    }

    /// The administrator roles of one account, in principal order, and which of them each
    /// resource element may name: decided once per distinct element (principals that share a
    /// policy share its statements), with `Statement.mayCover(roleArn:)`.
    final class AccountAdmins {
        let roles: [Int]
        let arns: [String]
        private var coverage: [String: [Bool]] = [:]
        /// `covered(by:)` of each statement already asked, by its storage (the graph holds every
        /// statement, so no identity is reused): spelling the element's key costs more than
        /// looking the answer up.
        private var coverageOfStatement: [ObjectIdentifier: [Bool]] = [:]

        init(roles: [Int], arns: [String]) {
            self.roles = roles
            self.arns = arns
        }

        /// For each role of `roles`, whether the statement's resource element may name it.
        func covered(by statement: Statement) -> [Bool] {
            let identity = statement.copyIdentity
            if let known = coverageOfStatement[identity] { return known }
            let made = coveredByElement(of: statement)
            coverageOfStatement[identity] = made
            return made
        }

        private func coveredByElement(of statement: Statement) -> [Bool] {
            let key = (statement.isNotResource ? "!" : "")
                + statement.resources.map { "\($0.isSymbolic ? "s" : "l")\($0.value.utf8.count):\($0.value)" }.joined()
            if let known = coverage[key] { return known }
            let made = arns.map { statement.mayCover(roleArn: $0) }
            coverage[key] = made
            return made
        }
    }

    private func finding(_ context: RuleContext, _ path: Path, holder: Int, role: Int, roleArn: String) -> Finding {
        let graph = context.graph
        let roleName = graph.principals[role].displayName
        let resource = Self.writtenResource(path.statement, roleArn: roleArn)
        var related: [RelatedLocation] = []
        if let admin = graph.adminGrant(role) {
            related.append(RelatedLocation(location: admin.provenance.location, message: "administrator access granted here"))
        }
        let message: String
        let at: Provenance
        switch path.kind {
        case .trust:
            at = ActionSets.firstPattern(in: path.statement, meeting: Self.updateTrust).map { ActionSets.provenance(of: $0, in: path.statement) }
                ?? path.statement.provenance
            message = Message.rewriteTrust(holder: graph.describe(holder), role: roleName, resource: resource)
        case .pass:
            at = PassRoleAnalysis.passRoleProvenance(path.statement)
            let compute = path.compute?.method.label ?? ""
            related += path.compute?.related ?? []
            message = Message.passAdmin(holder: graph.describe(holder), role: roleName, resource: resource, compute: compute)
        }
        return context.finding(message, at: at, subject: "\(graph.principals[holder].displayName) \(roleName)", related: related)
    }

    /// The resource pattern of the statement that names the role.
    static func writtenResource(_ statement: Statement, roleArn: String) -> String {
        if statement.isNotResource { return "NotResource " + statement.resources.map { "'\($0.value)'" }.joined(separator: ", ") }
        let naming = statement.resources.first { text in
            var single = statement
            single.resources = [text]
            return single.mayCover(roleArn: roleArn)
        }
        return "'\(naming?.value ?? roleArn)'"
    }

    enum Message {
        static func rewriteTrust(holder: String, role: String, resource: String) -> String {
            "\(holder) may rewrite the trust policy of administrator role '\(role)' (iam:UpdateAssumeRolePolicy on \(resource)) and then assume it"
        }

        static func passAdmin(holder: String, role: String, resource: String, compute: String) -> String {
            "\(holder) may pass administrator role '\(role)' (iam:PassRole on \(resource)) to \(compute), and so run code with its rights"
        }
    }
}
