#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import IAMLintCore
import IAMLintModel

/// Resolves CloudFormation intrinsic functions where the template allows and keeps the rest symbolic.
///
/// - `Ref` to a parameter uses its default; to a resource, the resource's explicit name (or
///   `${LogicalId}` when CloudFormation generates one); pseudo-parameters stay `${AWS::…}`.
/// - `Fn::Sub` (both forms), `Fn::Join`, `Fn::GetAtt …Arn` of IAM resources, `Fn::FindInMap`,
///   `Fn::Select`, `Fn::Split` are computed when their inputs are known.
/// - `Fn::If` keeps both branches (`Value.alternatives`); `AWS::NoValue` disappears.
/// - Anything else becomes a symbolic placeholder, never a guess.
struct IntrinsicResolver {
    struct Resource {
        var type: String
        var properties: Node?
    }

    /// A declared parameter: its `Default` (the last one given) and whether it is a list type.
    struct Parameter {
        var defaultValue: Node?
        var isList = false
    }

    /// The `Parameters` entries; indexed by name on the first lookup.
    private let parameterEntries: Node.Entries
    private var parameterIndex: [String: Parameter]?
    let mappings: Node?
    /// The `Resources` entries; indexed by logical id on the first lookup (most templates
    /// resolve no reference to a resource).
    private let resourceEntries: Node.Entries
    private var resourceIndex: [String: Resource]?
    private var depth = 0

    static let nameProperties: [String: String] = [
        "AWS::IAM::Role": "RoleName", "AWS::IAM::User": "UserName", "AWS::IAM::Group": "GroupName",
        "AWS::IAM::ManagedPolicy": "ManagedPolicyName", "AWS::IAM::InstanceProfile": "InstanceProfileName",
        "AWS::IAM::Policy": "PolicyName",
    ]

    static let arnTypes: [String: String] = [
        "AWS::IAM::Role": "role", "AWS::IAM::User": "user", "AWS::IAM::Group": "group",
        "AWS::IAM::ManagedPolicy": "policy", "AWS::IAM::InstanceProfile": "instance-profile",
    ]

    /// Pseudo-parameters whose values are known (`AWS::AccountId` from the configuration).
    let pseudoParameters: [String: String]

    init(template: Node, pseudoParameters: [String: String] = [:]) {
        self.pseudoParameters = pseudoParameters
        self.parameterEntries = template["Parameters"]?.entries ?? .empty
        self.mappings = template["Mappings"]
        self.resourceEntries = template["Resources"]?.entries ?? .empty
    }

    /// The parameter declared as `name`, or nil: its `Default` is the last one given, and it is
    /// a list if any of its declarations says so.
    private mutating func parameter(_ name: String) -> Parameter? {
        if let parameterIndex { return parameterIndex[name] }
        var index: [String: Parameter] = [:]
        for entry in parameterEntries {
            let key = entry.key
            var parameter = index[key] ?? Parameter()
            if let def = entry.value["Default"] { parameter.defaultValue = def }
            let type = entry.value["Type"]?.string ?? ""
            if type.hasPrefix("List<") || type == "CommaDelimitedList" { parameter.isList = true }
            index[key] = parameter
        }
        parameterIndex = index
        return index[name]
    }

    /// Lookups of `resource(_:)` answered by a scan so far: most templates resolve a few
    /// references to resources, fewer than indexing every resource would cost.
    private var resourceScans = 0

    /// The resource declared as `name` (the last one if the id is repeated), or nil.
    private mutating func resource(_ name: String) -> Resource? {
        if let resourceIndex { return resourceIndex[name] }
        if resourceScans < 16 {
            resourceScans += 1
            // The entry a dictionary of the entries by key would keep: the last, as `String`s compare.
            guard let entry = resourceEntries.last(named: name) else { return nil }
            return Resource(type: entry.value["Type"]?.string ?? "", properties: entry.value["Properties"])
        }
        var index: [String: Resource] = [:]
        index.reserveCapacity(resourceEntries.count)
        for entry in resourceEntries {
            index[entry.key] = Resource(type: entry.value["Type"]?.string ?? "", properties: entry.value["Properties"])
        }
        resourceIndex = index
        return index[name]
    }

