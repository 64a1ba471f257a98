import IAMLintCore
import IAMLintModel

/// IAM108 (experimental): a role trusted by an AWS service that acts for many customers, with no
/// `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID` or `aws:SourceOrgPaths` condition: a
/// resource of another account could make the service act with this role (confused deputy).
/// Services that only hand the role's credentials to the customer's own compute are exempt.
public struct ServiceTrustWithoutSource: Rule {
    public static let code = "IAM108"
    public init() {}

    /// Service principals that deliver the role to compute the role's own account runs (instances,
    /// functions, tasks, pods): no other account's resource can make them use it.
    static let computeServices: Set<String> = [
        "ec2", "lambda", "edgelambda", "ecs-tasks", "eks", "eks-fargate-pods", "pods.eks", "tasks.apprunner",
    ]

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        let table = context.graph.trustStatementTable
        // Each service text's name, worked out once: a few services are trusted by most roles.
        var names: [String: String?] = [:]
        func name(_ text: PolicyText) -> String? {
            if let known = names[text.value] { return known }
            let made = Self.serviceName(text)
            names[text.value] = .some(made)
            return made
        }
        // Without a service principal there is nothing to report: told before the actions and conditions are read.
        for position in table.positions(with: [.allow, .service], without: .notPrincipal) {
            let statement = table.statements[position]
            let role = context.graph.principals[table.roles[position]]
            guard statement.coversAssumeRole, !statement.restrictsSource else { continue }
            var seen = Set<String>()
            let services = statement.principals.filter { entry in
                guard entry.kind == .service, let name = name(entry.text) else { return false }
                return !Self.computeServices.contains(name) && seen.insert(entry.text.value).inserted
            }
            guard let first = services.first else { continue }
            findings.append(context.finding(
                Message.noSource(role: role.displayName, services: services.map(\.text.value)),
                at: statement.provenance(of: first), subject: role.displayName))
        }
        return findings
    }

    /// `states.amazonaws.com` → `states`, `pods.eks.amazonaws.com` → `pods.eks`,
    /// `ec2.${AWS::URLSuffix}` → `ec2`, `logs.us-east-1.amazonaws.com` → `logs`; nil when the name is symbolic.
    static func serviceName(_ text: PolicyText) -> String? {
        var value = text.value.lowercased()
        if value.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII: one byte per character, so a byte search finds what `firstRange` would.
            if let head = asciiPrefix(of: value, before: ".amazonaws.com") ?? asciiPrefix(of: value, before: ".${aws::urlsuffix}") {
                value = head
            }
        } else if let range = value.firstRange(of: ".amazonaws.com") {
            value = String(value[..<range.lowerBound])
        } else if let range = value.firstRange(of: ".${aws::urlsuffix}") {
            value = String(value[..<range.lowerBound])
        }
        var labels = value.split(separator: ".").map(String.init)
        if labels.count > 1, let last = labels.last, last == "${aws::region}" || (last.split(separator: "-").count >= 3 && last.last?.isNumber == true) {
            labels.removeLast()
        }
        guard !labels.isEmpty, !labels.contains(where: { $0.containsUTF8("${") || $0.containsUTF8("*") }) else { return nil }
        return labels.joined(separator: ".")
    }

    /// The part of ASCII `value` before the first occurrence of `needle`, or nil without one.
    static func asciiPrefix(of value: String, before needle: StaticString) -> String? {
        value.utf8Offset(of: needle).map { String(decoding: value.utf8.prefix($0), as: UTF8.self) }
    }

    enum Message {
        static func noSource(role: String, services: [String]) -> String {
            let list = services.joined(separator: ", ")
            return "role '\(role)' trusts service \(list) without an aws:SourceAccount or aws:SourceArn condition (confused deputy)"
        }
    }
}
