import IAMLintCore
import IAMLintModel

/// One way for a principal to become a role, as the built-in rules see it: an identity policy of
/// the principal allows `sts:AssumeRole` on the role and the role's trust policy surely admits it.
///
/// The public face of the trust logic the built-in rules share, for code outside this module
/// (custom rule packs), so that "who can become whom" means the same thing everywhere.
public struct AssumeStep: Sendable {
    /// The principal index of the caller (a user or a role).
    public var from: Int
    /// The principal index of the role.
    public var to: Int
    /// The identity-policy statement that allows the call (an MFA-free one when there is one).
    public var assumeStatement: Statement
    /// The trust statement that admits the caller (an MFA-free one when there is one).
    public var trustStatement: Statement
    /// True when every way through the step demands MFA.
    public var requiresMFA: Bool
}

extension IAMGraph {
    /// Every assume step of the graph, one per (principal, role) pair, in the order of `assumeEdges`.
    public func assumeSteps() -> [AssumeStep] {
        assumeHops().map {
            AssumeStep(from: $0.from, to: $0.to, assumeStatement: $0.assume, trustStatement: $0.trust, requiresMFA: $0.requiresMFA)
        }
    }

    /// The Allow statements of role `role`'s trust policy that surely admit principal `x` (a user
    /// or a role); empty when none does or when the answer depends on the deployment.
    public func statementsSurelyAdmitting(_ x: Int, toRole role: Int) -> [Statement] {
        let admission = trustAdmission(of: x, to: role)
        return admission.certainty == .yes ? admission.statements : []
    }

    /// Whether one Allow statement of role `role`'s trust policy surely admits principal `x`.
    public func statementSurelyAdmits(_ statement: Statement, principal x: Int, role: Int) -> Bool {
        guard admits(statement, principal: x, role: role) == .yes else { return false }
        return !(principals[role].trustPolicy?.deniesOutsideCallers ?? false)
    }
}
