import IAMLintCore
import IAMLintModel

// Shared helpers of the secrets and organisation rules (IAM501–IAM505, IAM601–IAM604): reading
// inventory items and telling how a secret-bearing property gets its value.

extension Value {
    /// The value itself, or every branch of `Fn::If` alternatives (nested ones flattened).
    var ifBranches: [Value] {
        if case .alternatives(let options, _) = self { return options.flatMap(\.ifBranches) }
        return [self]
    }

    /// `true` or `false` (any case) of a resolved scalar; nil for anything else.
    var literalBool: Bool? {
        guard case .string(let s, _) = self else { return nil }
        switch s.lowercased() {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }

    /// A resolved whole number; nil for anything else.
    var literalInt: Int? {
        guard case .string(let s, _) = self else { return nil }
        return Int(s)
    }

    /// True for a value unknown until deployment (a `${…}` placeholder).
    var isPlaceholder: Bool {
        if case .symbolic = self { return true }
        return false
    }

    /// True for a resolved string that is not empty.
    var isNonEmptyLiteral: Bool {
        if case .string(let s, _) = self { return !s.isEmpty }
        return false
    }
}

extension InventoryItem {
    var isTerraform: Bool { sourceType.hasPrefix("aws_") }

    /// The name to show: the literal value of `nameKey` when there is one, else the logical id or address.
    func displayName(nameKey: String) -> String {
        if let text = properties[nameKey]?.text, !text.isSymbolic, !text.value.isEmpty { return text.value }
        return logicalName
    }

    /// Every branch of property `name` (one per `Fn::If` branch), each with its provenance.
    func propertyBranches(_ name: String) -> [(value: Value, provenance: Provenance)] {
        var result: [(Value, Provenance)] = []
        var seen = Set<SourceRange>()
        for branch in properties.ifBranches {
            guard let entry = branch.entry(name) else { continue }
            for value in entry.value.ifBranches where seen.insert(value.range).inserted {
                result.append((value, provenance.child("\(propertyPrefix)\(name)", range: value.range)))
            }
        }
        return result
    }

    /// True when some branch of the properties lacks `name`.
    func lacksProperty(_ name: String) -> Bool {
        properties.ifBranches.contains { $0.entry(name) == nil }
    }

    /// True when the Terraform loader recorded a secret attribute as present.
    func hasPresentSecret(_ name: String) -> Bool {
        properties[name]?.text?.value == "(present)"
    }
}

/// How a secret-bearing CloudFormation property (a password, a private key, an output value)
/// gets its value; see `CloudFormationInventory` in the loader for the reference form.
enum SecretSource {
    /// Written into the template.
    case literal
    /// `{{resolve:secretsmanager:…}}` or `{{resolve:ssm-secure:…}}`.
    case secureDynamicReference
    /// `{{resolve:ssm:…}}`: a plain-text SSM String parameter.
    case plainSSMReference
    /// `Ref` to a template parameter.
    case parameter(name: String, noEcho: Bool, defaultRange: SourceRange?)
    /// Unresolved: not known until deployment.
    case unknown

    init(_ value: Value) {
        switch value {
        case .map:
            if let name = value["Ref"]?.text?.value {
                self = .parameter(
                    name: name, noEcho: value["NoEcho"]?.literalBool ?? false, defaultRange: value.entry("Default")?.value.range)
            } else {
                self = .unknown
            }
        case .string(let s, _):
            if let kind = SecretSource.dynamicReference(in: s) {
                self = kind
            } else {
                self = s.isEmpty ? .unknown : .literal
            }
        case .symbolic(let s, _):
            self = SecretSource.dynamicReference(in: s) ?? .unknown
        default:
            self = .unknown
        }
    }

    private static func dynamicReference(in s: String) -> SecretSource? {
        if s.containsUTF8("{{resolve:secretsmanager:") || s.containsUTF8("{{resolve:ssm-secure:") { return .secureDynamicReference }
        if s.containsUTF8("{{resolve:ssm:") { return .plainSSMReference }
        return nil
    }

