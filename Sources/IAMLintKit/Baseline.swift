#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IAMLintCore

/// The line-independent identity of a finding: rule, file, logical location and subject.
/// Moving, reformatting or reordering code keeps it; renaming the file or the entity changes it.
public struct FindingKey: Hashable, Sendable, Comparable {
    public var rule: String
    public var file: String
    public var location: String
    public var subject: String

    public init(rule: String, file: String, location: String, subject: String) {
        self.rule = rule
        self.file = file
        self.location = location
        self.subject = subject
    }

    /// The key of a finding as shown (its file path as the finding shows it).
    public init(_ finding: Finding) {
        self.init(rule: finding.rule.code, file: finding.location.file, location: finding.logicalLocation, subject: finding.subject)
    }

    public static func < (a: FindingKey, b: FindingKey) -> Bool {
        (a.file, a.rule, a.location, a.subject) < (b.file, b.rule, b.location, b.subject)
    }

    /// iamlint's own fingerprint: 16 hex digits of FNV-1a over the key; the same in SARIF and the baseline.
    public var fingerprint: String {
        let hash = fingerprintHash
        // 16 lower-case hex digits, zero-padded.
        return String(unsafeUninitializedCapacity: 16) { buffer in
            for i in 0..<16 { buffer[i] = Self.hexDigits[Int((hash >> UInt64(60 - 4 * i)) & 0xF)] }
            return 16
        }
    }

    /// FNV-1a over the key's parts, each followed by a 0x1F separator.
    private var fingerprintHash: UInt64 {
        Self.fingerprintHash(rule: rule, file: file, location: location, subject: subject)
    }

    /// The hash behind `fingerprint` of the key with these parts, without making the key.
    static func fingerprintHash(rule: String, file: String, location: String, subject: String) -> UInt64 {
        var hash = FNV1a()
        hash.mixPart(rule)
        hash.mixPart(file)
        hash.mixPart(location)
        hash.mixPart(subject)
        return hash.value
    }

