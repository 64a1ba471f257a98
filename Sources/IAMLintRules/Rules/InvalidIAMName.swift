import IAMLintCore
import IAMLintModel

/// IAM404: a literal name or path that IAM refuses. Role and user names take at most 64
/// characters, group, managed policy and instance profile names at most 128, all from
/// `[A-Za-z0-9_+=,.@-]`; a path starts and ends with `/`, has at most 512 characters, all
/// printable ASCII. Names with deployment-time parts are not checked.
public struct InvalidIAMName: Rule {
    public static let code = "IAM404"
    public init() {}

    struct Named {
        var kind: EntityKind
        var name: PolicyText?
        var path: String
        var provenance: Provenance
    }

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var entries: [Named] = []
        for p in graph.principals where p.implicitOrigin == nil {
            entries.append(Named(kind: p.kind, name: p.explicitName, path: p.path, provenance: p.provenance))
        }
        for policy in graph.policies where policy.isManaged {
            entries.append(Named(kind: .managedPolicy, name: policy.explicitName, path: policy.path, provenance: policy.provenance))
        }
        for profile in graph.instanceProfiles {
            entries.append(Named(kind: .instanceProfile, name: profile.explicitName, path: "/", provenance: profile.provenance))
        }
        var findings: [Finding] = []
        for entry in entries {
            if let name = entry.name, !name.isSymbolic, !name.value.containsUTF8("${"), !name.value.isEmpty,
               !name.value.containsUTF8("{{resolve:"),
               let problem = IAMNameRules.nameProblem(name.value, kind: entry.kind) {
                let cfn = entry.provenance.logicalPath.hasPrefix("Resources.")
                let key = IAMNameRules.nameKey(entry.kind, cloudFormation: cfn)
                findings.append(context.finding(
                    Message.invalidName(kind: entry.kind, name: name.value, problem: problem),
                    at: entry.provenance.child(cfn ? "Properties.\(key)" : key, range: name.range),
                    subject: "\(entry.kind.rawValue) \(name.value)"))
            }
            if !entry.path.containsUTF8("${"), let problem = IAMNameRules.pathProblem(entry.path) {
                let display = entry.name.flatMap { $0.isSymbolic ? nil : $0.value } ?? Self.entityName(entry.provenance)
                findings.append(context.finding(
                    Message.invalidPath(kind: entry.kind, name: display, path: entry.path, problem: problem),
                    at: entry.provenance,
                    subject: "\(entry.kind.rawValue) \(display) path"))
            }
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
