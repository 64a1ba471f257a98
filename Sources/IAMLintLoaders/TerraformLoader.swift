import IAMLintCore
import IAMLintModel

/// Reads the IAM resources of Terraform-exported JSON into a graph fragment.
///
/// Three shapes are understood:
/// - `terraform show -json` of a **state**: `values.root_module` with recursive `child_modules`;
/// - `terraform show -json` of a **plan**: `resource_changes` (`change.after` with `after_unknown`),
///   `planned_values.root_module` and `prior_state`, plus `configuration` for the references of
///   values that stay unknown until apply;
/// - the raw **`terraform.tfstate`** (version 4): `resources[].instances[].attributes`.
///
/// Every entity is named by its Terraform address (`module.ci.aws_iam_role.runner`,
/// `aws_iam_user.u["alice"]`); attribute provenance appends the attribute
/// (`aws_iam_role.admin.assume_role_policy`) and points at the attribute's JSON value.
/// Unknown values stay unknown: a name that is not known yields `${address}` as reference key,
/// a reference that is not known resolves through the configuration or stays a `${…}` placeholder.
/// Sensitive attributes (secrets, passwords, private keys, anything marked sensitive) are never read.
/// Structures that are not as expected are skipped quietly.
public enum TerraformLoader {
    /// True for `terraform show -json` output (state: `values.root_module`; plan: `planned_values` /
    /// `resource_changes`, with `format_version`) and raw `terraform.tfstate` v4
    /// (`version` 4 + `resources[].instances[].attributes`).
    public static func isTerraformJSON(_ root: Node) -> Bool {
        guard root.entries != nil else { return false }
        if root["format_version"]?.string != nil {
            if root["values"]?["root_module"]?.entries != nil { return true }
            if root["planned_values"]?.entries != nil { return true }
            if root["resource_changes"]?.items != nil { return true }
            if root["prior_state"]?["values"]?.entries != nil { return true }
            return false
        }
        guard let version = root["version"]?.scalar, version.style == .plain, version.text == "4",
              let resources = root["resources"]?.items
        else { return false }
        if resources.isEmpty { return root["terraform_version"] != nil && root["lineage"] != nil }
        return resources.contains { $0["instances"]?.items?.contains { $0["attributes"]?.entries != nil } ?? false }
    }

    /// `source`, when given, holds the bytes `root` was parsed from: the committed-key scan then
    /// rules the file out on them.
    public static func load(_ root: Node, file: String, source: [UInt8]? = nil) -> GraphFragment {
        var builder = TerraformFragmentBuilder(file: file)
        builder.collect(root)
        builder.build()
        builder.fragment.inventory += CommittedKeyScanner.scan(root, file: file, format: .terraform, source: source)
        return builder.fragment
    }
}

// MARK: - Addresses

/// A Terraform resource address split into its parts:
/// `module.a[0].module.b.data.aws_iam_policy_document.d["k"]`.
struct TerraformAddress {
    /// The module path as written, indexes kept, with a trailing dot (`module.a[0].module.b.`), or "".
    var modulePrefix: String
    /// The module call names without indexes (`["a", "b"]`), as `configuration` nests them.
    var moduleCalls: [String]
    /// `aws_iam_role.x` or `data.aws_iam_policy_document.d`, without instance index.
    var resource: String
    /// `[0]` or `["k"]`, or nil.
    var index: String?

    init?(_ text: String) {
        let tokens = TerraformAddress.split(text)
        var i = 0
        var prefix = ""
        var calls: [String] = []
        while i + 1 < tokens.count, tokens[i] == "module" {
            prefix += "module.\(tokens[i + 1])."
            calls.append(TerraformAddress.splitIndex(tokens[i + 1]).name)
            i += 2
        }
        var resourcePrefix = ""
        if i < tokens.count, tokens[i] == "data" {
            resourcePrefix = "data."
            i += 1
        }
        guard i + 2 == tokens.count, !tokens[i].isEmpty else { return nil }
        let (name, index) = TerraformAddress.splitIndex(tokens[i + 1])
        guard !name.isEmpty else { return nil }
        modulePrefix = prefix
        moduleCalls = calls
        resource = "\(resourcePrefix)\(tokens[i]).\(name)"
        self.index = index
    }

    var type: String {
        let parts = resource.split(separator: ".")
        return String(resource.hasPrefix("data.") ? parts.dropFirst().first ?? "" : parts.first ?? "")
    }

    /// The address without its instance index.
    var base: String { modulePrefix + resource }

    var full: String { base + (index ?? "") }

