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

        var isEmpty: Bool { trust.isEmpty && pass.isEmpty }

        /// The first way to reach the role with this ARN.
        func path(to roleArn: String) -> Path? {
            if let statement = trust.first(where: { $0.mayCover(roleArn: roleArn) }) {
                return Path(kind: .trust, statement: statement)
            }
            for statement in pass where statement.mayCover(roleArn: roleArn) {
                if let compute = computes.first(where: { PassRoleAnalysis.passes(statement, to: $0.method.services) }) {
                    return Path(kind: .pass, statement: statement, compute: compute)
                }
            }
            return nil
        }
    }

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        let admins = graph.principals.indices.filter { graph.principals[$0].kind == .role && graph.isAdministratorEquivalent($0) }
        guard !admins.isEmpty else { return [] }
        let adminArns = admins.map { graph.arn(of: $0) }
        var findings: [Finding] = []
        var groupCandidates: [Int: Candidates] = [:]
        func candidates(ofGroup group: Int) -> Candidates {
            if let known = groupCandidates[group] { return known }
            let made = Candidates(graph.grants[group].compactMap(\.document))
            groupCandidates[group] = made
            return made
        }
        for (index, principal) in graph.principals.enumerated() {
            guard principal.kind == .user || principal.kind == .role || principal.kind == .group,
                  !graph.isAdministratorEquivalent(index)
            else { continue }
            let mine = Candidates(graph.grants[index].compactMap(\.document))
            if mine.isEmpty { continue }
            let groups = principal.kind == .user ? graph.groups(ofUser: index).filter { !graph.isAdministratorEquivalent($0) } : []
            for (n, role) in admins.enumerated() where role != index && graph.accountID(of: role) == graph.accountID(of: index) {
                let arn = adminArns[n]
                guard let path = mine.path(to: arn) else { continue }
                if graph.assumeEdges.contains(where: { $0.from == index && $0.role == role }) { continue }
                if groups.contains(where: { candidates(ofGroup: $0).path(to: arn) != nil }) { continue }
                findings.append(finding(context, path, holder: index, role: role, roleArn: arn))
            }
        }
        return findings.withoutRepeats()
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
