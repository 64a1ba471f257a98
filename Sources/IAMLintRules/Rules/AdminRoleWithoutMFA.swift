import IAMLintCore
import IAMLintModel

/// IAM101: an administrator-equivalent role that an account root, an IAM user or anyone may assume
/// without MFA. Service, federated and role principals are other rules' business. A principal
/// unresolved until deployment (a parameter without a default, an import) counts: it can only be
/// an account, a user or a role, unless the parameter's declaration shows it is a role or a service.
public struct AdminRoleWithoutMFA: Rule {
    public static let code = "IAM101"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var findings: [Finding] = []
        let administrators = graph.administrators
        let kinds = graph.principalFacts.kinds
        // By position: the principal (a reference to its storage) is read only for the
        // administrator roles, not copied for every principal of the graph.
        roles: for index in kinds.indices where administrators[index] && kinds[index] == .role {
            guard graph.principals[index].implicitOrigin == nil, let trust = graph.principals[index].trustPolicy else { continue }
            if graph.enforcesMFAByPolicy(index) { continue }
            // By position: a trust statement is copied only when it admits a credential holder
            // without MFA.
            let statements = trust.statements
            let trustDeniesWithoutMFA = statements.contains { $0.deniesWithoutMFA && $0.coversAssumeRole }
            if trustDeniesWithoutMFA { continue }
            // The role's administrator grant names it in the message: looked up at the first
            // finding (most administrator roles have none); without one, the role has none.
            var adminGrant: Grant??
            for s in statements.indices where statements[s].effect == .allow && !statements[s].isNotPrincipal && statements[s].coversAssumeRole {
                if statements[s].requiresMFA || statements[s].restrictsToRoles { continue }
                let statement = statements[s]
                let names = Self.credentialHolders(statement, inFile: trust.provenance.file, graph: graph)
                guard !names.isEmpty else { continue }
                if adminGrant == nil { adminGrant = .some(graph.adminGrant(index)) }
                guard case .some(.some(let admin)) = adminGrant else { continue roles }
                let role = graph.principals[index]
                findings.append(context.finding(
                    Message.assumableWithoutMFA(role: role.displayName, policy: admin.label, principals: names),
                    at: statement.provenance, subject: role.displayName,
                    related: [RelatedLocation(location: admin.provenance.location, message: "administrator access granted here")]))
            }
        }
        return findings
    }

    /// How the message names the principals of a trust statement that hold long-term
    /// credentials (account roots, users, anyone), and those whose value is unresolved unless
    /// their declaration shows they are roles or services, without repeats.
    static func credentialHolders(_ statement: Statement, inFile file: String, graph: IAMGraph) -> [String] {
        var seen = Set<String>()
        return statement.principals.compactMap { entry -> String? in
            if entry.identity.isHumanCredentialHolder { return entry.identity.description }
            let parameter = graph.parameter(of: entry.text.value, inFile: file)
            switch UnresolvedPrincipal.reading(of: entry, inFile: file, graph: graph) {
            case .unknown?: return Message.unresolved(entry.text.value, parameter: parameter?.name)
            case .accountID?: return Message.parameterAccount(parameter?.name ?? entry.text.value)
            case .notAPerson?, nil: return nil
            }
        }.filter { seen.insert($0).inserted }
    }

    enum Message {
        static func unresolved(_ value: String, parameter: String?) -> String {
            let principal = parameter.map { "the principal given by parameter '\($0)'" } ?? "principal '\(value)'"
            return "\(principal) (unresolved; it may be an account or an IAM user)"
        }

        static func parameterAccount(_ name: String) -> String {
            CrossAccountTrustWithoutExternalID.Message.parameterAccount(name)
        }


        static func assumableWithoutMFA(role: String, policy: String, principals: [String]) -> String {
            "role '\(role)' has administrator access (\(policy)) and trusts \(principals.joined(separator: ", ")) without requiring MFA"
        }
    }
}

extension Statement {
    /// True when a condition limits the callers to roles (`aws:PrincipalArn` naming only role ARNs,
    /// or `aws:PrincipalType` `AssumedRole`): MFA cannot be demanded at that hop.
    var restrictsToRoles: Bool {
        conditions.contains { clause in
            switch clause.normalizedKey {
            case "aws:principalarn":
                let op = clause.baseOperator
                guard op.hasPrefix("arn") || op.hasPrefix("string"), !op.contains("not"), !clause.values.isEmpty else { return false }
                return clause.values.allSatisfy { $0.value.contains(":role/") || $0.value.contains(":assumed-role/") }
            case "aws:principaltype":
                return !clause.baseOperator.contains("not") && !clause.values.isEmpty
                    && clause.values.allSatisfy { $0.value == "AssumedRole" }
            default:
                return false
            }
        }
    }
}