    /// Splits at dots outside `[…]` and quoted keys.
    static func split(_ text: String) -> [String] {
        if case .some(.some(let tokens)) = text.utf8.withContiguousStorageIfAvailable(splitASCII) { return tokens }
        return splitCharacters(text)
    }

    /// `split` of an ASCII text, on its bytes (every ASCII byte is a character of its own but for
    /// `\r\n`, and neither byte is one the split looks at); nil for a text with other bytes.
    private static func splitASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> [String]? {
        for byte in bytes where byte >= 0x80 { return nil }
        var tokens: [String] = []
        var start = 0
        var depth = 0
        var inQuote = false
        var escaped = false
        for i in 0 ..< bytes.count {
            let c = bytes[i]
            if inQuote {
                if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") { inQuote = false }
                continue
            }
            switch c {
            case UInt8(ascii: "\"") where depth > 0:
                inQuote = true
            case UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "]"):
                depth = max(0, depth - 1)
            case UInt8(ascii: ".") where depth == 0:
                tokens.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start ..< i]), as: UTF8.self))
                start = i + 1
            default:
                break
            }
        }
        tokens.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
        return tokens
    }

    /// `split` character by character.
    private static func splitCharacters(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var depth = 0
        var inQuote = false
        var escaped = false
        for c in text {
            if inQuote {
                current.append(c)
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inQuote = false }
                continue
            }
            switch c {
            case "\"" where depth > 0:
                inQuote = true
                current.append(c)
            case "[":
                depth += 1
                current.append(c)
            case "]":
                depth = max(0, depth - 1)
                current.append(c)
            case "." where depth == 0:
                tokens.append(current)
                current = ""
            default:
                current.append(c)
            }
        }
        tokens.append(current)
        return tokens
    }

    /// `name[0]` → (`name`, `[0]`); `name` → (`name`, nil).
    static func splitIndex(_ token: String) -> (name: String, index: String?) {
        guard let open = token.firstIndex(of: "["), token.hasSuffix("]") else { return (token, nil) }
        return (String(token[..<open]), String(token[open...]))
    }

    /// True for a literal index: `[3]` or `["key"]` (not `[count.index]`).
    static func isLiteralIndex(_ index: String) -> Bool {
        let inner = index.dropFirst().dropLast()
        if inner.isEmpty { return false }
        if inner.allSatisfy(\.isNumber) { return true }
        return inner.hasPrefix("\"") && inner.hasSuffix("\"") && inner.count >= 2
    }

    /// The index suffix for a raw state `index_key`: a number → `[0]`, a string → `["key"]`.
    static func indexSuffix(_ key: Node) -> String? {
        guard let scalar = key.scalar, !scalar.isNull else { return nil }
        if scalar.style == .plain { return "[\(scalar.text)]" }
        var escaped = ""
        for c in scalar.text {
            switch c {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            default: escaped.append(c)
            }
        }
        return "[\"\(escaped)\"]"
    }
}

// MARK: - Resource instances

/// One resource instance with its attributes and what the file says about them.
private struct TerraformInstance {
    var address: TerraformAddress
    var addressText: String
    /// Where the entity is: the `address` key, or for raw state the `index_key` / `name` key.
    var range: SourceRange
    var isData: Bool
    var type: String
    var attributes: Node
    /// `after_unknown` of a plan's resource change.
    var unknown: Node?
    /// `sensitive_values` / `after_sensitive`.
    var sensitive: Node?
    /// Top-level attributes a raw state lists in `sensitive_attributes`.
    var sensitiveNames: Set<String> = []

    enum Step {
        case key(String)
        case index(Int)
    }

    /// The attribute value at `path` when it is known, not null and not sensitive.
    func known(_ path: [Step]) -> Node? {
        if case .key(let first)? = path.first, sensitiveNames.contains(first) || TerraformFragmentBuilder.secretAttributes.contains(first) {
            return nil
        }
        if Self.marked(sensitive, path) || Self.marked(unknown, path) { return nil }
        var node: Node? = attributes
        for step in path {
            switch step {
            case .key(let k): node = node?[k]
            case .index(let i):
                guard let items = node?.items, i >= 0, i < items.count else { return nil }
                node = items[i]
            }
        }
        guard let value = node, !value.isNull else { return nil }
        return value
    }

    func known(_ key: String) -> Node? { known([.key(key)]) }

    /// A known, non-empty string attribute.
    func text(_ path: [Step]) -> PolicyText? {
        guard let node = known(path), let s = node.string, !s.isEmpty, node.entries == nil, node.items == nil else { return nil }
        return PolicyText(s, range: node.range)
    }

