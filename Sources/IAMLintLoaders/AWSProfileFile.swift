import IAMLintCore

/// Which of the two AWS CLI files a text came from; they name profile sections differently.
public enum AWSFileKind: String, Sendable, Hashable {
    /// `~/.aws/config`: `[default]`, `[profile NAME]`, `[sso-session NAME]`, `[services NAME]`.
    case config
    /// `~/.aws/credentials`: `[NAME]` (a `profile ` prefix makes the section ignored).
    case credentials
}

/// One property of a profile, with its key lower-cased (keys are case-insensitive).
public struct AWSProfileProperty: Sendable {
    /// Lower-cased.
    public var key: String
    /// The raw value; for a nested section (`s3 =` followed by indented lines) the text of those
    /// lines, each after a `\n`, and their parsed form in `subProperties`.
    public var value: String
    public var keyRange: SourceRange
    public var valueRange: SourceRange
    /// Nested `key = value` lines, keyed by lower-cased key (last one wins; invalid names dropped).
    public var subProperties: [String: AWSProfileProperty]
    /// The file the property was read from (matters after `AWSProfileFile.merged`).
    public var source: AWSFileKind

    public init(key: String, value: String, keyRange: SourceRange, valueRange: SourceRange,
                subProperties: [String: AWSProfileProperty] = [:], source: AWSFileKind = .config) {
        self.key = key
        self.value = value
        self.keyRange = keyRange
        self.valueRange = valueRange
        self.subProperties = subProperties
        self.source = source
    }
}

/// A profile, `sso-session` or `services` section, with the properties of every header that
/// defines it merged (last definition of a key wins).
public struct AWSProfileSection: Sendable {
    public enum Kind: Sendable, Hashable {
        case profile
        case ssoSession
        case services
    }

    public var kind: Kind
    /// The name without its prefix: `dev` for `[profile dev]`, `default` for `[default]`.
    public var name: String
    /// The `[...]` header of the first definition (for `default` in a config file: the first
    /// `[profile default]` if there is one, since it overrides `[default]`).
    public var headerRange: SourceRange
    /// Merged, last wins, keys lower-cased.
    public var properties: [String: AWSProfileProperty]
    /// Lower-cased keys in order of first appearance.
    public var propertyOrder: [String]
    /// The file the header was read from.
    public var source: AWSFileKind

    public init(kind: Kind, name: String, headerRange: SourceRange, properties: [String: AWSProfileProperty] = [:],
                propertyOrder: [String] = [], source: AWSFileKind = .config) {
        self.kind = kind
        self.name = name
        self.headerRange = headerRange
        self.properties = properties
        self.propertyOrder = propertyOrder
        self.source = source
    }

    /// The value of `key` (case-insensitive), or nil.
    public subscript(key: String) -> String? {
        properties[key.lowercased()]?.value
    }

    /// The property for `key` (case-insensitive), or nil.
    public func property(_ key: String) -> AWSProfileProperty? {
        properties[key.lowercased()]
    }

    /// Properties in order of first appearance.
    public var orderedProperties: [AWSProfileProperty] {
        propertyOrder.compactMap { properties[$0] }
    }
}

/// A section header the AWS CLI and SDKs skip, and why (e.g. `[dev]` without `profile ` in a
/// config file). Rules may want to point at these: they are almost always mistakes.
public struct AWSIgnoredSection: Sendable {
    /// The trimmed text between the brackets.
    public var header: String
    public var range: SourceRange
    public var reason: String

    public init(header: String, range: SourceRange, reason: String) {
        self.header = header
        self.range = range
        self.reason = reason
    }
}

/// An AWS CLI `config` or `credentials` file read into profiles with the SDKs' shared rules
/// (the AWS SDK profile-parser conformance vectors):
///
/// - config: `[profile NAME]` (space or tab after `profile`), `[default]`, `[sso-session NAME]`,
///   `[services NAME]`; `[profile default]` overrides `[default]` wherever it appears (the
///   unprefixed one is then ignored); any other section is ignored.
/// - credentials: `[NAME]`; a section with the `profile ` prefix is ignored.
/// - Names must be non-empty and use only `A-Z a-z 0-9 - / . % @ _ : +`; sections with other names
///   and properties with other keys are ignored.
/// - Sections that repeat merge their properties; property keys are case-insensitive (lower-cased)
///   and the last definition wins.
///
/// Diagnostics: the INI syntax errors, plus a `.duplicateKey` for a section or key repeated in one
/// file — the SDKs merge them, but botocore (the AWS CLI) refuses such a file.
public struct AWSProfileFile: Sendable {
    public var kind: AWSFileKind
    public var profiles: [String: AWSProfileSection]
    public var ssoSessions: [String: AWSProfileSection]
    /// `[services NAME]` sections (config files only).
    public var services: [String: AWSProfileSection]
    /// Profile names in order of first appearance.
    public var profileOrder: [String]
    /// Headers that define nothing, in file order.
    public var ignoredSections: [AWSIgnoredSection]
    public var diagnostics: [ParseDiagnostic]

