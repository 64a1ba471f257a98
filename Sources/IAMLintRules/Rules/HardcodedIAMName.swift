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
    public static let asksDerivedFacts = false
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        let principals = graph.principals
        // Room for every named resource, the most it can report (nearly all of them, in an
        // organisation): the list is not grown by doubling, which left a quarter of it unused.
        var named = 0
        for index in principals.indices where principals[index].implicitOrigin == nil && principals[index].explicitName != nil { named += 1 }
        let policies = graph.policies, profiles = graph.instanceProfiles
        for index in policies.indices where policies[index].isManaged && policies[index].explicitName != nil { named += 1 }
        for index in profiles.indices where profiles[index].explicitName != nil { named += 1 }
        var findings: [Finding] = []
        findings.reserveCapacity(named)
        // Each element's logical path is spelt once, to tell template resources apart; the
        // finding's path (`path.namePath`) is kept as the resource's logical name between two
        // literals when the path is `Resources.<logical name>` (every template resource's),
        // so that a finding spells no path of its own.
        func report(_ kind: EntityKind, _ name: PolicyText, _ provenance: Provenance, _ logicalName: String) {
            guard Self.isWrittenLiterally(name), !IAMNameRules.hasDynamicReference(name.value) else { return }
            let path = provenance.logicalPath
            guard Self.isTemplateResource(path) else { return }
            let nameText = name.value
            let location = SourceLocation(file: provenance.file, range: name.range)
            let subject = Spelling.joined(kind.rawValue, " ", nameText)
            if Self.isResourcePath(path, of: logicalName) {
                findings.append(context.finding(
                    Message.fixedName(kind: kind, name: nameText), at: location,
                    logicalPath: Self.namePath(kind, resource: logicalName), subject: subject))
            } else {
                findings.append(context.finding(
                    Message.fixedName(kind: kind, name: nameText), at: location,
                    logicalPath: path + IAMNameRules.cloudFormationNamePathTail(kind).description, subject: subject))
            }
        }
        // By position: a copy of each principal's fields cost more than the tests that rule
        // most of them out.
        for index in principals.indices where principals[index].implicitOrigin == nil {
            guard let name = principals[index].explicitName else { continue }
            report(principals[index].kind, name, principals[index].provenance, principals[index].logicalName)
        }
        for policy in graph.policies where policy.isManaged {
            guard let name = policy.explicitName else { continue }
            report(.managedPolicy, name, policy.provenance, policy.logicalName)
        }
        for profile in graph.instanceProfiles {
            guard let name = profile.explicitName else { continue }
            report(.instanceProfile, name, profile.provenance, profile.logicalName)
        }
        return findings
    }

    /// True for the logical path of a CloudFormation resource (`Resources.…`), as
    /// `Principal.isCloudFormationResource` tells it.
    static func isTemplateResource(_ path: String) -> Bool {
        // On the bytes: `hasPrefix` compares by characters. The prefix is ASCII, so the bytes
        // decide unless a non-ASCII byte follows it (a combining mark would join the dot).
        let prefix: StaticString = "Resources."
        let decided: Bool?? = path.utf8.withContiguousStorageIfAvailable { bytes in
            prefix.withUTF8Buffer { head -> Bool? in
                guard bytes.count >= head.count, head.indices.allSatisfy({ bytes[$0] == head[$0] }) else { return false }
                return bytes.count > head.count && bytes[head.count] >= 0x80 ? nil : true
            }
        }
        if case .some(.some(let answer)) = decided { return answer }
        return path.hasPrefix("Resources.")
    }

    /// True when `path` is `Resources.<logicalName>`, compared on the bytes (equal bytes are equal
    /// strings; a generic comparison of the two views cost more than the rest of the rule).
    static func isResourcePath(_ path: String, of logicalName: String) -> Bool {
        let prefix: StaticString = "Resources."
        let decided: Bool?? = path.utf8.withContiguousStorageIfAvailable { bytes in
            logicalName.utf8.withContiguousStorageIfAvailable { name in
                prefix.withUTF8Buffer { head in
                    guard bytes.count == head.count + name.count else { return false }
                    for i in head.indices where bytes[i] != head[i] { return false }
                    for i in name.indices where bytes[head.count + i] != name[i] { return false }
                    return true
                }
            }
        }
        if case .some(.some(let answer)) = decided { return answer }
        // Not native UTF-8 (never from the loaders): the path is kept as spelled.
        return false
    }

    /// `Resources.<resource>.Properties.<name key>`, the resource's logical name between two literals.
    static func namePath(_ kind: EntityKind, resource: String) -> MessageText {
        MessageText("Resources.", resource, IAMNameRules.cloudFormationNamePathTail(kind))
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
        /// `"\(kind) '\(name)' has a fixed \(key): the stack cannot be deployed twice in one account, and it needs CAPABILITY_NAMED_IAM"`
        /// (`key` is `IAMNameRules.nameKey(kind, cloudFormation: true)`), kept as the name between
        /// two literals: a note for nearly every named resource of an organisation, which then
        /// spells no string of its own.
        static func fixedName(kind: EntityKind, name: String) -> MessageText {
            switch kind {
            case .user:
                return MessageText("user '", name, "' has a fixed UserName: the stack cannot be deployed twice in one account, and it needs CAPABILITY_NAMED_IAM")
            case .group:
                return MessageText("group '", name, "' has a fixed GroupName: the stack cannot be deployed twice in one account, and it needs CAPABILITY_NAMED_IAM")
            case .role:
                return MessageText("role '", name, "' has a fixed RoleName: the stack cannot be deployed twice in one account, and it needs CAPABILITY_NAMED_IAM")
            case .managedPolicy:
                return MessageText("managed policy '", name, "' has a fixed ManagedPolicyName: the stack cannot be deployed twice in one account, and it needs CAPABILITY_NAMED_IAM")
            case .instanceProfile:
                return MessageText("instance profile '", name, "' has a fixed InstanceProfileName: the stack cannot be deployed twice in one account, and it needs CAPABILITY_NAMED_IAM")
            }
        }
    }
}