    func text(_ key: String) -> PolicyText? { text([.key(key)]) }

    /// True when a plan marks the value at `path` (or a part of it) as unknown until apply.
    func isMarkedUnknown(_ key: String) -> Bool {
        guard let marker = unknown?[key] else { return false }
        return Self.containsTrue(marker, depth: 0)
    }

    /// The range to blame for an unknown value: the `after_unknown` marker, else the entity.
    func unknownRange(_ key: String) -> SourceRange {
        unknown?.entry(key)?.value.range ?? range
    }

    /// Whether a marker tree (`after_unknown`, `sensitive_values`) marks `path` or one of its parents.
    static func marked(_ marker: Node?, _ path: [Step]) -> Bool {
        var node = marker
        for step in path {
            guard let current = node else { return false }
            if isTrue(current) { return true }
            switch step {
            case .key(let k): node = current[k]
            case .index(let i):
                guard let items = current.items, i >= 0, i < items.count else { return false }
                node = items[i]
            }
        }
        return node.map(isTrue) ?? false
    }

    static func isTrue(_ node: Node) -> Bool {
        node.scalarStyle == .plain && node.isString("true")
    }

    static func containsTrue(_ node: Node, depth: Int) -> Bool {
        guard depth < 32 else { return false }
        switch node.kind {
        case .scalar: return isTrue(node)
        case .sequence(let items): return items.contains { containsTrue($0, depth: depth + 1) }
        case .mapping(let entries): return entries.contains { containsTrue($0.value, depth: depth + 1) }
        }
    }
}

// MARK: - Builder

private struct TerraformFragmentBuilder {
    /// Attributes that hold credentials; never read, whatever the file marks.
    static let secretAttributes: Set<String> = [
        "secret", "password", "ses_smtp_password_v4", "encrypted_secret", "encrypted_password",
        "private_key", "encrypted_ses_smtp_password_v4", "pgp_key",
    ]

    let file: String
    var fragment: GraphFragment
    private var instances: [TerraformInstance] = []
    private var seen: Set<String> = []
    /// Instance addresses by their address without index.
    private var instancesByBase: [String: [String]] = [:]
    /// Principal names known in the file, by address.
    private var principalNames: [String: PolicyText] = [:]
    /// `json` of `aws_iam_policy_document` data sources, by address.
    private var policyDocuments: [String: Node] = [:]
    /// `configuration` expressions by `moduleCalls|resource`.
    private var expressions: [String: Node] = [:]
    private var loginProfileUsers: [PolicyText] = []

    init(file: String) {
        self.file = file
        fragment = GraphFragment(file: file)
    }

    // MARK: Collecting

    mutating func collect(_ root: Node) {
        if let configuration = root["configuration"]?["root_module"] {
            collectConfiguration(configuration, calls: [], depth: 0)
        }
        if root["format_version"] != nil {
            for change in root["resource_changes"]?.items ?? .empty { collectChange(change) }
            if let module = root["planned_values"]?["root_module"] { collectModule(module, depth: 0) }
            if let module = root["values"]?["root_module"] { collectModule(module, depth: 0) }
            if let module = root["prior_state"]?["values"]?["root_module"] { collectModule(module, depth: 0) }
        } else {
            for resource in root["resources"]?.items ?? .empty { collectRawResource(resource) }
        }
        for instance in instances {
            instancesByBase[instance.address.base, default: []].append(instance.addressText)
            if !instance.isData, ["aws_iam_role", "aws_iam_user", "aws_iam_group"].contains(instance.type),
               let name = instance.text("name") {
                principalNames[instance.addressText] = name
            }
            if instance.isData, instance.type == "aws_iam_policy_document", let json = instance.known("json"), json.string != nil {
                policyDocuments[instance.addressText] = json
            }
        }
    }

    private mutating func add(_ instance: TerraformInstance) {
        guard seen.insert(instance.addressText).inserted else { return }
        instances.append(instance)
    }

    private mutating func collectConfiguration(_ module: Node, calls: [String], depth: Int) {
        guard depth < 64 else { return }
        let prefix = calls.joined(separator: ".") + "|"
        for resource in module["resources"]?.items ?? .empty {
            guard let type = resource["type"]?.string, let name = resource["name"]?.string,
                  let exprs = resource["expressions"], exprs.entries != nil else { continue }
            let mode = resource["mode"]?.string == "data" ? "data." : ""
            expressions[prefix + mode + type + "." + name] = exprs
        }
        for call in module["module_calls"]?.entries ?? .empty {
            if let child = call.value["module"], child.entries != nil {
                collectConfiguration(child, calls: calls + [call.key], depth: depth + 1)
            }
        }
    }

