import IAMLintCore
import IAMLintModel

/// IAM112: every account created through AWS Organizations gets `OrganizationAccountAccessRole`
/// (or the `RoleName` given) with AdministratorAccess, trusted by the management account without
/// MFA. Unless the repository redefines that role in the new account with an MFA condition, the
/// management account's keys reach every member account as administrator.
public struct OrganizationAccessRoleWithoutMFA: Rule {
    public static let code = "IAM112"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var findings: [Finding] = []
        // By position: only the few implicit roles are copied (not every principal).
        for index in graph.principals.indices where graph.principals[index].implicitOrigin != nil {
            let role = graph.principals[index]
            guard let origin = role.implicitOrigin, let name = role.explicitName?.value else { continue }
            let account = graph.accountID(of: index)
            let redefined = graph.principals.indices.contains { other in
                other != index && graph.principals[other].implicitOrigin == nil && graph.principals[other].kind == .role
                    && graph.principals[other].referenceKey.lowercased() == name.lowercased()
                    && account != nil && graph.accountID(of: other) == account
            }
            if redefined { continue }
            findings.append(context.finding(Message.implicit(role: name, origin: origin), at: role.provenance, subject: role.logicalName))
        }
        return findings
    }

    enum Message {
        static func implicit(role: String, origin: String) -> String {
            "role '\(role)', \(origin), has AdministratorAccess and trusts the management account without requiring MFA; redefine it with an MFA condition or remove it after setup"
        }
    }
}