    /// A `Ref`, `Fn::GetAtt` or `Fn::Sub` variable naming something the template does not
    /// declare: the stack cannot be created as written.
    struct UndefinedReference: Hashable {
        enum Function: String { case ref = "Ref", getAtt = "Fn::GetAtt", sub = "Fn::Sub" }
        var function: Function
        var name: String
        var range: SourceRange
    }

    /// Whether undeclared names are recorded: not in templates with a `Transform` (SAM and
    /// macros add resources, parameters and variables the source does not show).
    var recordsUndefinedReferences = true
    private var undefinedReferences: [UndefinedReference] = []

    /// The undeclared names met since the last call, in the order met.
    mutating func takeUndefinedReferences() -> [UndefinedReference] {
        defer { undefinedReferences.removeAll(keepingCapacity: true) }
        return undefinedReferences
    }

    private mutating func recordUndefined(_ function: UndefinedReference.Function, _ name: String, _ range: SourceRange) {
        // A name with a `:` (`${self:service}`, `${opt:stage}`) is another tool's variable syntax.
        guard recordsUndefinedReferences, !name.isEmpty, !name.contains("${"), !name.contains(":") else { return }
        undefinedReferences.append(UndefinedReference(function: function, name: name, range: range))
    }

    /// The marker for `AWS::NoValue`: an empty set of alternatives.
    static func noValue(_ range: SourceRange) -> Value { .alternatives([], range) }

    static func isNoValue(_ value: Value) -> Bool {
        if case .alternatives(let options, _) = value, options.isEmpty { return true }
        return false
    }

    /// Nodes whose entries `resolve` leaves out of the mappings it builds: the policy documents
    /// read straight from their parse trees (`PlainDocuments`).
    private var omitted: [Node] = []

    /// `resolve(node)` without the entries whose values are `omitted`.
    mutating func resolve(_ node: Node, omitting omitted: [Node]) -> Value {
        guard !omitted.isEmpty else { return resolve(node) }
        self.omitted = omitted
        defer { self.omitted = [] }
        return resolve(node)
    }

    /// Whether `node` is an intrinsic function as `resolve` reads one: a mapping of one `Ref` or
    /// `Fn::…` key.
    static func isIntrinsic(_ node: Node) -> Bool {
        guard let entries = node.entries, entries.count == 1, let fn = entries.first else { return false }
        return fn.hasKey("Ref") || fn.withKeyUTF8(hasFunctionPrefix)
    }

    mutating func resolve(_ node: Node) -> Value {
        depth += 1
        defer { depth -= 1 }
        guard depth < 64 else { return .symbolic("${…}", node.range) }
        // Texts are read in place: a key or scalar becomes a `String` only when it is kept, and a
        // text met before is the copy already kept.
        if let entries = node.entries {
            if entries.count == 1, let fn = entries.first, fn.hasKey("Ref") || fn.withKeyUTF8(Self.hasFunctionPrefix) {
                return intrinsic(fn.key, fn.value, range: node.range)
            }
            var result: [ValueEntry] = []
            result.reserveCapacity(entries.count)
            for entry in entries {
                if !omitted.isEmpty, omitted.contains(where: { $0.isSameNode(as: entry.value) }) { continue }
                let v = resolve(entry.value)
                if Self.isNoValue(v) { continue }
                result.append(ValueEntry(key: entry.withKeyUTF8 { texts.shared($0) }, keyRange: entry.keyRange, value: v))
            }
            return .map(result, node.range)
        }
        if let items = node.items {
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items {
                let v = resolve(item)
                if Self.isNoValue(v) { continue }
                values.append(v)
            }
            return .list(values, node.range)
        }
        if node.isNull { return .null(node.range) }
        return .string(node.withScalarUTF8 { texts.shared($0) } ?? "", node.range)
    }