    private mutating func collectModule(_ module: Node, depth: Int) {
        guard depth < 64 else { return }
        // Terraform 0.12 wrote child-module addresses of `prior_state` without the module prefix.
        let moduleAddress = depth > 0 ? module["address"]?.string : nil
        for resource in module["resources"]?.items ?? .empty {
            guard let entry = resource.entry("address"), var text = entry.value.string else { continue }
            if let moduleAddress, !text.hasPrefix(moduleAddress + ".") { text = moduleAddress + "." + text }
            guard let address = TerraformAddress(text), let type = resource["type"]?.string,
                  let values = resource["values"], values.entries != nil
            else { continue }
            add(TerraformInstance(
                address: address, addressText: text, range: entry.keyRange,
                isData: resource["mode"]?.string == "data", type: type, attributes: values,
                unknown: nil, sensitive: resource["sensitive_values"]))
        }
        for child in module["child_modules"]?.items ?? .empty { collectModule(child, depth: depth + 1) }
    }

    private mutating func collectChange(_ change: Node) {
        guard let entry = change.entry("address"), let text = entry.value.string,
              let address = TerraformAddress(text), let type = change["type"]?.string,
              let body = change["change"], body.entries != nil
        else { return }
        // A deposed object being destroyed says nothing about the current one.
        if change["deposed"] != nil { return }
        let actions = body["actions"]?.items?.compactMap(\.string) ?? []
        if actions == ["delete"] || actions == ["forget"] {
            seen.insert(text)
            return
        }
        guard let after = body["after"], after.entries != nil else { return }
        add(TerraformInstance(
            address: address, addressText: text, range: entry.keyRange,
            isData: change["mode"]?.string == "data", type: type, attributes: after,
            unknown: body["after_unknown"], sensitive: body["after_sensitive"]))
    }

    private mutating func collectRawResource(_ resource: Node) {
        guard let type = resource["type"]?.string, let name = resource["name"]?.string else { return }
        let isData = resource["mode"]?.string == "data"
        if isData && type != "aws_iam_policy_document" { return }
        let module = resource["module"]?.string.map { $0.isEmpty ? "" : $0 + "." } ?? ""
        for instance in resource["instances"]?.items ?? .empty {
            guard let attributes = instance["attributes"], attributes.entries != nil else { continue }
            if instance["deposed"] != nil { continue }
            let index = instance["index_key"].flatMap(TerraformAddress.indexSuffix)
            let text = module + (isData ? "data." : "") + type + "." + name + (index ?? "")
            guard let address = TerraformAddress(text) else { continue }
            var sensitiveNames: Set<String> = []
            for path in instance["sensitive_attributes"]?.items ?? .empty {
                // `[{"type": "get_attr", "value": "password"}, …]`: the whole top-level attribute is sensitive.
                let steps = path.items.map(Array.init) ?? [path]
                if let first = steps.first, let attribute = first["value"]?.string {
                    sensitiveNames.insert(attribute)
                }
            }
            let range = instance.entry("index_key")?.keyRange ?? resource.entry("name")?.keyRange ?? instance.range
            add(TerraformInstance(
                address: address, addressText: text, range: range, isData: isData, type: type,
                attributes: attributes, unknown: nil, sensitive: nil, sensitiveNames: sensitiveNames))
        }
    }

    // MARK: Building

    mutating func build() {
        for instance in instances where !instance.isData {
            load(instance)
        }
        for instance in instances where !instance.isData {
            if let item = inventoryItem(instance) { fragment.inventory.append(item) }
        }
        for user in loginProfileUsers {
            let key = user.value.lowercased()
            for i in fragment.principals.indices where fragment.principals[i].kind == .user {
                if fragment.principals[i].referenceKey.lowercased() == key { fragment.principals[i].hasLoginProfile = true }
            }
        }
        dropReadBackPolicies()
    }

