import IAMLintCore
import IAMLintModel

/// IAM114: an IAM user with a console password and administrator access, and no policy that denies
/// access without MFA: the password alone opens the console as an administrator.
public struct ConsoleAdminWithoutMFA: Rule {
    public static let code = "IAM114"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var findings: [Finding] = []
        let administrators = graph.administrators
        let kinds = graph.principalFacts.kinds
        // By position: only users with a console password are read (not a copy of every principal).
        for index in kinds.indices where kinds[index] == .user && graph.principals[index].hasLoginProfile {
            let user = graph.principals[index]
            guard let admin = graph.adminGrantWithoutMFA(index, administrators: administrators), !graph.enforcesMFA(index), !deniesConsoleWithoutMFA(index, graph) else { continue }
            let via = admin.viaGroup.map { " through \(graph.describe($0))" } ?? ""
            findings.append(context.finding(
                Message.consoleAdmin(user: user.displayName, policy: admin.label + via), at: user.provenance, subject: user.displayName,
                related: [RelatedLocation(location: admin.provenance.location, message: "administrator access granted here")]))
        }
        return findings
    }

    /// A console session always carries `aws:MultiFactorAuthPresent`, so a broad Deny on
    /// `Bool … "false"` (IAM113's mistake for access keys) does protect the console.
    func deniesConsoleWithoutMFA(_ index: Int, _ graph: IAMGraph) -> Bool {
        graph.grants[index].contains { grant in
            grant.document?.statements.contains { s in
                s.effect == .deny && (s.coversAllActions || s.isNotAction) && (s.coversAllResources || s.isNotResource)
                    && s.conditions.contains { c in
                        c.normalizedKey == "aws:multifactorauthpresent" && c.comparison == "bool" && c.values.contains { $0.value.lowercased() == "false" }
                    }
            } ?? false
        }
    }

    enum Message {
        static func consoleAdmin(user: String, policy: String) -> String {
            "user '\(user)' has a console password and administrator access (\(policy)) but no policy that denies access without MFA"
        }
    }
}