    /// Whether a key starts with `Fn::` as `String.hasPrefix` decides: on the bytes, unless a
    /// byte outside ASCII follows the prefix (it could extend the last character).
    static func hasFunctionPrefix(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard key.count >= 4, key[0] == UInt8(ascii: "F"), key[1] == UInt8(ascii: "n"),
              key[2] == UInt8(ascii: ":"), key[3] == UInt8(ascii: ":") else { return false }
        if key.count == 4 || key[4] < 0x80 { return true }
        return String(decoding: key, as: UTF8.self).hasPrefix("Fn::")
    }

    /// The texts of the values resolved so far, so that the model keeps one copy of each; the
    /// documents read from their parse trees (`NodePolicyTree`) share it.
    let texts = SharedTexts()

    private mutating func intrinsic(_ name: String, _ arg: Node, range: SourceRange) -> Value {
        switch name {
        case "Ref":
            guard let target = arg.string else { return .symbolic("${Ref}", range) }
            return ref(target, range: range)
        case "Fn::Sub":
            return sub(arg, range: range)
        case "Fn::Join":
            guard let items = arg.items, items.count == 2, let delimiter = items[0].string else { return .symbolic("${Fn::Join}", range) }
            let list = resolve(items[1])
            guard case .list(let parts, _) = list else { return .symbolic("${Fn::Join}", range) }
            var texts: [String] = []
            var symbolic = false
            for part in parts {
                switch part {
                case .string(let s, _): texts.append(s)
                case .symbolic(let s, _):
                    texts.append(s)
                    symbolic = true
                default:
                    texts.append("${…}")
                    symbolic = true
                }
            }
            let joined = texts.joined(separator: delimiter)
            return symbolic ? .symbolic(joined, range) : .string(joined, range)
        case "Fn::GetAtt":
            var parts: [String] = []
            if let items = arg.items {
                parts = items.compactMap { resolve($0).text?.value }
            } else if let s = arg.string {
                parts = s.split(separator: ".", maxSplits: 1).map(String.init)
            }
            guard parts.count == 2 else { return .symbolic("${Fn::GetAtt}", range) }
            return getAtt(parts[0], parts[1], range: range)
        case "Fn::FindInMap":
            guard let items = arg.items, items.count >= 3 else { return .symbolic("${Fn::FindInMap}", range) }
            let keys = items[0..<3].map { resolve($0) }
            if let m = keys[0].text, let k1 = keys[1].text, let k2 = keys[2].text, !m.isSymbolic, !k1.isSymbolic, !k2.isSymbolic,
               let found = mappings?[m.value]?[k1.value]?[k2.value] {
                return relocated(resolve(found), to: range)
            }
            if items.count == 4, let fallback = items[3]["DefaultValue"] {
                return relocated(resolve(fallback), to: range)
            }
            return .symbolic("${Fn::FindInMap}", range)
        case "Fn::Select":
            guard let items = arg.items, items.count == 2 else { return .symbolic("${Fn::Select}", range) }
            let list = resolve(items[1])
            if let index = resolve(items[0]).text.flatMap({ Int($0.value) }), case .list(let values, _) = list,
               values.indices.contains(index) {
                return relocated(values[index], to: range)
            }
            return .symbolic("${Fn::Select}", range)
        case "Fn::Split":
            guard let items = arg.items, items.count == 2, let delimiter = items[0].string, !delimiter.isEmpty else {
                return .symbolic("${Fn::Split}", range)
            }
            let source = resolve(items[1])
            if case .string(let s, _) = source {
                return .list(split(s, by: delimiter).map { .string($0, range) }, range)
            }
            return .symbolic("${Fn::Split}", range)
        case "Fn::If":
            guard let items = arg.items, items.count == 3 else { return .symbolic("${Fn::If}", range) }
            let options = [resolve(items[1]), resolve(items[2])].filter { !Self.isNoValue($0) }
            return .alternatives(options, range)
        case "Fn::ImportValue":
            let what = resolve(arg).text?.value ?? "…"
            return .symbolic("${ImportValue:\(what)}", range)
        default:
            return .symbolic("${\(name)}", range)
        }
    }

