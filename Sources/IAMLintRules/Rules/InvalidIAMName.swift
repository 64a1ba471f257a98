import IAMLintCore
import IAMLintModel

/// IAM404: a literal name or path that IAM refuses. Role and user names take at most 64
/// characters, group, managed policy and instance profile names at most 128, all from
/// `[A-Za-z0-9_+=,.@-]`; a path starts and ends with `/`, has at most 512 characters, all
/// printable ASCII. Names with deployment-time parts are not checked.
public struct InvalidIAMName: Rule {
    public static let code = "IAM404"
    public static let asksDerivedFacts = false
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var findings: [Finding] = []
        // Each element is checked where it is read, without a list of copies. IAM's own
        // limits are tested first: names and paths that pass them (nearly all) are not searched
        // for deployment-time parts.
        func check(kind: EntityKind, name: PolicyText?, path: String, provenance: Provenance) {
            if let name, !name.isSymbolic, !name.value.isEmpty,
               let problem = IAMNameRules.nameProblem(name.value, kind: kind),
               !name.value.containsUTF8("${"), !name.value.containsUTF8("{{resolve:") {
                let cfn = provenance.logicalPath.hasPrefix("Resources.")
                let key = IAMNameRules.nameKey(kind, cloudFormation: cfn)
                findings.append(context.finding(
                    Message.invalidName(kind: kind, name: name.value, problem: problem),
                    at: provenance.child(cfn ? "Properties.\(key)" : key, range: name.range),
                    subject: "\(kind.rawValue) \(name.value)"))
            }
            if let problem = IAMNameRules.pathProblem(path), !path.containsUTF8("${") {
                let display = name.flatMap { $0.isSymbolic ? nil : $0.value } ?? Self.entityName(provenance)
                findings.append(context.finding(
                    Message.invalidPath(kind: kind, name: display, path: path, problem: problem),
                    at: provenance,
                    subject: "\(kind.rawValue) \(display) path"))
            }
        }
        for p in graph.principals where p.implicitOrigin == nil {
            check(kind: p.kind, name: p.explicitName, path: p.path, provenance: p.provenance)
        }
        for policy in graph.policies where policy.isManaged {
            check(kind: .managedPolicy, name: policy.explicitName, path: policy.path, provenance: policy.provenance)
        }
        for profile in graph.instanceProfiles {
            check(kind: .instanceProfile, name: profile.explicitName, path: "/", provenance: profile.provenance)
        }
        return findings
    }

    static func entityName(_ provenance: Provenance) -> String {
        let path = provenance.logicalPath
        return path.hasPrefix("Resources.") ? String(path.dropFirst("Resources.".count)) : path
    }

    enum Message {
        static func invalidName(kind: EntityKind, name: String, problem: String) -> String {
            "\(kind.rawValue) name '\(name)' \(problem)"
        }

        static func invalidPath(kind: EntityKind, name: String, path: String, problem: String) -> String {
            "path '\(path)' of \(kind.rawValue) '\(name)' \(problem)"
        }
    }
}