    /// `fingerprintHash(rule:file:location:subject:)` of a location kept in parts, mixed part by
    /// part without spelling it.
    static func fingerprintHash(rule: String, file: String, location: MessageText, subject: String) -> UInt64 {
        var hash = FNV1a()
        hash.mixPart(rule)
        hash.mixPart(file)
        location.forEachPart { hash.mix($0) }
        hash.mix(0x1F)
        hash.mixPart(subject)
        return hash.value
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

extension FNV1a {
    /// A part of the fingerprint's key: its bytes, then a 0x1F separator.
    fileprivate mutating func mixPart(_ part: String) {
        mix(part)
        mix(0x1F)
    }
}

/// Accepted findings, kept in `.lint-baseline` at the scanned root.
///
/// The file is versioned, sorted, uses relative paths and no timestamps, with one small block per
/// entry so that a pull request shows exactly which findings were accepted or fixed.
public struct Baseline: Sendable, Equatable {
    public static let currentVersion = 1
    public static let defaultFileName = ".lint-baseline"

    /// How many findings of each key are accepted.
    public var entries: [FindingKey: Int]

    public init(entries: [FindingKey: Int] = [:]) {
        self.entries = entries
    }

    public init(findings: [Finding], key: (Finding) -> FindingKey = FindingKey.init) {
        var entries: [FindingKey: Int] = [:]
        entries.reserveCapacity(findings.count)
        // By position: a `for finding in` loop copies each finding before `key` reads it.
        for index in findings.indices { entries[key(findings[index]), default: 0] += 1 }
        self.entries = entries
    }

    public struct Error: Swift.Error, CustomStringConvertible {
        public var description: String
    }

    /// The outcome of matching findings against the baseline.
    public struct Match: Sendable {
        /// Findings beyond what the baseline accepts: these are reported.
        public var new: [Finding]
        /// Findings the baseline accepts.
        public var suppressed: [Finding]
        /// Entries (with the count left unmatched) that no current finding matches any more.
        public var stale: [FindingKey: Int]
    }

    /// Splits findings into new and baselined, count-aware: a key accepted once suppresses one finding.
    public func match(_ findings: [Finding], key: (Finding) -> FindingKey = FindingKey.init) -> Match {
        var new = findings
        var left = self
        let suppressed = left.extractAccepted(from: &new, key: key) { $0 }
        return Match(new: new, suppressed: suppressed, stale: left.entries.filter { $0.value > 0 })
    }

    /// `match` in place: moves the findings the baseline accepts out of `findings` (the others
    /// stay, in their order) and returns them, in order, each made into what `accept` makes of
    /// it, counting each off `entries`, which are left with what matched nothing.
    ///
    /// An organisation's scan can hold a hundred thousand findings and accept them all: this
    /// keeps one array of them and one table of entries, not three and two.
    public mutating func extractAccepted<Accepted>(
        from findings: inout [Finding], key: (Finding) -> FindingKey = FindingKey.init, as accept: (Finding) -> Accepted
    ) -> [Accepted] {
        var accepted: [Accepted] = []
        accepted.reserveCapacity(Swift.min(findings.count, entries.values.reduce(0, +)))
        var kept = 0
        for position in findings.indices {
            let k = key(findings[position])
            if let left = entries[k], left > 0 {
                entries[k] = left - 1
                accepted.append(accept(findings[position]))
            } else {
                if kept != position { findings.swapAt(kept, position) }
                kept += 1
            }
        }
        findings.removeSubrange(kept...)
        return accepted
    }

    /// The baseline without entries that matched nothing in `match`.
    public func pruned(by match: Match) -> Baseline {
        var entries = self.entries
        for (key, unmatched) in match.stale {
            let left = (entries[key] ?? 0) - unmatched
            entries[key] = left > 0 ? left : nil
        }
        return Baseline(entries: entries)
    }

    // MARK: File format

    public func serialized() -> String {
        var out = """
        # iamlint baseline: accepted findings, matched by rule, file, logical location and subject
        # (never by line). Written by `iamlint baseline`; review changes to it like code.
        version: \(Self.currentVersion)
        findings:

        """
        if entries.isEmpty { return out.replacing("findings:\n", with: "findings: []\n") }
        // Positions sorted, not the keys themselves: moving a key retains and releases its texts.
        let keys = Array(entries)
        for position in keys.indices.sorted(by: { keys[$0].key < keys[$1].key }) {
            let (key, count) = keys[position]
            out += "  - rule: \(key.rule)\n"
            out += "    file: \(Self.quoted(key.file))\n"
            out += "    location: \(Self.quoted(key.location))\n"
            out += "    subject: \(Self.quoted(key.subject))\n"
            if count > 1 { out += "    count: \(count)\n" }
            out += "    fingerprint: \(key.fingerprint)\n"
        }
        return out
    }

    /// Reads a baseline file; a malformed or future-version file is an error naming the position.
    public static func parse(_ text: String, file: String) throws -> Baseline {
        try parse(Array(text.utf8), file: file)
    }

    /// Reads a baseline file's bytes, as `parse(_:file:)` reads its text (an organisation's
    /// baseline is tens of megabytes: read as bytes, it is not held twice).
    public static func parse(_ bytes: [UInt8], file: String) throws -> Baseline {
        // What `serialized()` wrote is read line by line; anything else through the YAML tree.
        let canonical = bytes.withUnsafeBufferPointer { buffer in
            var reader = CanonicalBaselineReader(buffer)
            return reader.read()
        }
        if let canonical { return Baseline(entries: canonical) }
        return try parseYAML(bytes, file: file)
    }

    /// Reads a baseline file's bytes as YAML, whatever its layout.
    static func parseYAML(_ bytes: [UInt8], file: String) throws -> Baseline {
        let parsed = YAMLParser.parse(bytes)
        if let d = parsed.diagnostics.first {
            throw Error(description: "\(file):\(d.range.start.line):\(d.range.start.column): \(d.message)")
        }
        guard let root = parsed.documents.first, root.entries != nil else {
            throw Error(description: "\(file):1:1: not a baseline file (expected `version:` and `findings:`)")
        }
        guard let versionEntry = root.entry("version"), let version = versionEntry.value.string.flatMap({ Int($0) }) else {
            throw Error(description: "\(file):1:1: missing `version:`")
        }
        guard version <= currentVersion, version >= 1 else {
            throw Error(description: "\(file):\(versionEntry.value.range.start.line):\(versionEntry.value.range.start.column): baseline version \(version) is not supported by this iamlint (\(currentVersion)); upgrade iamlint")
        }
        for entry in root.entries ?? .empty where entry.key != "version" && entry.key != "findings" {
            throw Error(description: "\(file):\(entry.keyRange.start.line):\(entry.keyRange.start.column): unknown key '\(entry.key)'")
        }
        guard let list = root["findings"], let items = list.items else {
            throw Error(description: "\(file):1:1: `findings:` must be a list")
        }
        var entries = EntryTable(capacity: items.count)
        for item in items {
            func at() -> String { "\(file):\(item.range.start.line):\(item.range.start.column)" }
            guard let fields = item.entries else { throw Error(description: "\(at()): a finding must be a mapping") }
            for field in fields where !Self.entryKeys.contains(field.key) {
                throw Error(description: "\(file):\(field.keyRange.start.line):\(field.keyRange.start.column): unknown key '\(field.key)'")
            }
            guard let rule = item["rule"]?.string, let path = item["file"]?.string else {
                throw Error(description: "\(at()): a finding needs `rule` and `file`")
            }
            var count = 1
            if let c = item["count"] {
                guard let n = c.string.flatMap({ Int($0) }), n > 0 else {
                    throw Error(description: "\(file):\(c.range.start.line):\(c.range.start.column): `count` must be a positive number")
                }
                count = n
            }
            entries.add(rule: rule, file: path, location: item["location"]?.string ?? "", subject: item["subject"]?.string ?? "", count: count)
        }
        return Baseline(entries: entries.entries)
    }

    /// The entries of a baseline file as its readers collect them: a key met again adds its
    /// count, and entries (sorted by file) share the previous entry's file string.
    struct EntryTable {
        private(set) var entries: [FindingKey: Int] = [:]
        private var previousFile = ""

        init(capacity: Int = 0) {
            entries.reserveCapacity(capacity)
        }

        mutating func add(rule: String, file: String, location: String, subject: String, count: Int) {
            var file = file
            if file == previousFile { file = previousFile } else { previousFile = file }
            entries[FindingKey(rule: rule, file: file, location: location, subject: subject), default: 0] += count
        }
    }

    /// The keys an entry may have.
    private static let entryKeys: Set<String> = ["rule", "file", "location", "subject", "count", "fingerprint"]

    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