    private mutating func ref(_ target: String, range: SourceRange, function: UndefinedReference.Function = .ref) -> Value {
        if target == "AWS::NoValue" { return Self.noValue(range) }
        if target.hasPrefix("AWS::") {
            if let known = pseudoParameters[target] { return .string(known, range) }
            return .symbolic("${\(target)}", range)
        }
        if let parameter = parameter(target) {
            guard let def = parameter.defaultValue else { return .symbolic("${\(target)}", range) }
            let value = resolve(def)
            if parameter.isList, case .string(let s, _) = value {
                return .list(split(s, by: ",").map { .string(trimmed($0), range) }, range)
            }
            return relocated(value, to: range)
        }
        if let resource = resource(target) {
            if resource.type == "AWS::IAM::ManagedPolicy" {
                // `Ref` of a managed policy is its ARN, not its name.
                return getAtt(target, "PolicyArn", range: range)
            }
            if let nameKey = Self.nameProperties[resource.type], let nameNode = resource.properties?[nameKey] {
                let name = resolve(nameNode)
                if let text = name.text { return text.isSymbolic ? .symbolic(text.value, range) : .string(text.value, range) }
            }
            return .symbolic("${\(target)}", range)
        }
        recordUndefined(function, target, range)
        return .symbolic("${\(target)}", range)
    }

    /// The ARN `getAtt` spelled for each resource so far, whether it is symbolic and the depth it
    /// was spelled at: it depends on nothing but the resource (and, past any real template's
    /// nesting, on the depth), and a template may name the same one from every role.
    private var arns: [String: (text: String, isSymbolic: Bool, depth: Int)] = [:]

    private mutating func getAtt(_ resourceName: String, _ attribute: String, range: SourceRange) -> Value {
        let resource = resource(resourceName)
        if resource == nil { recordUndefined(.getAtt, resourceName, range) }
        guard let resource, let arnType = Self.arnTypes[resource.type],
              attribute == "Arn" || (attribute == "PolicyArn" && resource.type == "AWS::IAM::ManagedPolicy") else {
            return .symbolic("${\(resourceName).\(attribute)}", range)
        }
        // Spelled once per resource and depth: resolving the name and path again could only
        // record the same undefined references again, which are reported once each.
        if let known = arns[resourceName], known.depth == depth {
            return known.isSymbolic ? .symbolic(known.text, range) : .string(known.text, range)
        }
        let arn = arn(of: resource, named: resourceName, type: arnType)
        arns[resourceName] = (arn.text, arn.isSymbolic, depth)
        return arn.isSymbolic ? .symbolic(arn.text, range) : .string(arn.text, range)
    }

    /// The ARN of `resource`, declared as `resourceName`, of ARN type `arnType`.
    private mutating func arn(of resource: Resource, named resourceName: String, type arnType: String) -> (text: String, isSymbolic: Bool) {
        var name = "${\(resourceName)}"
        if let nameKey = Self.nameProperties[resource.type], let nameNode = resource.properties?[nameKey],
           let text = resolve(nameNode).text {
            name = text.value
        }
        var path = "/"
        if let p = resource.properties?["Path"].map({ resolve($0) })?.text, !p.isSymbolic { path = p.value }
        let partition = pseudoParameters["AWS::Partition"] ?? "${AWS::Partition}"
        let account = pseudoParameters["AWS::AccountId"] ?? "${AWS::AccountId}"
        let arn = "arn:\(partition):iam::\(account):\(arnType)\(path)\(name)"
        return (arn, arn.contains("${"))
    }

