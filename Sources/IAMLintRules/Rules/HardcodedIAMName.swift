import IAMLintCore
import IAMLintModel

/// IAM402: a CloudFormation IAM resource with a fixed name (`RoleName`, `UserName`, `GroupName`,
/// `ManagedPolicyName`, `InstanceProfileName`). IAM names are unique per account, so the stack
/// cannot be deployed twice in one account (another region, another environment), and a named
/// resource needs `CAPABILITY_NAMED_IAM`. Names that contain a deployment-time part
/// (`${AWS::StackName}`, `${AWS::Region}`, a parameter without default) are fine. Terraform always
/// names its resources, so only templates are checked.
public struct HardcodedIAMName: Rule {
    public static let code = "IAM402"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        // Each element's logical path is spelt once: to tell template resources apart, and then
        // as the head of the finding's path (`provenance.child(namePath)` spells `path.namePath`).
        var named: [(kind: EntityKind, name: PolicyText, provenance: Provenance, path: String)] = []
        for p in graph.principals where p.implicitOrigin == nil {
            guard let name = p.explicitName else { continue }
            let provenance = p.provenance
            let path = provenance.logicalPath
            if Self.isTemplateResource(path) { named.append((p.kind, name, provenance, path)) }
        }
        for policy in graph.policies where policy.isManaged {
            guard let name = policy.explicitName else { continue }
            let provenance = policy.provenance
            let path = provenance.logicalPath
            if Self.isTemplateResource(path) { named.append((.managedPolicy, name, provenance, path)) }
        }
        for profile in graph.instanceProfiles {
            guard let name = profile.explicitName else { continue }
            let provenance = profile.provenance
            let path = provenance.logicalPath
            if Self.isTemplateResource(path) { named.append((.instanceProfile, name, provenance, path)) }
        }
        return named.compactMap { entry in
            guard Self.isWrittenLiterally(entry.name), !IAMNameRules.hasDynamicReference(entry.name.value) else { return nil }
            let key = IAMNameRules.nameKey(entry.kind, cloudFormation: true)
            let kind = entry.kind.rawValue
            let name = entry.name.value
            return context.finding(
                Message.fixedName(kind: kind, name: name, key: key),
                at: SourceLocation(file: entry.provenance.file, range: entry.name.range),
                logicalPath: entry.path + "." + IAMNameRules.cloudFormationNamePath(entry.kind),
                subject: kind + " " + name)
        }
    }

    /// True for the logical path of a CloudFormation resource (`Resources.…`), as
    /// `Principal.isCloudFormationResource` tells it.
    static func isTemplateResource(_ path: String) -> Bool {
        path.hasPrefix("Resources.")
    }

    /// True for a name written as a plain or quoted scalar. A name computed by an intrinsic
    /// function (a parameter's default through `Ref`, `Fn::Sub` of parameters, a mapping) resolves
    /// to text as well, but its range spans the function, not just the text: such names can change
    /// from one deployment to the next and are left alone.
    static func isWrittenLiterally(_ name: PolicyText) -> Bool {
        guard !name.isSymbolic, !IAMNameRules.hasPlaceholder(name.value), !name.value.isEmpty else { return false }
        let range = name.range
        guard range.start.line == range.end.line else { return false }
        let width = range.end.column - range.start.column
        // The width of the text in bytes or in scalars, bare or quoted (the scalars counted
        // only when the bytes do not fit).
        let bytes = name.value.utf8.count
        if bytes == width || bytes == width - 2 { return true }
        let scalars = name.value.unicodeScalars.count
        return scalars == width || scalars == width - 2
    }

    enum Message {
        static func fixedName(kind: String, name: String, key: String) -> String {
            "\(kind) '\(name)' has a fixed \(key): the stack cannot be deployed twice in one account, and it needs CAPABILITY_NAMED_IAM"
        }
    }
}