    /// A role's `managed_policy_arns` and `inline_policy` are computed: a refreshed state lists
    /// there every policy attached to the role, including those that an `aws_iam_role_policy_attachment`,
    /// `aws_iam_policy_attachment` or `aws_iam_role_policy` of the same file attaches. Those
    /// read-back copies are dropped, so that each policy reaches the role once, through the
    /// resource that declares it.
    private mutating func dropReadBackPolicies() {
        var attachedArns = Set<String>()
        for attachment in fragment.attachments {
            for role in attachment.roles { attachedArns.insert(role.value.lowercased() + "|" + attachment.policyArn.value) }
        }
        var rolePolicies = Set<String>()
        for policy in fragment.policies where !policy.isManaged {
            guard let name = policy.explicitName, !name.isSymbolic else { continue }
            for role in policy.roles { rolePolicies.insert(role.value.lowercased() + "|" + name.value) }
        }
        guard !attachedArns.isEmpty || !rolePolicies.isEmpty else { return }
        for i in fragment.principals.indices where fragment.principals[i].kind == .role {
            let role = fragment.principals[i]
            let keys = [role.referenceKey.lowercased(), "${\(role.logicalName)}".lowercased()]
            fragment.principals[i].managedPolicyArns.removeAll { arn in keys.contains { attachedArns.contains($0 + "|" + arn.value) } }
            fragment.principals[i].inlinePolicies.removeAll { policy in keys.contains { rolePolicies.contains($0 + "|" + policy.name) } }
        }
    }

    private mutating func load(_ r: TerraformInstance) {
        let base = Provenance(file: file, logicalPath: r.addressText, range: r.range)
        switch r.type {
        case "aws_iam_role":
            var role = principal(r, .role, base)
            if let trust = policyDocument(r, "assume_role_policy", purpose: .trust) { role.trustPolicy = trust }
            role.inlinePolicies = SharedList(inlinePolicies(r))
            role.managedPolicyArns = SharedList(managedPolicyArns(r))
            role.managedPolicyArnsPath = "managed_policy_arns"
            fragment.principals.append(role)
        case "aws_iam_user":
            fragment.principals.append(principal(r, .user, base))
        case "aws_iam_group":
            fragment.principals.append(principal(r, .group, base))
        case "aws_iam_policy":
            fragment.policies.append(StandalonePolicy(
                isManaged: true, explicitName: r.text("name"), logicalName: r.addressText,
                path: r.text("path")?.value ?? "/",
                document: policyDocument(r, "policy", purpose: .identity) ?? PolicyDocument(statements: [], provenance: base),
                provenance: base))
        case "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy":
            let (key, kind, targetType) = Self.target(of: r.type)
            let target = single(r, key, types: [targetType])
            var policy = StandalonePolicy(
                isManaged: false, explicitName: r.text("name"), logicalName: r.addressText,
                document: policyDocument(r, "policy", purpose: .identity) ?? PolicyDocument(statements: [], provenance: base),
                roles: kind == .role ? [target] : [], users: kind == .user ? [target] : [],
                groups: kind == .group ? [target] : [], provenance: base)
            policy.attachmentPaths = (key, key, key)
            policy.attachmentPathsAreLists = false
            fragment.policies.append(policy)
        case "aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment":
            let (key, kind, targetType) = Self.target(of: r.type)
            let target = single(r, key, types: [targetType])
            fragment.attachments.append(PolicyAttachment(
                policyArn: policyArn(r), roles: kind == .role ? [target] : [], users: kind == .user ? [target] : [],
                groups: kind == .group ? [target] : [], provenance: base))
        case "aws_iam_policy_attachment":
            fragment.attachments.append(PolicyAttachment(
                policyArn: policyArn(r),
                roles: list(r, "roles", types: ["aws_iam_role"]),
                users: list(r, "users", types: ["aws_iam_user"]),
                groups: list(r, "groups", types: ["aws_iam_group"]),
                provenance: base))
        case "aws_iam_group_membership":
            fragment.memberships.append(GroupMembership(
                group: single(r, "group", types: ["aws_iam_group"]),
                users: list(r, "users", types: ["aws_iam_user"]), provenance: base))
        case "aws_iam_user_group_membership":
            let user = single(r, "user", types: ["aws_iam_user"])
            for group in list(r, "groups", types: ["aws_iam_group"]) {
                fragment.memberships.append(GroupMembership(group: group, users: [user], provenance: base))
            }
        case "aws_iam_access_key":
            fragment.accessKeys.append(AccessKey(
                user: single(r, "user", types: ["aws_iam_user"]), logicalName: r.addressText, provenance: base))
        case "aws_iam_user_login_profile":
            loginProfileUsers.append(single(r, "user", types: ["aws_iam_user"]))
        case "aws_iam_instance_profile":
            var roles: [Reference] = []
            if r.text("role") != nil || r.isMarkedUnknown("role") || reference(r, "role", types: ["aws_iam_role"]) != nil {
                roles = [single(r, "role", types: ["aws_iam_role"])]
            }
            for role in list(r, "roles", types: ["aws_iam_role"]) where !roles.contains(where: { $0.value == role.value }) {
                roles.append(role)
            }
            fragment.instanceProfiles.append(InstanceProfile(
                explicitName: r.text("name"), logicalName: r.addressText, roles: roles, provenance: base))
        default:
            break
        }
    }