    private mutating func sub(_ arg: Node, range: SourceRange) -> Value {
        var template: String
        var variables: [String: Value] = [:]
        if let s = arg.string {
            template = s
        } else if let items = arg.items, items.count >= 1, let s = items[0].string {
            template = s
            if items.count > 1 {
                for entry in items[1].entries ?? .empty { variables[entry.key] = resolve(entry.value) }
            }
        } else {
            return .symbolic("${Fn::Sub}", range)
        }
        // The template is scanned as UTF-8 bytes: `$`, `{` and `}` are ASCII, so they never occur
        // inside a multi-byte character and the text between them is copied whole.
        var output: [UInt8] = []
        var symbolic = false
        let bytes = Array(template.utf8)
        output.reserveCapacity(bytes.count)
        var i = 0
        while let dollar = Self.firstIndex(of: UInt8(ascii: "$"), in: bytes, from: i) {
            output.append(contentsOf: bytes[i..<dollar])
            let afterDollar = dollar + 1
            guard afterDollar < bytes.count, bytes[afterDollar] == UInt8(ascii: "{"),
                  let close = Self.firstIndex(of: UInt8(ascii: "}"), in: bytes, from: afterDollar) else {
                output.append(UInt8(ascii: "$"))
                i = afterDollar
                continue
            }
            let name = String(decoding: bytes[(afterDollar + 1)..<close], as: UTF8.self)
            i = close + 1
            if name.hasPrefix("!") {
                output.append(contentsOf: "${\(name.dropFirst())}".utf8)
                continue
            }
            let trimmedName = trimmed(name)
            let value: Value
            if let v = variables[trimmedName] {
                value = v
            } else if let dot = Self.firstDot(in: trimmedName), resource(String(trimmedName[..<dot])) != nil {
                value = getAtt(String(trimmedName[..<dot]), String(trimmedName[trimmedName.index(after: dot)...]), range: range)
            } else {
                value = ref(trimmedName, range: range, function: .sub)
            }
            switch value {
            case .string(let s, _): output.append(contentsOf: s.utf8)
            case .symbolic(let s, _):
                output.append(contentsOf: s.utf8)
                symbolic = true
            default:
                output.append(contentsOf: "${\(trimmedName)}".utf8)
                symbolic = true
            }
        }
        output.append(contentsOf: bytes[i...])
        let text = String(decoding: output, as: UTF8.self)
        return symbolic ? .symbolic(text, range) : .string(text, range)
    }

    /// `text.firstIndex(of: ".")`: found on the bytes when the text is ASCII (each byte is then a
    /// character, but for `\r\n`, which holds no dot).
    private static func firstDot(in text: String) -> String.Index? {
        let utf8 = text.utf8
        guard utf8.allSatisfy({ $0 < 0x80 }) else { return text.firstIndex(of: ".") }
        return utf8.firstIndex(of: UInt8(ascii: "."))
    }

    private static func firstIndex(of byte: UInt8, in bytes: [UInt8], from start: Int) -> Int? {
        bytes.withUnsafeBufferPointer { ByteSearch.firstIndex(of: byte, in: $0, from: start) }
    }

    /// A value produced elsewhere (a parameter default, a mapping) reported where it is used.
    private func relocated(_ value: Value, to range: SourceRange) -> Value {
        switch value {
        case .string(let s, _): return .string(s, range)
        case .symbolic(let s, _): return .symbolic(s, range)
        case .null: return .null(range)
        case .list(let items, _): return .list(items.map { relocated($0, to: range) }, range)
        case .alternatives(let items, _): return .alternatives(items.map { relocated($0, to: range) }, range)
        case .map(let entries, _):
            return .map(entries.map { ValueEntry(key: $0.key, keyRange: range, value: relocated($0.value, to: range)) }, range)
        }
    }

    private func split(_ s: String, by delimiter: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(s)
        while let r = rest.range(of: delimiter) {
            parts.append(String(rest[rest.startIndex..<r.lowerBound]))
            rest = rest[r.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }

    private func trimmed(_ s: String) -> String {
        var sub = Substring(s)
        while let f = sub.first, f == " " || f == "\t" { sub = sub.dropFirst() }
        while let l = sub.last, l == " " || l == "\t" { sub = sub.dropLast() }
        return String(sub)
    }
}

extension Substring {
    /// The first range of `needle`, without Foundation.
    func range(of needle: String) -> Range<Substring.Index>? {
        guard !needle.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(needle) {
                return i..<self.index(i, offsetBy: needle.count)
            }
            i = index(after: i)
        }
        return nil
    }
}
