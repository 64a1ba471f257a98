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

    /// Whether the template as written declares every name it may refer to. Not when something
    /// adds resources or parameters the source does not show: a `Transform` (SAM, macros), SAM
    /// resource types without one, CloudFormation modules (`…::MODULE`), Rain modules or other
    /// tagged types, or a preprocessor's own format version (org-formation's `2010-09-09-OC`).
    static func declaresEveryName(_ root: Node) -> Bool {
        if root["Transform"] != nil { return false }
        if let version = root["AWSTemplateFormatVersion"], version.string != "2010-09-09" { return false }
        return (root["Resources"]?.entries ?? .empty).allSatisfy { entry in
            guard let node = entry.value["Type"], node.tag == nil, node.isScalar, !node.isNull else { return false }
            let plain = node.withScalarUTF8 { bytes -> Bool? in
                // ASCII throughout: `hasPrefix` and `hasSuffix` decide on the bytes.
                for byte in bytes where byte >= 0x80 { return nil }
                return !hasPrefix(bytes, serverlessPrefix) && !hasSuffix(bytes, moduleSuffix)
            } ?? nil
            if let plain { return plain }
            let type = node.string ?? ""
            return !type.hasPrefix("AWS::Serverless::") && !type.hasSuffix("::MODULE")
        }
    }

    private static let serverlessPrefix = Array("AWS::Serverless::".utf8)
    private static let moduleSuffix = Array("::MODULE".utf8)

    private static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8]) -> Bool {
        guard bytes.count >= prefix.count else { return false }
        for k in prefix.indices where bytes[k] != prefix[k] { return false }
        return true
    }

    private static func hasSuffix(_ bytes: UnsafeBufferPointer<UInt8>, _ suffix: [UInt8]) -> Bool {
        guard bytes.count >= suffix.count else { return false }
        let offset = bytes.count - suffix.count
        for k in suffix.indices where bytes[offset + k] != suffix[k] { return false }
        return true
    }

    /// `account`, when configured, is the account the template deploys to: `AWS::AccountId`
    /// becomes that id and `AWS::Partition` becomes `aws`. `source`, when given, holds the bytes
    /// `root` was parsed from: the committed-key scan then rules the file out on them.
    public static func load(_ root: Node, file: String, account: String? = nil, source: [UInt8]? = nil) -> GraphFragment {
        var fragment = GraphFragment(file: file)
        fragment.account = account
        fragment.parameters = TemplateParameters.read(root, file: file)
        var pseudo: [String: String] = [:]
        if let account {
            pseudo = ["AWS::AccountId": account, "AWS::Partition": "aws"]
        }
        var resolver = IntrinsicResolver(template: root, pseudoParameters: pseudo)
        resolver.recordsUndefinedReferences = Self.declaresEveryName(root)
        var undefined = UndefinedReferences(file: file)
        let inventory = CloudFormationInventory(template: root)
        // A resource read below is a child of one shared `Resources` path that holds the
        // logical ids of those resources: its provenance is its position there, without a step
        // of its own. The others' ids are not kept (nor spelled, but for a suppression).
        let resourceEntries = root["Resources"]?.entries ?? .empty
        let resourceTypes = resourceEntries.map { Self.resourceType($0.value["Type"]) }
        var logicalIDs: [String] = []
        logicalIDs.reserveCapacity(resourceTypes.count { if case .read = $0 { true } else { false } })
        for index in resourceTypes.indices {
            if case .read = resourceTypes[index] { logicalIDs.append(resourceEntries[index].key) }
        }
        let resources = Provenance(file: file, logicalPath: "Resources", children: logicalIDs, range: root.range)
        var readCount = 0
        var lists = PrincipalLists()
        for (index, entry) in resourceEntries.enumerated() {
            let type: String
            switch resourceTypes[index] {
            case .missing:
                continue
            case .other:
                // Only the types read below use the logical id and the properties: the others'
                // (often large) properties are never resolved, and their id is spelled only for
                // a suppression.
                let lines = Self.lines(of: entry)
                fragment.entityLines.append(lines)
                if entry.value.entry("Metadata") != nil {
                    fragment.suppressions += metadataSuppressions(
                        entry.value, lines: lines,
                        base: resources.child(entry.key, range: entry.keyRange))
                }
                continue
            case .read(let name):
                type = name
            }
            let position = readCount
            readCount += 1
            let logicalID = logicalIDs[position]
            let base = resources.child(at: position, range: entry.keyRange)
            let lines = Self.lines(of: entry)
            fragment.entityLines.append(lines)
            fragment.suppressions += metadataSuppressions(entry.value, lines: lines, base: base)
            let propertiesNode = entry.value["Properties"]
            let plain = propertiesNode.map { PlainDocuments(properties: $0, type: type) } ?? PlainDocuments()
            let properties = propertiesNode.map { resolver.resolve($0, omitting: plain.nodes) } ?? .map([], entry.value.range)
            let reader = ResourceReader(logicalID: logicalID, properties: properties, provenance: base, plain: plain, texts: resolver.texts)
            switch type {
            case "AWS::IAM::Role":
                fragment.principals.append(reader.principal(.role, nameKey: "RoleName", lists: &lists))
            case "AWS::IAM::User":
                fragment.principals.append(reader.principal(.user, nameKey: "UserName", lists: &lists))
            case "AWS::IAM::Group":
                fragment.principals.append(reader.principal(.group, nameKey: "GroupName", lists: &lists))
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
            fragment.inventory += inventory.items(
                type: type, logicalID: logicalID, resource: entry.value, properties: properties, base: base, resolver: &resolver)
            undefined.add(resolver.takeUndefinedReferences(), logicalPath: base.logicalPath)
        }
        fragment.inventory += inventory.outputs(root, file: file, resolver: &resolver)
        undefined.add(resolver.takeUndefinedReferences(), logicalPath: "Outputs")
        fragment.problems += undefined.problems
        lists.share(with: &fragment.principals)
        fragment.inventory += CommittedKeyScanner.scan(root, file: file, format: .cloudFormation, source: source)
        return fragment
    }

    /// The resource types `load` reads: IAM principals, policies and attachments, and the inventory
    /// kinds (the most frequent first).
    static let typesReadingProperties: [String] = readIAMTypes
        + CloudFormationInventory.kinds.keys.filter { !readIAMTypes.contains($0) }.sorted()

    private static let readIAMTypes = [
        "AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::InstanceProfile",
        "AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::AccessKey", "AWS::IAM::RolePolicy", "AWS::IAM::UserPolicy",
        "AWS::IAM::GroupPolicy", "AWS::IAM::UserToGroupAddition",
    ]

    /// `typesReadingProperties` as UTF-8, in the same order.
    private static let typesReadingPropertiesUTF8: [[UInt8]] = typesReadingProperties.map { Array($0.utf8) }

    /// What `load` makes of a resource's `Type`.
    enum ResourceType: Equatable {
        /// Not a text (absent, null, a mapping or a list): the resource is skipped.
        case missing
        /// A type whose properties `load` does not read.
        case other
        /// One of `typesReadingProperties`.
        case read(String)
    }

    /// The type of a resource, compared on its bytes in place (as `String` equality would decide:
    /// a text with a byte outside ASCII is compared as a `String`).
    static func resourceType(_ node: Node?) -> ResourceType {
        guard let node, node.isScalar, !node.isNull else { return .missing }
        let decided: ResourceType? = node.withScalarUTF8 { bytes -> ResourceType? in
            let names = typesReadingPropertiesUTF8
            for k in names.indices where names[k].count == bytes.count {
                let name = names[k]
                var j = 0
                while j < bytes.count, bytes[j] == name[j] { j += 1 }
                if j == bytes.count { return .read(typesReadingProperties[k]) }
            }
            for byte in bytes where byte >= 0x80 { return nil }
            return .other
        } ?? nil
        if let decided { return decided }
        let text = node.string ?? ""
        return typesReadingProperties.contains(text) ? .read(text) : .other
    }

    /// The lines of a resource: its key's line through its value's last line (a block value
    /// ends at column 1 of the line after it).
    static func lines(of entry: MappingEntry) -> ClosedRange<Int> {
        let end = entry.value.range.end
        return entry.keyRange.start.line...max(entry.keyRange.start.line, end.line - (end.column == 1 ? 1 : 0))
    }

    /// `Metadata: {iamlint: {ignore: [{rule: IAM101, reason: "…"}]}}` on a resource.
    static func metadataSuppressions(_ resource: Node, lines: ClosedRange<Int>, base: Provenance) -> [Suppression] {
        guard let ignore = resource["Metadata"]?["iamlint"]?["ignore"] else { return [] }
        let items = ignore.items.map(Array.init) ?? [ignore]
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

/// The policy documents of a resource that hold no intrinsic function, read straight from their
/// parse trees (`PolicyParser.parse(plain:…)`) and left out of the resolved properties: each is
/// the node the resolved properties' lookup would have found (the last entry of its name; a
/// plain document is never `AWS::NoValue`), a mapping for which `Node.isPlainTree` holds.
struct PlainDocuments {
    /// `AssumeRolePolicyDocument` (roles).
    var trust: Node?
    /// `PolicyDocument` (policy resources).
    var document: Node?
    /// `Policies[i].PolicyDocument` by `i` (users, groups, roles); empty when the `Policies`
    /// list is not a plain list of items (an item that is an intrinsic function may drop out or
    /// stand for several, and the resolved items would not be the written ones).
    var inline: [Node?] = []

    /// Every document above.
    private(set) var nodes: [Node] = []

    /// Deep enough for any policy, and well inside the resolver's own depth limit (a document
    /// is at most four levels below a resource's `Properties`).
    static let maxDepth = 48

    init() {}

    init(properties: Node, type: String) {
        guard properties.isMapping, !IntrinsicResolver.isIntrinsic(properties) else { return }
        switch type {
        case "AWS::IAM::Role":
            trust = Self.plainDocument(properties.entry("AssumeRolePolicyDocument"))
            inline = Self.inlineDocuments(properties)
        case "AWS::IAM::User", "AWS::IAM::Group":
            inline = Self.inlineDocuments(properties)
        case "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::IAM::RolePolicy", "AWS::IAM::UserPolicy", "AWS::IAM::GroupPolicy":
            document = Self.plainDocument(properties.entry("PolicyDocument"))
        default:
            return
        }
        if let trust { nodes.append(trust) }
        if let document { nodes.append(document) }
        for case let node? in inline { nodes.append(node) }
    }

    private static func plainDocument(_ entry: MappingEntry?) -> Node? {
        guard let node = entry?.value, node.isMapping, node.isPlainTree(maxDepth: maxDepth) else { return nil }
        return node
    }

    private static func inlineDocuments(_ properties: Node) -> [Node?] {
        guard let items = properties.entry("Policies")?.value.items,
              !items.contains(where: IntrinsicResolver.isIntrinsic) else { return [] }
        let documents = items.map { $0.isMapping ? plainDocument($0.entry("PolicyDocument")) : nil }
        return documents.contains { $0 != nil } ? documents : []
    }
}

/// Reads the properties of one resource; every element keeps its logical path and range.
private struct ResourceReader {
    let logicalID: String
    let properties: Value
    let provenance: Provenance
    let plain: PlainDocuments
    let texts: SharedTexts

    /// The principal, its inline policies and managed policy ARNs appended to `lists`.
    func principal(_ kind: EntityKind, nameKey: String, lists: inout PrincipalLists) -> Principal {
        var principal = Principal(
            kind: kind, explicitName: properties[nameKey]?.text, logicalName: logicalID,
            path: properties["Path"]?.text?.value ?? "/", provenance: provenance)
        if kind == .role, let node = plain.trust {
            principal.trustPolicy = PolicyParser.parse(
                plain: node, texts: texts, provenance: provenance.child("Properties.AssumeRolePolicyDocument", range: node.range),
                purpose: .trust)
        } else if kind == .role, let trust = properties.entry("AssumeRolePolicyDocument") {
            principal.trustPolicy = PolicyParser.parse(
                trust.value, provenance: provenance.child("Properties.AssumeRolePolicyDocument", range: trust.value.range), purpose: .trust)
        }
        let policyStart = lists.policies.count
        appendInlinePolicies(to: &lists.policies)
        let arnStart = lists.arns.count
        properties["ManagedPolicyArns"]?.forEachText { lists.arns.append($0) }
        lists.runs.append((policyStart..<lists.policies.count, arnStart..<lists.arns.count))
        principal.groups = properties["Groups"]?.texts ?? []
        principal.hasLoginProfile = properties.entry("LoginProfile") != nil
        principal.permissionsBoundary = properties["PermissionsBoundary"]?.text
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
        if let node = plain.document {
            return PolicyParser.parse(
                plain: node, texts: texts, provenance: provenance.child("Properties.PolicyDocument", range: node.range), purpose: .identity)
        }
        let value = properties["PolicyDocument"] ?? .map([], provenance.range)
        return PolicyParser.parse(value, provenance: provenance.child("Properties.PolicyDocument", range: value.range), purpose: .identity)
    }

    private func appendInlinePolicies(to result: inout [NamedPolicy]) {
        guard let list = properties.entry("Policies")?.value else { return }
        let items = list.listItems
        for (index, item) in items.enumerated() {
            let plainDocument = index < plain.inline.count ? plain.inline[index] : nil
            let doc = plainDocument == nil ? item["PolicyDocument"] : nil
            guard let range = plainDocument?.range ?? doc?.range else { continue }
            let name = item["PolicyName"]?.text?.value ?? "Policies[\(index)]"
            // `Properties.Policies[index].PolicyDocument`, kept in the path's tail (no step of its own).
            let prov = provenance.child("Properties.Policies", index: index, range: item.range).child("PolicyDocument", range: range)
            let document = if let plainDocument {
                PolicyParser.parse(plain: plainDocument, texts: texts, provenance: prov, purpose: .identity)
            } else {
                PolicyParser.parse(doc ?? .null(range), provenance: prov, purpose: .identity)
            }
            result.append(NamedPolicy(name: name, document: document))
        }
    }
}

/// The inline policies and managed policy ARNs of a template's principals, in one list of each
/// that the principals share (`SharedList`): an array per principal costs more in header and
/// malloc overhead than its one or two elements.
struct PrincipalLists {
    var policies: [NamedPolicy] = []
    var arns: [PolicyText] = []
    /// Each principal's runs of `policies` and `arns`, in the order the principals were read.
    var runs: [(policies: Range<Int>, arns: Range<Int>)] = []

    /// Sets the lists of `principals`, the principals read, in order (the lists are copied
    /// once to their exact size when appending left much unused room).
    func share(with principals: inout [Principal]) {
        let sharedPolicies = Self.trimmed(policies)
        let sharedArns = Self.trimmed(arns)
        for (index, run) in zip(principals.indices, runs) {
            if !run.policies.isEmpty { principals[index].inlinePolicies = SharedList(sharedPolicies, run: run.policies) }
            if !run.arns.isEmpty { principals[index].managedPolicyArns = SharedList(sharedArns, run: run.arns) }
        }
    }

    private static func trimmed<Element>(_ list: [Element]) -> [Element] {
        guard list.capacity - list.count > list.count / 8 else { return list }
        return list.withUnsafeBufferPointer { Array($0) }
    }
}

// MARK: - Inventory

/// Reads what is neither a principal nor a policy but matters to rules into inventory items:
/// trails, server certificates, identity providers, virtual MFA devices, organization accounts,
/// access keys, SAM functions, users' login profiles (one item per user with a `LoginProfile`,
/// whose properties are the `LoginProfile` value) and the template's `Outputs` (one item each).
///
/// Secret-bearing values (`LoginProfile.Password`, `ServerCertificate.PrivateKey`, an output's
/// `Value`) that `Ref` a template parameter do not take the parameter's default. They are kept as
/// a reference map `{Ref: Name, NoEcho: "true"|"false", Default: "(present)"}` (`Default` only
/// when the parameter has a non-empty one), ranges at the `Ref`, the `NoEcho` value and the
/// default, so that rules can tell a `NoEcho` parameter from a literal; the default's text is
/// never copied. `Fn::If` keeps both branches. Literal values stay in the properties as written
/// (they are in the template text anyway); rules must never print them.
struct CloudFormationInventory {
    struct Parameter {
        var keyRange: SourceRange
        var noEcho: Bool
        var noEchoRange: SourceRange?
        var defaultRange: SourceRange?
    }

    /// The template's `Parameters` mapping; a parameter is looked up there when a secret refers
    /// to it (the last entry of a repeated name, as a dictionary built from the entries keeps).
    let parametersNode: Node?

    static let kinds: [String: InventoryItem.Kind] = [
        "AWS::CloudTrail::Trail": .cloudTrail,
        "AWS::IAM::ServerCertificate": .serverCertificate,
        "AWS::Organizations::Account": .organizationAccount,
        "AWS::IAM::OIDCProvider": .oidcProvider,
        "AWS::IAM::SAMLProvider": .samlProvider,
        "AWS::IAM::VirtualMFADevice": .virtualMFADevice,
        "AWS::IAM::AccessKey": .accessKey,
        "AWS::Serverless::Function": .serverlessFunction,
    ]

    /// The property of each type that holds a secret.
    static let secretProperties: [String: String] = ["AWS::IAM::ServerCertificate": "PrivateKey"]

    init(template: Node) {
        parametersNode = template["Parameters"]
    }

    /// The parameter declared as `name`, or nil.
    func parameter(_ name: String) -> Parameter? {
        guard let entry = parametersNode?.entries?.last(named: name) else { return nil }
        let noEcho = entry.value.entry("NoEcho")
        var defaultRange: SourceRange?
        if let def = entry.value["Default"], !def.isNull, def.string.map({ !$0.isEmpty }) ?? true {
            defaultRange = def.range
        }
        return Parameter(
            keyRange: entry.keyRange, noEcho: noEcho?.value.string?.lowercased() == "true",
            noEchoRange: noEcho?.value.range, defaultRange: defaultRange)
    }

    func items(
        type: String, logicalID: String, resource: Node, properties: Value, base: Provenance, resolver: inout IntrinsicResolver
    ) -> [InventoryItem] {
        if let kind = Self.kinds[type] {
            var resolved = properties
            if let secret = Self.secretProperties[type], let node = resource["Properties"] {
                resolved = resolve(node, secretKeys: [secret], resolver: &resolver, depth: 0)
            }
            return [InventoryItem(
                kind: kind, sourceType: type, logicalName: logicalID, properties: resolved, provenance: base,
                propertyPrefix: "Properties.")]
        }
        if type == "AWS::IAM::User", let node = resource["Properties"]?["LoginProfile"] {
            let profile = resolve(node, secretKeys: ["Password"], resolver: &resolver, depth: 0)
            if IntrinsicResolver.isNoValue(profile) { return [] }
            return [InventoryItem(
                kind: .loginProfile, sourceType: type, logicalName: logicalID, properties: profile, provenance: base,
                propertyPrefix: "Properties.LoginProfile.")]
        }
        return []
    }

    /// One `output` item per entry of `Outputs`, at `Outputs.Name`.
    func outputs(_ root: Node, file: String, resolver: inout IntrinsicResolver) -> [InventoryItem] {
        var result: [InventoryItem] = []
        for entry in root["Outputs"]?.entries ?? .empty where entry.value.entries != nil {
            result.append(InventoryItem(
                kind: .output, sourceType: "Outputs", logicalName: entry.key,
                properties: resolve(entry.value, secretKeys: ["Value"], resolver: &resolver, depth: 0),
                provenance: Provenance(file: file, logicalPath: "Outputs.\(entry.key)", range: entry.keyRange),
                propertyPrefix: ""))
        }
        return result
    }

    /// Resolves a mapping, its `secretKeys` through `secret(_:)`; `Fn::If` around the mapping keeps both branches.
    private func resolve(_ node: Node, secretKeys: Set<String>, resolver: inout IntrinsicResolver, depth: Int) -> Value {
        guard let entries = node.entries, depth < 16 else { return resolver.resolve(node) }
        if entries.count == 1, let fn = entries.first, fn.hasKey("Fn::If") {
            guard let items = fn.value.items, items.count == 3 else { return resolver.resolve(node) }
            let options = [items[1], items[2]]
                .map { resolve($0, secretKeys: secretKeys, resolver: &resolver, depth: depth + 1) }
                .filter { !IntrinsicResolver.isNoValue($0) }
            return .alternatives(options, node.range)
        }
        if entries.count == 1, let fn = entries.first, fn.hasKey("Ref") || fn.key.hasPrefix("Fn::") {
            return resolver.resolve(node)
        }
        var result: [ValueEntry] = []
        for entry in entries {
            let key = entry.key
            let value = secretKeys.contains(key)
                ? secret(entry.value, resolver: &resolver, depth: depth + 1)
                : resolver.resolve(entry.value)
            if IntrinsicResolver.isNoValue(value) { continue }
            result.append(ValueEntry(key: key, keyRange: entry.keyRange, value: value))
        }
        return .map(result, node.range)
    }

    /// A secret-bearing value: a `Ref` to a parameter becomes the reference map, `Fn::If` keeps
    /// both branches, anything else resolves as usual.
    private func secret(_ node: Node, resolver: inout IntrinsicResolver, depth: Int) -> Value {
        guard let entries = node.entries, entries.count == 1, let fn = entries.first, depth < 16 else {
            return resolver.resolve(node)
        }
        if fn.hasKey("Ref"), let name = fn.value.string, let parameter = parameter(name) {
            var map = [
                ValueEntry(key: "Ref", keyRange: fn.keyRange, value: .string(name, node.range)),
                ValueEntry(
                    key: "NoEcho", keyRange: parameter.keyRange,
                    value: .string(parameter.noEcho ? "true" : "false", parameter.noEchoRange ?? parameter.keyRange)),
            ]
            if let range = parameter.defaultRange {
                map.append(ValueEntry(key: "Default", keyRange: range, value: .string("(present)", range)))
            }
            return .map(map, node.range)
        }
        if fn.hasKey("Fn::If"), let items = fn.value.items, items.count == 3 {
            let options = [items[1], items[2]]
                .map { secret($0, resolver: &resolver, depth: depth + 1) }
                .filter { !IntrinsicResolver.isNoValue($0) }
            return .alternatives(options, node.range)
        }
        return resolver.resolve(node)
    }
}

// MARK: - Committed access keys

/// Finds AWS access key ids (`AKIA`/`ASIA` and 16 upper-case letters or digits) written in a file
/// together with a secret access key (a 40-character run of base64 letters with upper- and
/// lower-case letters and digits), anywhere in the file: properties, parameter defaults, user
/// data, Terraform provider configuration.
///
/// Each distinct key id yields one `accessKey` item of source type `literal` at the scalar that
/// holds its first occurrence, named by that scalar's logical path. Its properties are
/// `AccessKeyId` (the id, at that scalar) and `SecretAccessKey: "(present)"` at the scalar that
/// holds the nearest secret; the secret's text never enters the model. A key id without any
/// secret in the file yields nothing. In Terraform files, secrets under the attributes that
/// Terraform itself generates (`secret`, `ses_smtp_password_v4`, …) are left to the
/// `aws_iam_access_key` inventory.
enum CommittedKeyScanner {
    enum Format {
        case cloudFormation
        case terraform
    }

    static let sourceType = "literal"

    /// The secrets that `aws_iam_access_key` itself generates: left to the access key's item.
    static let terraformGeneratedSecrets: Set<String> = [
        "secret", "ses_smtp_password_v4", "encrypted_secret", "encrypted_ses_smtp_password_v4",
    ]

    private struct Hit {
        var path: String
        var range: SourceRange
        var keyID: String?
    }

    /// `source`, when given, is the text `root` was parsed from.
    static func scan(_ root: Node, file: String, format: Format, source: [UInt8]? = nil) -> [InventoryItem] {
        // Nearly no file holds a key id: one cheap look at the source's or the scalars' bytes
        // rules those out before the walk that names every hit.
        if let source {
            guard sourceMayHoldKeyID(source) else { return [] }
        }
        guard mayHoldKeyID(root, depth: 0) else { return [] }
        var walker = Walker(format: format)
        walker.walk(root, secretsAllowed: true, depth: 0)
        let keys = walker.keys, secrets = walker.secrets
        guard !keys.isEmpty, !secrets.isEmpty else { return [] }
        var seen = Set<String>()
        var result: [InventoryItem] = []
        for key in keys {
            guard let id = key.keyID, seen.insert(id).inserted else { continue }
            let secret = secrets.min { a, b in
                distance(a.range, key.range) < distance(b.range, key.range)
            } ?? secrets[0]
            let properties = Value.map([
                ValueEntry(key: "AccessKeyId", keyRange: key.range, value: .string(id, key.range)),
                ValueEntry(key: "SecretAccessKey", keyRange: secret.range, value: .string("(present)", secret.range)),
            ], key.range)
            result.append(InventoryItem(
                kind: .accessKey, sourceType: sourceType, logicalName: key.path, properties: properties,
                provenance: Provenance(file: file, logicalPath: key.path, range: key.range), propertyPrefix: ""))
        }
        return result
    }

    private static func distance(_ a: SourceRange, _ b: SourceRange) -> Int {
        a == b ? -1 : abs(a.start.line - b.start.line)
    }

    /// Whether any scalar of the tree holds `AKIA` or `ASIA`: a superset of the scalars in which
    /// `Walker` finds key ids (it visits a subset of the nodes, at most 256 steps deep, each step
    /// at most two levels of the tree).
    private static func mayHoldKeyID(_ node: Node, depth: Int) -> Bool {
        guard depth < 512 else { return false }
        if let items = node.items {
            for item in items where mayHoldKeyID(item, depth: depth + 1) { return true }
            return false
        }
        if let entries = node.entries {
            for entry in entries where mayHoldKeyID(entry.value, depth: depth + 1) { return true }
            return false
        }
        return node.withScalarUTF8 { $0.count >= 20 && hasKeyIDPrefix($0) } ?? false
    }

    /// Whether a scalar parsed from `source` may hold `AKIA` or `ASIA`: the source has one of them,
    /// or an escape that could spell one or join two lines (`\u`, `\U`, `\x`, a backslash before a
    /// line break), or a UTF-16 byte order mark (libyaml decodes such files). Outside escapes,
    /// YAML and JSON scalars are slices of the source, and line folding only ever adds a space or
    /// a line break.
    static func sourceMayHoldKeyID(_ source: [UInt8]) -> Bool {
        source.withUnsafeBufferPointer { bytes in
            guard bytes.count >= 4 else { return false }
            if (bytes[0] == 0xFE && bytes[1] == 0xFF) || (bytes[0] == 0xFF && bytes[1] == 0xFE) { return true }
            if containsKeyIDPrefix(bytes) { return true }
            var from = 0
            while let at = ByteSearch.firstIndex(of: 0x5C, in: bytes, from: from) {
                if at + 1 < bytes.count {
                    switch bytes[at + 1] {
                    case UInt8(ascii: "u"), UInt8(ascii: "U"), UInt8(ascii: "x"), 0x0A, 0x0D: return true
                    default: break
                    }
                }
                from = at + 2
            }
            return false
        }
    }

    /// Whether `bytes` (at least four) contain `AKIA` or `ASIA`: both found from their `I`, by
    /// memchr; `I` is much rarer than `A` in policy text.
    private static func containsKeyIDPrefix(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var from = 2
        while let at = ByteSearch.firstIndex(of: UInt8(ascii: "I"), in: bytes, from: from) {
            guard at + 1 < bytes.count else { return false }
            if bytes[at + 1] == UInt8(ascii: "A"), bytes[at - 2] == UInt8(ascii: "A"),
               bytes[at - 1] == UInt8(ascii: "K") || bytes[at - 1] == UInt8(ascii: "S") {
                return true
            }
            from = at + 1
        }
        return false
    }

    /// Whether `bytes` contain `AKIA` or `ASIA`.
    private static func hasKeyIDPrefix(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 4 else { return false }
        var i = 0
        let last = bytes.count - 4
        while i <= last {
            // "A?IA": look at the third byte first, the rarest of the four.
            if bytes[i + 2] == 73, bytes[i] == 65, bytes[i + 3] == 65, bytes[i + 1] == 75 || bytes[i + 1] == 83 { return true }
            i += 1
        }
        return false
    }

    /// One step of the logical path from the root to the node being visited.
    private enum Step {
        case key(String)
        case index(Int)
        /// A Terraform address that replaces the path so far.
        case address(String)
    }

    /// Collects key ids and secrets with their logical paths, which are spelled only for hits.
    private struct Walker {
        let format: Format
        var trail: [Step] = []
        var keys: [Hit] = []
        var secrets: [Hit] = []

        init(format: Format) {
            self.format = format
        }

        /// The logical path of the node being visited: keys joined with `.`, indexes as `[i]`.
        var path: String {
            var path = ""
            for step in trail {
                switch step {
                case .key(let key): path = path.isEmpty ? key : "\(path).\(key)"
                case .index(let i): path += "[\(i)]"
                case .address(let address): path = address
                }
            }
            return path
        }

        mutating func walk(_ node: Node, secretsAllowed: Bool, depth: Int) {
            guard depth < 256 else { return }
            // Most scalars are too short for a key id: decided without building their text.
            if node.isNull || (node.withScalarUTF8 { $0.count < 20 } ?? false) { return }
            if let items = node.items {
                for (i, item) in items.enumerated() {
                    trail.append(.index(i))
                    walk(item, secretsAllowed: secretsAllowed, depth: depth + 1)
                    trail.removeLast()
                }
                return
            }
            guard let entries = node.entries else {
                let ids = node.withScalarUTF8(CommittedKeyScanner.keyIDs) ?? []
                let secret = secretsAllowed && (node.withScalarUTF8(CommittedKeyScanner.containsSecret) ?? false)
                guard !ids.isEmpty || secret else { return }
                let path = self.path
                for id in ids { keys.append(Hit(path: path, range: node.range, keyID: id)) }
                if secret { secrets.append(Hit(path: path, range: node.range)) }
                return
            }
            let address = format == .terraform ? CommittedKeyScanner.terraformAddress(node, parent: { self.path }) : nil
            for entry in entries {
                let key = entry.key
                var step = Step.key(key)
                var allowed = secretsAllowed
                if format == .terraform {
                    if let address {
                        if key == "values" || key == "attributes" || key == "instances" { step = .address(address) }
                        if key == "change" {
                            // Only the values before and after the change, both named by the address.
                            for side in ["before", "after"] {
                                if let value = entry.value[side] {
                                    trail.append(.address(address))
                                    walk(value, secretsAllowed: allowed, depth: depth + 1)
                                    trail.removeLast()
                                }
                            }
                            continue
                        }
                    }
                    if terraformGeneratedSecrets.contains(key) { allowed = false }
                }
                trail.append(step)
                walk(entry.value, secretsAllowed: allowed, depth: depth + 1)
                trail.removeLast()
            }
        }
    }

    /// The address a Terraform resource object stands for: `address` of show-json,
    /// `module.type.name` of a raw state resource, or that address with the `index_key` of one
    /// of its instances (the parent path is then `address[i]`).
    private static func terraformAddress(_ node: Node, parent: () -> String) -> String? {
        if let address = node["address"]?.string, node["type"] != nil { return address }
        if let type = node["type"]?.string, let name = node["name"]?.string, node["instances"] != nil {
            let module = node["module"]?.string.map { $0.isEmpty ? "" : $0 + "." } ?? ""
            return module + type + "." + name
        }
        if node["attributes"] != nil {
            let parent = parent()
            if parent.hasSuffix("]"), let open = parent.lastIndex(of: "[") {
                let suffix = node["index_key"].flatMap(TerraformAddress.indexSuffix) ?? ""
                return String(parent[..<open]) + suffix
            }
        }
        return nil
    }

    private static func isUpperOrDigit(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 48 && b <= 57) }
    private static func isAlphanumeric(_ b: UInt8) -> Bool { isUpperOrDigit(b) || (b >= 97 && b <= 122) }
    private static func isBase64(_ b: UInt8) -> Bool { isAlphanumeric(b) || b == 47 || b == 43 }

    /// The access key ids in `bytes`, in order.
    private static func keyIDs(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        guard bytes.count >= 20 else { return [] }
        var result: [String] = []
        var i = 0
        while i + 20 <= bytes.count {
            let isAKIA = bytes[i] == 65 && bytes[i + 1] == 75 && bytes[i + 2] == 73 && bytes[i + 3] == 65
            let isASIA = bytes[i] == 65 && bytes[i + 1] == 83 && bytes[i + 2] == 73 && bytes[i + 3] == 65
            if (isAKIA || isASIA), i == 0 || !isAlphanumeric(bytes[i - 1]),
               bytes[(i + 4)..<(i + 20)].allSatisfy(isUpperOrDigit),
               i + 20 == bytes.count || !isAlphanumeric(bytes[i + 20]) {
                result.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<(i + 20)]), as: UTF8.self))
                i += 20
            } else {
                i += 1
            }
        }
        return result
    }

    /// Whether `bytes` hold a 40-character run of base64 letters (not part of a longer one, not
    /// followed by padding) with upper-case and lower-case letters and digits.
    private static func containsSecret(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 40 else { return false }
        var i = 0
        while i < bytes.count {
            guard isBase64(bytes[i]) else {
                i += 1
                continue
            }
            var j = i
            var upper = false, lower = false, digit = false
            while j < bytes.count, isBase64(bytes[j]) {
                let b = bytes[j]
                if b >= 65 && b <= 90 { upper = true } else if b >= 97 && b <= 122 { lower = true } else if b >= 48 && b <= 57 { digit = true }
                j += 1
            }
            if j - i == 40, upper, lower, digit, j == bytes.count || bytes[j] != 61 { return true }
            i = j
        }
        return false
    }
}

extension Node.Entries {
    /// The last entry whose key equals `name` as `String`s compare (canonical equivalence): keys
    /// are compared on their bytes in place, and built as a `String` only when `name` or the key
    /// has a byte outside ASCII (two ASCII texts are equal only when their bytes are).
    func last(named name: String) -> MappingEntry? {
        let nameIsASCII = name.utf8.allSatisfy { $0 < 0x80 }
        var k = count
        while k > 0 {
            k -= 1
            let entry = self[k]
            if entry.hasKey(name) { return entry }
            if !nameIsASCII || entry.withKeyUTF8({ $0.contains { $0 >= 0x80 } }) {
                if entry.key == name { return entry }
            }
        }
        return nil
    }
}