    private static func target(of type: String) -> (key: String, kind: EntityKind, type: String) {
        if type.hasPrefix("aws_iam_role_") { return ("role", .role, "aws_iam_role") }
        if type.hasPrefix("aws_iam_user_") { return ("user", .user, "aws_iam_user") }
        return ("group", .group, "aws_iam_group")
    }

    private func principal(_ r: TerraformInstance, _ kind: EntityKind, _ base: Provenance) -> Principal {
        var principal = Principal(
            kind: kind, explicitName: r.text("name"), logicalName: r.addressText,
            path: r.text("path")?.value ?? "/", provenance: base)
        principal.permissionsBoundary = r.text("permissions_boundary")
        if let arn = r.text("arn").flatMap({ ARN($0.value) }), arn.account.count == 12, arn.account.allSatisfy(\.isNumber) {
            principal.account = arn.account
        }
        return principal
    }

    // MARK: Policies

    /// The policy in a JSON-string attribute, or the `aws_iam_policy_document` it refers to when
    /// unknown, read as `purpose`.
    private func policyDocument(_ r: TerraformInstance, _ key: String, purpose: PolicyParser.Purpose) -> PolicyDocument? {
        let provenance = { (range: SourceRange) in Provenance(file: file, logicalPath: "\(r.addressText).\(key)", range: range) }
        if let node = r.known(key) {
            if let text = node.string, text.isEmpty { return nil }
            return PolicyParser.parse(Value(node: node), provenance: provenance(node.range), purpose: purpose)
        }
        for address in referencedAddresses(r, key, types: ["aws_iam_policy_document"], data: true) {
            if let json = policyDocuments[address] {
                return PolicyParser.parse(Value(node: json), provenance: provenance(json.range), purpose: purpose)
            }
        }
        return nil
    }

    private func inlinePolicies(_ r: TerraformInstance) -> [NamedPolicy] {
        guard let items = r.known("inline_policy")?.items else { return [] }
        var result: [NamedPolicy] = []
        for index in items.indices {
            guard let node = r.known([.key("inline_policy"), .index(index), .key("policy")]),
                  node.string.map({ !$0.isEmpty }) ?? (node.entries != nil)
            else { continue }
            let name = r.text([.key("inline_policy"), .index(index), .key("name")])?.value ?? "inline_policy[\(index)]"
            let provenance = Provenance(file: file, logicalPath: "\(r.addressText).inline_policy[\(index)].policy", range: node.range)
            result.append(NamedPolicy(name: name, document: PolicyParser.parse(Value(node: node), provenance: provenance, purpose: .identity)))
        }
        return result
    }

    private func managedPolicyArns(_ r: TerraformInstance) -> [PolicyText] {
        var result: [PolicyText] = []
        var incomplete = r.isMarkedUnknown("managed_policy_arns")
        if let items = r.known("managed_policy_arns")?.items {
            for index in items.indices {
                if let text = r.text([.key("managed_policy_arns"), .index(index)]) { result.append(text) } else { incomplete = true }
            }
        } else if r.known("managed_policy_arns") == nil {
            incomplete = true
        }
        if incomplete {
            let range = r.unknownRange("managed_policy_arns")
            for address in referencedAddresses(r, "managed_policy_arns", types: ["aws_iam_policy"], data: false) {
                result.append(PolicyText("${\(address)}", range: range, isSymbolic: true))
            }
        }
        return result
    }

    private func policyArn(_ r: TerraformInstance) -> PolicyText {
        if let text = r.text("policy_arn") { return text }
        let range = r.unknownRange("policy_arn")
        let addresses = referencedAddresses(r, "policy_arn", types: ["aws_iam_policy"], data: false)
        if addresses.count == 1 { return PolicyText("${\(addresses[0])}", range: range, isSymbolic: true) }
        return PolicyText("${\(r.addressText).policy_arn}", range: range, isSymbolic: true)
    }

    // MARK: References

    /// A single name reference: the known value, the resource the configuration refers to, or an
    /// unknown placeholder `${address.attribute}`.
    private func single(_ r: TerraformInstance, _ key: String, types: Set<String>) -> Reference {
        if let text = r.text(key) { return text }
        if let ref = reference(r, key, types: types) { return ref }
        return PolicyText("${\(r.addressText).\(key)}", range: r.unknownRange(key), isSymbolic: true)
    }

    private func reference(_ r: TerraformInstance, _ key: String, types: Set<String>) -> Reference? {
        let addresses = referencedAddresses(r, key, types: types, data: false)
        guard addresses.count == 1 else { return nil }
        return principalReference(addresses[0], range: r.unknownRange(key))
    }