    /// A short account of why the value is exposed, or nil when it is not:
    /// `is written in the template`, `comes from parameter 'P', which lacks NoEcho`.
    var exposure: String? {
        switch self {
        case .literal:
            return "is written in the template in plain text"
        case .plainSSMReference:
            return "is read from a plain-text SSM String parameter ({{resolve:ssm:…}}), not ssm-secure or Secrets Manager"
        case .parameter(let name, let noEcho, let defaultRange):
            if !noEcho && defaultRange != nil {
                return "comes from parameter '\(name)', which lacks NoEcho and whose default is written in the template"
            }
            if !noEcho { return "comes from parameter '\(name)', which lacks NoEcho, so the console and API show it" }
            if defaultRange != nil { return "comes from NoEcho parameter '\(name)', whose default is written in the template" }
            return nil
        case .secureDynamicReference, .unknown:
            return nil
        }
    }
}

extension IAMGraph {
    /// The principal a file declares under `logicalName`.
    func principal(logicalName: String, file: String) -> Int? {
        principals.firstIndex { $0.logicalName == logicalName && $0.provenance.file == file && $0.implicitOrigin == nil }
    }
}

enum AccessKeyID {
    /// The key id with all but its first four and last four characters masked: `AKIA************MPLE`.
    static func masked(_ id: String) -> String {
        guard id.count > 8 else { return String(repeating: "*", count: id.count) }
        return String(id.prefix(4)) + String(repeating: "*", count: id.count - 8) + String(id.suffix(4))
    }

    /// Whether `text` is an access key id: `AKIA` or `ASIA` and 16 upper-case letters or digits.
    static func isKeyID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 20, text.hasPrefix("AKIA") || text.hasPrefix("ASIA") else { return false }
        return bytes.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) }
    }
}

/// The source type the loaders give access keys found written in a file (not declared resources).
enum CommittedKeyMarker {
    static let sourceType = "literal"
}

/// A CloudTrail trail's settings under their CloudFormation or Terraform names.
struct TrailView {
    let item: InventoryItem

    var name: String { item.displayName(nameKey: item.isTerraform ? "name" : "TrailName") }

    func key(_ setting: Setting) -> String { item.isTerraform ? setting.terraform : setting.cloudFormation }

    struct Setting {
        var cloudFormation: String
        var terraform: String

        static let multiRegion = Setting(cloudFormation: "IsMultiRegionTrail", terraform: "is_multi_region_trail")
        static let logging = Setting(cloudFormation: "IsLogging", terraform: "enable_logging")
        static let logFileValidation = Setting(cloudFormation: "EnableLogFileValidation", terraform: "enable_log_file_validation")
        static let kmsKey = Setting(cloudFormation: "KMSKeyId", terraform: "kms_key_id")
        static let globalServiceEvents = Setting(cloudFormation: "IncludeGlobalServiceEvents", terraform: "include_global_service_events")
    }

    /// The branches of a boolean setting where it is literally false, with their provenance.
    func falseBranches(_ setting: Setting) -> [(value: Value, provenance: Provenance)] {
        item.propertyBranches(key(setting)).filter { $0.value.literalBool == false }
    }

    /// True when the setting is absent (or null) in some branch: the AWS default applies.
    func isUnset(_ setting: Setting) -> Bool { unsetProvenance(setting) != nil }

    /// Where the setting is left unset: the trail when it is absent, or the `Fn::If` whose other
    /// branch is `AWS::NoValue` (the loader keeps fewer than two branches then); nil when it is set.
    func unsetProvenance(_ setting: Setting) -> Provenance? {
        let name = key(setting)
        if item.lacksProperty(name) { return item.provenance }
        if let property = item.property(name) {
            if case .alternatives(let options, let range) = property.value, options.count < 2 {
                return item.provenance.child("\(item.propertyPrefix)\(name)", range: range)
            }
        }
        for branch in item.propertyBranches(name) {
            if case .null = branch.value { return item.provenance }
        }
        return nil
    }

    /// Whether the setting may be true: literally true, or unknown until deployment.
    func mayBeTrue(_ setting: Setting, default defaultValue: Bool) -> Bool {
        if isUnset(setting) && defaultValue { return true }
        return item.propertyBranches(key(setting)).contains { $0.value.literalBool == true || $0.value.isPlaceholder }
    }

    /// A trail that records every region and is logging, or may be (unknown values are not guessed).
    var mayRecordAllRegions: Bool {
        mayBeTrue(.multiRegion, default: false) && mayBeTrue(.logging, default: true)
    }
}
