import IAMLintCore
import IAMLintModel

/// Reads the IAM resources of a CloudFormation template (YAML or JSON) into a graph fragment.
public enum CloudFormationLoader {
    /// A template has `AWSTemplateFormatVersion` or a `Resources` map with at least one `AWS::` type.
    public static func isTemplate(_ root: Node) -> Bool {
        guard root.entries != nil else { return false }
        if root.entry("AWSTemplateFormatVersion") != nil { return true }
        guard let resources = root["Resources"]?.entries else { return false }
        return resources.contains { $0.value["Type"]?.string?.hasPrefix("AWS::") ?? false }
    }

    /// `account`, when configured, is the account the template deploys to: `AWS::AccountId`
    /// becomes that id and `AWS::Partition` becomes `aws`.
    public static func load(_ root: Node, file: String, account: String? = nil) -> GraphFragment {
        var fragment = GraphFragment(file: file)
        fragment.account = account
        var pseudo: [String: String] = [:]
        if let account {
            pseudo = ["AWS::AccountId": account, "AWS::Partition": "aws"]
        }
        var resolver = IntrinsicResolver(template: root, pseudoParameters: pseudo)
        for entry in root["Resources"]?.entries ?? [] {
            guard let type = entry.value["Type"]?.string else { continue }
            let logicalID = entry.key
            let base = Provenance(file: file, logicalPath: "Resources.\(logicalID)", range: entry.keyRange)
            let lines = entry.keyRange.start.line...max(entry.keyRange.start.line, entry.value.range.end.line - (entry.value.range.end.column == 1 ? 1 : 0))
            fragment.entityLines.append(lines)
            fragment.suppressions += metadataSuppressions(entry.value, lines: lines, base: base)
            let properties = entry.value["Properties"].map { resolver.resolve($0) } ?? .map([], entry.value.range)
            let reader = ResourceReader(logicalID: logicalID, properties: properties, provenance: base)
            switch type {
            case "AWS::IAM::Role":
                fragment.principals.append(reader.principal(.role, nameKey: "RoleName"))
            case "AWS::IAM::User":
                fragment.principals.append(reader.principal(.user, nameKey: "UserName"))
            case "AWS::IAM::Group":
                fragment.principals.append(reader.principal(.group, nameKey: "GroupName"))
            case "AWS::IAM::ManagedPolicy":
                fragment.policies.append(reader.standalonePolicy(managed: true, nameKey: "ManagedPolicyName"))
            case "AWS::IAM::Policy":
                fragment.policies.append(reader.standalonePolicy(managed: false, nameKey: "PolicyName"))
            case "AWS::IAM::RolePolicy":
                fragment.policies.append(reader.singleTargetPolicy(targetKey: "RoleName", kind: .role))
            case "AWS::IAM::UserPolicy":
                fragment.policies.append(reader.singleTargetPolicy(targetKey: "UserName", kind: .user))
            case "AWS::IAM::GroupPolicy":
                fragment.policies.append(reader.singleTargetPolicy(targetKey: "GroupName", kind: .group))
            case "AWS::IAM::UserToGroupAddition":
                if let group = properties["GroupName"]?.text {
                    fragment.memberships.append(GroupMembership(
                        group: group, users: properties["Users"]?.texts ?? [], provenance: base))
                }
            case "AWS::IAM::AccessKey":
                if let user = properties["UserName"]?.text {
                    fragment.accessKeys.append(AccessKey(user: user, logicalName: logicalID, provenance: base))
                }
            case "AWS::IAM::InstanceProfile":
                fragment.instanceProfiles.append(InstanceProfile(
                    explicitName: properties["InstanceProfileName"]?.text, logicalName: logicalID,
                    roles: properties["Roles"]?.texts ?? [], provenance: base))
            default:
                break
            }
        }
        return fragment
    }

    /// `Metadata: {iamlint: {ignore: [{rule: IAM101, reason: "…"}]}}` on a resource.
    static func metadataSuppressions(_ resource: Node, lines: ClosedRange<Int>, base: Provenance) -> [Suppression] {
        guard let ignore = resource["Metadata"]?["iamlint"]?["ignore"] else { return [] }
        let items = ignore.items ?? [ignore]
        return items.compactMap { item in
            let rules = item["rule"].map { $0.items?.compactMap(\.string) ?? [$0.string].compactMap { $0 } }
                ?? item["rules"]?.items?.compactMap(\.string) ?? []
            guard !rules.isEmpty else { return nil }
            return Suppression(
                rules: rules, reason: item["reason"]?.string ?? "", lines: lines,
                provenance: base.child("Metadata.iamlint.ignore", range: item.range))
        }
    }
}

/// Reads the properties of one resource; every element keeps its logical path and range.
private struct ResourceReader {
    let logicalID: String
    let properties: Value
    let provenance: Provenance

    func principal(_ kind: EntityKind, nameKey: String) -> Principal {
        var principal = Principal(
            kind: kind, explicitName: properties[nameKey]?.text, logicalName: logicalID,
            path: properties["Path"]?.text?.value ?? "/", provenance: provenance)
        if kind == .role, let trust = properties.entry("AssumeRolePolicyDocument") {
            principal.trustPolicy = PolicyParser.parse(
                trust.value, provenance: property("AssumeRolePolicyDocument", trust.value.range))
        }
        principal.inlinePolicies = inlinePolicies()
        principal.managedPolicyArns = properties["ManagedPolicyArns"]?.texts ?? []
        principal.groups = properties["Groups"]?.texts ?? []
        principal.hasLoginProfile = properties.entry("LoginProfile") != nil
        return principal
    }

    func standalonePolicy(managed: Bool, nameKey: String) -> StandalonePolicy {
        StandalonePolicy(
            isManaged: managed, explicitName: properties[nameKey]?.text, logicalName: logicalID,
            path: properties["Path"]?.text?.value ?? "/", document: document(),
            roles: properties["Roles"]?.texts ?? [], users: properties["Users"]?.texts ?? [],
            groups: properties["Groups"]?.texts ?? [], provenance: provenance)
    }

    func singleTargetPolicy(targetKey: String, kind: EntityKind) -> StandalonePolicy {
        let target = properties[targetKey]?.text.map { [$0] } ?? []
        var policy = StandalonePolicy(
            isManaged: false, explicitName: properties["PolicyName"]?.text, logicalName: logicalID,
            document: document(),
            roles: kind == .role ? target : [], users: kind == .user ? target : [], groups: kind == .group ? target : [],
            provenance: provenance)
        let path = "Properties.\(targetKey)"
        policy.attachmentPaths = (path, path, path)
        policy.attachmentPathsAreLists = false
        return policy
    }

    private func document() -> PolicyDocument {
        let value = properties["PolicyDocument"] ?? .map([], provenance.range)
        return PolicyParser.parse(value, provenance: property("PolicyDocument", value.range))
    }

    private func inlinePolicies() -> [NamedPolicy] {
        guard let list = properties.entry("Policies")?.value else { return [] }
        var result: [NamedPolicy] = []
        for (index, item) in list.listItems.enumerated() {
            guard let doc = item["PolicyDocument"] else { continue }
            let name = item["PolicyName"]?.text?.value ?? "Policies[\(index)]"
            let prov = property("Policies[\(index)].PolicyDocument", doc.range)
            result.append(NamedPolicy(name: name, document: PolicyParser.parse(doc, provenance: prov)))
        }
        return result
    }

    private func property(_ path: String, _ range: SourceRange) -> Provenance {
        provenance.child("Properties.\(path)", range: range)
    }
}