    /// A list of name references: the known items, plus the configuration's references for what is unknown.
    private func list(_ r: TerraformInstance, _ key: String, types: Set<String>) -> [Reference] {
        var result: [Reference] = []
        var incomplete = r.isMarkedUnknown(key)
        if let node = r.known(key) {
            if let items = node.items {
                for index in items.indices {
                    if let text = r.text([.key(key), .index(index)]) { result.append(text) } else { incomplete = true }
                }
            } else if let text = r.text(key) {
                result.append(text)
            }
        } else {
            incomplete = true
        }
        if incomplete {
            let range = r.unknownRange(key)
            let addresses = referencedAddresses(r, key, types: types, data: false, allInstances: true)
            for address in addresses {
                result.append(principalReference(address, range: range))
            }
            if addresses.isEmpty, r.isMarkedUnknown(key) {
                result.append(PolicyText("${\(r.addressText).\(key)}", range: range, isSymbolic: true))
            }
        }
        var seenValues = Set<String>()
        return result.filter { seenValues.insert($0.value.lowercased()).inserted }
    }

    /// `${address}` of a principal, or its name when the file knows it.
    private func principalReference(_ address: String, range: SourceRange) -> Reference {
        if let name = principalNames[address] { return PolicyText(name.value, range: range) }
        return PolicyText("${\(address)}", range: range, isSymbolic: true)
    }

    /// The addresses of the resources of `types` that the configuration expression for `key` refers
    /// to, in the module of `r`. A reference without an index to a resource with several instances
    /// resolves to the instance with `r`'s own index, else (for lists) to all of them.
    private func referencedAddresses(
        _ r: TerraformInstance, _ key: String, types: Set<String>, data: Bool, allInstances: Bool = false
    ) -> [String] {
        let configKey = r.address.moduleCalls.joined(separator: ".") + "|" + r.address.resource
        guard let expression = expressions[configKey]?[key] else { return [] }
        var references: [String] = []
        Self.gatherReferences(expression, into: &references, depth: 0)
        // Per resource, the most specific literal index it is written with, if any.
        var order: [String] = []
        var indexes: [String: [String]] = [:]
        for reference in references {
            var tokens = TerraformAddress.split(reference)
            if data {
                guard tokens.first == "data" else { continue }
                tokens.removeFirst()
            } else if tokens.first == "data" {
                continue
            }
            guard tokens.count >= 2, types.contains(tokens[0]) else { continue }
            let (name, index) = TerraformAddress.splitIndex(tokens[1])
            guard !name.isEmpty else { continue }
            let resource = (data ? "data." : "") + tokens[0] + "." + name
            if indexes[resource] == nil {
                order.append(resource)
                indexes[resource] = []
            }
            if let index, TerraformAddress.isLiteralIndex(index), !(indexes[resource]?.contains(index) ?? true) {
                indexes[resource]?.append(index)
            }
        }
        var result: [String] = []
        for resource in order {
            let baseAddress = r.address.modulePrefix + resource
            let written = indexes[resource] ?? []
            if !written.isEmpty {
                result += written.map { baseAddress + $0 }
                continue
            }
            let instances = instancesByBase[baseAddress] ?? []
            if instances.contains(baseAddress) || instances.isEmpty {
                result.append(baseAddress)
            } else if let own = r.address.index, instances.contains(baseAddress + own) {
                result.append(baseAddress + own)
            } else if instances.count == 1 || allInstances {
                result += instances
            } else {
                result.append(baseAddress)
            }
        }
        return result
    }

    /// The `references` of an expression, including those nested in blocks and lists.
    private static func gatherReferences(_ node: Node, into result: inout [String], depth: Int) {
        guard depth < 16 else { return }
        switch node.kind {
        case .scalar:
            return
        case .sequence(let items):
            for item in items { gatherReferences(item, into: &result, depth: depth + 1) }
        case .mapping(let entries):
            for entry in entries {
                if entry.key == "references" {
                    result += entry.value.items?.compactMap(\.string) ?? []
                } else if entry.key != "constant_value" {
                    gatherReferences(entry.value, into: &result, depth: depth + 1)
                }
            }
        }
    }
}

// MARK: - Inventory

extension TerraformFragmentBuilder {
    static let inventoryKinds: [String: InventoryItem.Kind] = [
        "aws_cloudtrail": .cloudTrail,
        "aws_iam_server_certificate": .serverCertificate,
        "aws_iam_account_password_policy": .passwordPolicy,
        "aws_organizations_account": .organizationAccount,
        "aws_iam_openid_connect_provider": .oidcProvider,
        "aws_iam_saml_provider": .samlProvider,
        "aws_iam_virtual_mfa_device": .virtualMFADevice,
        "aws_iam_user_login_profile": .loginProfile,
        "aws_iam_access_key": .accessKey,
    ]