    public init(kind: AWSFileKind, profiles: [String: AWSProfileSection] = [:], ssoSessions: [String: AWSProfileSection] = [:],
                services: [String: AWSProfileSection] = [:], profileOrder: [String] = [],
                ignoredSections: [AWSIgnoredSection] = [], diagnostics: [ParseDiagnostic] = []) {
        self.kind = kind
        self.profiles = profiles
        self.ssoSessions = ssoSessions
        self.services = services
        self.profileOrder = profileOrder
        self.ignoredSections = ignoredSections
        self.diagnostics = diagnostics
    }

    public var hasSyntaxError: Bool {
        diagnostics.contains { if case .syntax = $0.kind { return true } else { return false } }
    }

    /// Profiles in order of first appearance.
    public var orderedProfiles: [AWSProfileSection] {
        profileOrder.compactMap { profiles[$0] }
    }

    public static func parse(_ text: String, kind: AWSFileKind) -> AWSProfileFile {
        let ini = INIParser.parse(text)
        var file = AWSProfileFile(kind: kind, diagnostics: ini.diagnostics)

        // Group the headers by what they define, in order of first appearance.
        var groups: [Target: [INISection]] = [:]
        var groupOrder: [Target] = []
        for section in ini.sections {
            switch classify(section.name, kind: kind) {
            case .ignored(let reason):
                file.ignoredSections.append(AWSIgnoredSection(header: section.name, range: section.range, reason: reason))
            case .target(let target):
                if groups[target] == nil { groupOrder.append(target) }
                groups[target, default: []].append(section)
            }
        }

        // `[profile default]` overrides `[default]` in a config file.
        if groups[.profile("default")] != nil, let unprefixed = groups.removeValue(forKey: .unprefixedDefault) {
            for section in unprefixed {
                file.ignoredSections.append(AWSIgnoredSection(
                    header: section.name, range: section.range,
                    reason: "'[default]' is ignored because the file also defines '[profile default]'"))
            }
            file.ignoredSections.sort { $0.range.start < $1.range.start }
        }

        for target in groupOrder {
            guard let sections = groups[target] else { continue }
            let merged = merge(sections, target: target, source: kind, diagnostics: &file.diagnostics)
            switch merged.kind {
            case .profile:
                if file.profiles[merged.name] == nil { file.profileOrder.append(merged.name) }
                file.profiles[merged.name] = merged
            case .ssoSession:
                file.ssoSessions[merged.name] = merged
            case .services:
                file.services[merged.name] = merged
            }
        }

        file.diagnostics = file.diagnostics.enumerated()
            .sorted { ($0.element.range.start, $0.offset) < ($1.element.range.start, $1.offset) }
            .map(\.element)
        return file
    }

    /// The profiles the SDKs see when both files are present: per profile, the properties of both
    /// files, the credentials file winning for a key set in both. Sections and header ranges come
    /// from the config file where the profile is in both.
    public static func merged(config: AWSProfileFile?, credentials: AWSProfileFile?) -> [String: AWSProfileSection] {
        var result = config?.profiles ?? [:]
        guard let credentials else { return result }
        for name in credentials.profileOrder {
            guard let profile = credentials.profiles[name] else { continue }
            guard var existing = result[name] else {
                result[name] = profile
                continue
            }
            for key in profile.propertyOrder {
                guard let property = profile.properties[key] else { continue }
                if existing.properties[key] == nil { existing.propertyOrder.append(key) }
                existing.properties[key] = property
            }
            result[name] = existing
        }
        return result
    }

    /// Profile names from `merged(config:credentials:)` in a stable order: the config file's order,
    /// then profiles only in the credentials file.
    public static func mergedOrder(config: AWSProfileFile?, credentials: AWSProfileFile?) -> [String] {
        var order = config?.profileOrder ?? []
        let known = Set(order)
        order += (credentials?.profileOrder ?? []).filter { !known.contains($0) }
        return order
    }

    // MARK: Names

