import IAMLintCore
import IAMLintModel

/// IAM213: a principal whose policies, taken together, allow `iam:PassRole` on every role and a
/// call that starts code with a passed role (Lambda, EC2, CloudFormation, Glue, CodeBuild, ECS,
/// Data Pipeline, SageMaker): it can run code as any role, administrators included.
/// Administrators are IAM201's and IAM209's; a user is left to its group when the group alone
/// holds both grants. A policy attached to nothing in the scan is judged on its own.
public struct PassRoleEscalation: Rule {
    public static let code = "IAM213"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var findings: [Finding] = []
        var attached = Set<Int>()
        var reader = Reader()
        let administrators = graph.administrators
        // Kinds from PrincipalFacts: a principal's own storage is read only for a finding.
        let kinds = graph.principalFacts.kinds
        principals: for index in graph.principals.indices {
            // By position: a copy of each grant (its source, provenance and names) cost more than the test.
            let grants = graph.grants[index]
            for position in grants.indices {
                if case .standalone(let policy) = grants[position].source { attached.insert(policy) }
            }
            let kind = kinds[index]
            guard kind == .user || kind == .role || kind == .group, !administrators[index] else { continue }
            if kind == .user {
                for group in graph.groups(ofUser: index) where !administrators[group] && reader.mayEscalate(grants, viaGroup: group) {
                    if reader.escalation(grants.filter { $0.viaGroup == group }.compactMap(\.document)) != nil { continue principals }
                }
            }
            // The documents are listed only when one of them may escalate (few principals).
            guard reader.mayEscalate(grants), let found = reader.escalation(grants.compactMap(\.document)) else { continue }
            findings.append(finding(context, found, holder: graph.describe(index), subject: graph.principals[index].displayName))
        }
        for (index, policy) in graph.policies.enumerated() where !attached.contains(index) && !policy.document.grantsFullAdmin {
            guard reader.mayEscalate([policy.document]), let found = Self.escalation([policy.document]) else { continue }
            let label = "\(policy.isManaged ? "managed policy" : "policy") '\(policy.displayName)'"
            findings.append(finding(context, found, holder: "whoever holds \(label)", subject: label))
        }
        return findings.withoutRepeats()
    }

    /// What the principals' readings share, in a value the loop owns (a closure over the same
    /// variables had every access checked for exclusivity at run time).
    struct Reader {
        /// Principals of one kind share their documents (a managed policy, a group's grants):
        /// each distinct list of documents is analysed once.
        var analysed: [[ObjectIdentifier]: (pass: Statement, compute: PassRoleAnalysis.ComputeGrant)?] = [:]
        /// A set of documents without a statement that may allow iam:PassRole (told per action
        /// text) on every role holds no escalation: told once per document (by its storage; the
        /// graph holds every document, so no identity is reused).
        var passFilter = PolicySets.ActionFilter(PassRoleAnalysis.passRole)
        var passesEveryRole: [ObjectIdentifier: Bool] = [:]

        mutating func mayEscalate(_ documents: [PolicyDocument]) -> Bool {
            for document in documents where mayEscalate(document) { return true }
            return false
        }

        /// `mayEscalate` of the documents of `grants` (only those through `group`, when given),
        /// read in place without a list of them.
        mutating func mayEscalate(_ grants: GrantList, viaGroup group: Int? = nil) -> Bool {
            for position in grants.indices {
                if let group, grants[position].viaGroup != group { continue }
                guard let document = grants[position].document else { continue }
                if mayEscalate(document) { return true }
            }
            return false
        }

        mutating func mayEscalate(_ document: PolicyDocument) -> Bool {
            let key = document.copyIdentity
            if let known = passesEveryRole[key] { return known }
            let found = document.statements.contains { passFilter.mayAllow($0) && ResourceScope.coversEvery("role", $0) }
            passesEveryRole[key] = found
            return found
        }

        mutating func escalation(_ documents: [PolicyDocument]) -> (pass: Statement, compute: PassRoleAnalysis.ComputeGrant)? {
            guard mayEscalate(documents) else { return nil }
            let key = documents.map(\.copyIdentity)
            if let known = analysed[key] { return known }
            let found = PassRoleEscalation.escalation(documents)
            analysed[key] = .some(found)
            return found
        }
    }

    private func finding(_ context: RuleContext, _ found: (pass: Statement, compute: PassRoleAnalysis.ComputeGrant), holder: String, subject: String) -> Finding {
        context.finding(
            Message.passAndRun(
                holder: holder, action: PassRoleAnalysis.writtenAction(found.pass), resource: Self.writtenResource(found.pass),
                compute: found.compute.method.label),
            at: PassRoleAnalysis.passRoleProvenance(found.pass), subject: subject, related: found.compute.related)
    }

    /// The first PassRole statement on every role and the first compute method it can feed.
    static func escalation(_ documents: [PolicyDocument]) -> (pass: Statement, compute: PassRoleAnalysis.ComputeGrant)? {
        let grants = PassRoleAnalysis.Grants(documents)
        let passes = grants.passRoleStatements.filter { ResourceScope.coversEvery("role", $0) }
        guard !passes.isEmpty else { return nil }
        let computes = grants.computeGrants
        for pass in passes {
            if let compute = computes.first(where: { PassRoleAnalysis.passes(pass, to: $0.method.services) }) {
                return (pass, compute)
            }
        }
        return nil
    }

    static func writtenResource(_ statement: Statement) -> String {
        if statement.isNotResource { return "NotResource " + statement.resources.map { "'\($0.value)'" }.joined(separator: ", ") }
        return "'\(statement.resources.first { ResourceScope.namesEvery("role", $0) }?.value ?? "*")'"
    }

    enum Message {
        static func passAndRun(holder: String, action: String, resource: String, compute: String) -> String {
            "\(holder) may pass every role (\(action) on \(resource)) to \(compute), and so run code with the rights of any role, administrators included"
        }
    }
}