    /// Attributes whose presence, never their value, inventory items record: the secret
    /// attributes and a virtual MFA device's seed.
    static let presenceOnlyAttributes: Set<String> = secretAttributes.union(["base_32_string_seed", "qr_code_png"])

    /// An inventory item for the resource types rules look at beyond principals and policies.
    ///
    /// Properties are the instance's attributes. A secret attribute (`secret`, `password`,
    /// `private_key`, `encrypted_*`, an MFA seed, or any attribute a raw state lists as sensitive
    /// and that is one of those) is recorded only as `"(present)"` at its value's range, and only
    /// when it is present and not empty. Other values marked sensitive, and values unknown until
    /// apply, become `${address.attribute}` placeholders (symbolic), so that rules can tell
    /// "unknown" from "not set".
    fileprivate func inventoryItem(_ r: TerraformInstance) -> InventoryItem? {
        guard let kind = Self.inventoryKinds[r.type], let entries = r.attributes.entries else { return nil }
        var properties: [ValueEntry] = []
        var seenKeys = Set<String>()
        // A plan marks optional computed attributes that the configuration does not set as
        // unknown; when the configuration's expressions for the resource are known and do not
        // name the attribute, it is not set and AWS's defaults apply.
        let configuration = expressions[r.address.moduleCalls.joined(separator: ".") + "|" + r.address.resource]
        func unsetInConfiguration(_ key: String) -> Bool {
            guard let configuration else { return false }
            return configuration[key] == nil && (r.unknown?[key]).map { TerraformInstance.containsTrue($0, depth: 0) } ?? false
        }
        for entry in entries {
            let key = entry.key
            seenKeys.insert(key)
            if unsetInConfiguration(key) { continue }
            if Self.presenceOnlyAttributes.contains(key) {
                if Self.isPresent(entry.value) {
                    properties.append(ValueEntry(key: key, keyRange: entry.keyRange, value: .string("(present)", entry.value.range)))
                }
                continue
            }
            let value = inventoryValue(r, entry.value, path: [.key(key)], name: "\(r.addressText).\(key)", depth: 0)
            properties.append(ValueEntry(key: key, keyRange: entry.keyRange, value: value))
        }
        for entry in r.unknown?.entries ?? .empty where !seenKeys.contains(entry.key) && !unsetInConfiguration(entry.key)
            && TerraformInstance.containsTrue(entry.value, depth: 0) {
            properties.append(ValueEntry(
                key: entry.key, keyRange: entry.keyRange, value: .symbolic("${\(r.addressText).\(entry.key)}", entry.value.range)))
        }
        return InventoryItem(
            kind: kind, sourceType: r.type, logicalName: r.addressText, properties: .map(properties, r.attributes.range),
            provenance: Provenance(file: file, logicalPath: r.addressText, range: r.range), propertyPrefix: "")
    }

    private func inventoryValue(_ r: TerraformInstance, _ node: Node, path: [TerraformInstance.Step], name: String, depth: Int) -> Value {
        if case .key(let first)? = path.first, r.sensitiveNames.contains(first) { return .symbolic("${\(name)}", node.range) }
        if TerraformInstance.marked(r.sensitive, path) || TerraformInstance.marked(r.unknown, path) || depth > 32 {
            return .symbolic("${\(name)}", node.range)
        }
        switch node.kind {
        case .scalar(let s):
            return s.isNull ? .null(node.range) : .string(s.text, node.range)
        case .sequence(let items):
            return .list(items.enumerated().map { i, item in
                inventoryValue(r, item, path: path + [.index(i)], name: "\(name)[\(i)]", depth: depth + 1)
            }, node.range)
        case .mapping(let entries):
            return .map(entries.map { entry in
                ValueEntry(key: entry.key, keyRange: entry.keyRange, value: inventoryValue(
                    r, entry.value, path: path + [.key(entry.key)], name: "\(name).\(entry.key)", depth: depth + 1))
            }, node.range)
        }
    }

    /// Not null, and not an empty string, list or map.
    private static func isPresent(_ node: Node) -> Bool {
        switch node.kind {
        case .scalar(let s): return !s.isNull && !s.text.isEmpty
        case .sequence(let items): return !items.isEmpty
        case .mapping(let entries): return !entries.isEmpty
        }
    }
}