    /// True if `name` is a valid profile, section or property name for the SDKs.
    public static func isValidIdentifier(_ name: String) -> Bool {
        guard !name.isEmpty else { return false }
        for b in name.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                continue
            case UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "."), UInt8(ascii: "%"), UInt8(ascii: "@"),
                 UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "+"):
                continue
            default:
                return false
            }
        }
        return true
    }

    private enum Target: Hashable {
        case profile(String)
        case unprefixedDefault
        case ssoSession(String)
        case services(String)
    }

    private enum Classification {
        case target(Target)
        case ignored(String)
    }

    /// The rest of `header` after `prefix` and at least one space or tab, trimmed; nil if `header`
    /// does not start that way.
    private static func rest(of header: String, after prefix: String) -> String? {
        let bytes = Array(header.utf8)
        let p = Array(prefix.utf8)
        guard bytes.count > p.count, bytes.starts(with: p) else { return nil }
        let separator = bytes[p.count]
        guard separator == 0x20 || separator == 0x09 else { return nil }
        var start = p.count
        while start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        return String(decoding: bytes[start...], as: UTF8.self)
    }

    private static func classify(_ header: String, kind: AWSFileKind) -> Classification {
        let target: Target
        let name: String
        let what: String
        switch kind {
        case .config:
            if let profile = rest(of: header, after: "profile") {
                (target, name, what) = (.profile(profile), profile, "profile")
            } else if header == "default" {
                (target, name, what) = (.unprefixedDefault, header, "profile")
            } else if let session = rest(of: header, after: "sso-session") {
                (target, name, what) = (.ssoSession(session), session, "sso-session")
            } else if let service = rest(of: header, after: "services") {
                (target, name, what) = (.services(service), service, "services")
            } else {
                return .ignored("a config file ignores '[\(header)]': profile sections need the 'profile ' prefix (only '[default]' may omit it)")
            }
        case .credentials:
            if rest(of: header, after: "profile") != nil {
                return .ignored("a credentials file ignores '[\(header)]': profile sections there have no 'profile ' prefix")
            }
            (target, name, what) = (.profile(header), header, "profile")
        }
        guard isValidIdentifier(name) else {
            return .ignored("'[\(header)]' is ignored: invalid \(what) name '\(name)' (allowed: letters, digits and - / . % @ _ : +)")
        }
        return .target(target)
    }

    private static func merge(_ sections: [INISection], target: Target, source: AWSFileKind,
                              diagnostics: inout [ParseDiagnostic]) -> AWSProfileSection {
        let kind: AWSProfileSection.Kind
        let name: String
        switch target {
        case .profile(let n): (kind, name) = (.profile, n)
        case .unprefixedDefault: (kind, name) = (.profile, "default")
        case .ssoSession(let n): (kind, name) = (.ssoSession, n)
        case .services(let n): (kind, name) = (.services, n)
        }
        let first = sections[0]
        var result = AWSProfileSection(kind: kind, name: name, headerRange: first.range, source: source)
        for (index, section) in sections.enumerated() {
            if index > 0 {
                diagnostics.append(ParseDiagnostic(
                    kind: .duplicateKey(key: section.name, first: first.range),
                    message: "duplicate section '[\(section.name)]' (first defined at line \(first.range.start.line), column \(first.range.start.column)); its properties are merged",
                    range: section.range))
            }
            for raw in section.properties where isValidIdentifier(raw.key) {
                let key = raw.key.lowercased()
                if let previous = result.properties[key] {
                    diagnostics.append(ParseDiagnostic(
                        kind: .duplicateKey(key: key, first: previous.keyRange),
                        message: "duplicate key '\(raw.key)' (first defined at line \(previous.keyRange.start.line), column \(previous.keyRange.start.column)); the last one wins",
                        range: raw.keyRange))
                } else {
                    result.propertyOrder.append(key)
                }
                result.properties[key] = property(raw, source: source)
            }
        }
        return result
    }

    private static func property(_ raw: INIProperty, source: AWSFileKind) -> AWSProfileProperty {
        var subProperties: [String: AWSProfileProperty] = [:]
        for sub in raw.subProperties where isValidIdentifier(sub.key) {
            let key = sub.key.lowercased()
            subProperties[key] = AWSProfileProperty(key: key, value: sub.value, keyRange: sub.keyRange,
                                                    valueRange: sub.valueRange, source: source)
        }
        return AWSProfileProperty(key: raw.key.lowercased(), value: raw.value, keyRange: raw.keyRange,
                                  valueRange: raw.valueRange, subProperties: subProperties, source: source)
    }
}
