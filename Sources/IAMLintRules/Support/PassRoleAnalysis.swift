import IAMLintCore
import IAMLintModel

/// What IAM213 and IAM215 share: the services that run code with a role passed to them, and the
/// reading of one principal's statements taken together.
enum PassRoleAnalysis {
    /// A way to run code with a passed role: the actions it needs (all of them) and the service
    /// principals the role is passed to (what `iam:PassedToService` names).
    struct ComputeMethod {
        var actions: [String]
        var services: [String]
        /// Each action's catalog index, in `actions` order (nil for an action the catalog does
        /// not know); looked up once, since every principal's grants are tested against them.
        let indexes: [Int?]

        init(actions: [String], services: [String]) {
            self.actions = actions
            self.services = services
            indexes = actions.map { ActionSets.index(of: $0) }
        }

        var label: String { actions.joined(separator: " with ") }
    }

    /// Rhino Security Labs' PassRole methods (and the same calls on other services).
    static let computeMethods: [ComputeMethod] = [
        ComputeMethod(actions: ["lambda:CreateFunction"], services: ["lambda.amazonaws.com"]),
        ComputeMethod(actions: ["lambda:UpdateFunctionConfiguration"], services: ["lambda.amazonaws.com"]),
        ComputeMethod(actions: ["ec2:RunInstances"], services: ["ec2.amazonaws.com"]),
        ComputeMethod(actions: ["cloudformation:CreateStack"], services: ["cloudformation.amazonaws.com"]),
        ComputeMethod(actions: ["cloudformation:UpdateStack"], services: ["cloudformation.amazonaws.com"]),
        ComputeMethod(actions: ["glue:CreateDevEndpoint"], services: ["glue.amazonaws.com"]),
        ComputeMethod(actions: ["glue:UpdateDevEndpoint"], services: ["glue.amazonaws.com"]),
        ComputeMethod(actions: ["glue:CreateJob"], services: ["glue.amazonaws.com"]),
        ComputeMethod(actions: ["codebuild:CreateProject"], services: ["codebuild.amazonaws.com"]),
        ComputeMethod(actions: ["codebuild:UpdateProject"], services: ["codebuild.amazonaws.com"]),
        ComputeMethod(actions: ["ecs:RegisterTaskDefinition", "ecs:RunTask"], services: ["ecs-tasks.amazonaws.com"]),
        ComputeMethod(actions: ["ecs:RegisterTaskDefinition", "ecs:StartTask"], services: ["ecs-tasks.amazonaws.com"]),
        ComputeMethod(actions: ["datapipeline:CreatePipeline"], services: ["datapipeline.amazonaws.com", "elasticmapreduce.amazonaws.com"]),
        ComputeMethod(actions: ["sagemaker:CreateNotebookInstance"], services: ["sagemaker.amazonaws.com"]),
        ComputeMethod(actions: ["sagemaker:CreateTrainingJob"], services: ["sagemaker.amazonaws.com"]),
    ]

    static let passRole = ActionSets.named(["iam:PassRole"])
    /// Every action of every compute method.
    static let computeActions = ActionSets.named(computeMethods.flatMap(\.actions))

    /// Where a compute action is granted.
    struct ComputeGrant {
        var method: ComputeMethod
        /// One statement per action of the method, in the method's order.
        var statements: [Statement]

        /// Related locations: where each action of the method is allowed.
        var related: [RelatedLocation] {
            zip(method.actions, statements).map { action, statement in
                let set = ActionSets.named([action])
                let at = ActionSets.firstPattern(in: statement, meeting: set).map { ActionSets.provenance(of: $0, in: statement) } ?? statement.provenance
                return RelatedLocation(location: at.location, message: "\(action) allowed here")
            }
        }
    }

    /// The Allow statements of a set of identity policies, with what each covers once the
    /// unconditional Denies of the same set are taken away.
    struct Grants {
        var statements: [(statement: Statement, covered: ActionSet)]

        init(_ documents: [PolicyDocument]) {
            let denied = ActionSets.deniedEverywhere(in: documents)
            statements = documents.flatMap(\.statements).filter(ResourceScope.isIdentityAllow).map {
                ($0, ActionSets.covered(by: $0).subtracting(denied))
            }
        }

        /// The first statement that allows `action` (any resource, any condition).
        func first(allowing action: ActionSet) -> Statement? {
            statements.first { $0.covered.intersects(action) }?.statement
        }

        /// The first statement that allows the action at this catalog index.
        func first(allowingIndex index: Int) -> Statement? {
            statements.first { $0.covered.contains(index) }?.statement
        }

        /// The compute methods the statements allow, in `computeMethods` order.
        var computeGrants: [ComputeGrant] {
            PassRoleAnalysis.computeMethods.compactMap { method in
                let found = method.indexes.compactMap { $0.flatMap(first(allowingIndex:)) }
                return found.count == method.actions.count ? ComputeGrant(method: method, statements: found) : nil
            }
        }

        /// The statements that allow `iam:PassRole`, excluding those that allow every action or
        /// every IAM action (IAM202's and IAM206's).
        var passRoleStatements: [Statement] {
            statements.filter { $0.covered.intersects(PassRoleAnalysis.passRole) && !ResourceScope.isWiderGrant($0.statement) }.map(\.statement)
        }
    }

    /// Whether a PassRole statement's conditions let it pass a role to one of `services`:
    /// `iam:PassedToService` must admit one of them (a value unknown until deployment admits
    /// none), and no other scoping condition may narrow it (role tags, accounts…).
    static func passes(_ statement: Statement, to services: [String]) -> Bool {
        for clause in statement.conditions {
            if clause.normalizedKey == "iam:passedtoservice" {
                if !admits(clause, services) { return false }
            } else if ResourceScope.isScoping(clause) {
                return false
            }
        }
        return true
    }

    private static func admits(_ clause: ConditionClause, _ services: [String]) -> Bool {
        var op = clause.op.lowercased()
        for prefix in ["forallvalues:", "foranyvalue:"] where op.hasPrefix(prefix) { op = String(op.dropFirst(prefix.count)) }
        if op.hasSuffix("ifexists") { op = String(op.dropLast("ifexists".count)) }
        guard op.hasPrefix("string") else { return true }
        let matches = clause.values.contains { value in
            !value.isSymbolic && services.contains { Wildcard.matches(pattern: value.value, false, $0, caseInsensitive: true) }
        }
        if op.contains("not") {
            return !matches && !clause.values.contains(where: \.isSymbolic)
        }
        return matches
    }

    /// The action text that grants `iam:PassRole` in a statement (its position), or the statement.
    static func passRoleProvenance(_ statement: Statement) -> Provenance {
        ActionSets.firstPattern(in: statement, meeting: passRole).map { ActionSets.provenance(of: $0, in: statement) } ?? statement.provenance
    }

    /// How a message names the action element that grants PassRole: `'iam:PassRole'`, `'iam:Pass*'`, `NotAction 's3:*'`.
    static func writtenAction(_ statement: Statement) -> String {
        if statement.isNotAction { return "NotAction " + statement.actions.map { "'\($0.value)'" }.joined(separator: ", ") }
        return "'\(ActionSets.firstPattern(in: statement, meeting: passRole)?.value ?? "iam:PassRole")'"
    }
}

extension Array where Element == Finding {
    /// The findings less repeats of the same message at the same place: a principal name that
    /// several scanned files define resolves to each of them, and each would repeat the finding.
    func withoutRepeats() -> [Finding] {
        var seen = Set<String>()
        return filter { seen.insert("\($0.location.file):\($0.location.range):\($0.subject):\($0.message)").inserted }
    }
}
