#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IAMLintCore
import IAMLintRules

/// `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
public struct SARIFReporter: Reporter {
    public var includeSuppressed: Bool
    /// Reads a file's text to compute `primaryLocationLineHash`; nil skips that fingerprint.
    public var readSource: ((String) -> String?)?
    /// Threads that write results side by side (the report is the same for any number).
    public var threads: Int

    public init(
        includeSuppressed: Bool = false, threads: Int = 1,
        readSource: ((String) -> String?)? = { try? String(contentsOfFile: $0, encoding: .utf8) }
    ) {
        self.includeSuppressed = includeSuppressed
        self.threads = threads
        self.readSource = readSource
    }

    public func render(_ result: LintResult) -> String {
        JSONStream.text(document(result), threads: threads)
    }

    /// Writes the report in pieces of about 64 KiB: each result is built and written when its turn
    /// comes, so that a large report costs no more memory than a piece (and a few source files'
    /// line hashes).
    public func write(_ result: LintResult, to output: ([UInt8]) -> Void) {
        write(result, pieceSize: 1 << 16, to: output)
    }

    /// `write(_:to:)` with pieces of at least `pieceSize` bytes (but the last).
    public func write(_ result: LintResult, pieceSize: Int, to output: ([UInt8]) -> Void) {
        JSONStream.write(document(result), threads: threads, pieceSize: pieceSize, to: output)
    }

    /// The SARIF log, its results made on demand.
    private func document(_ result: LintResult) -> JSONStream {
        let rules = result.rules
        let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.code, $0) })
        let lineHashes = LineHashCache(readSource: readSource) { result.absolutePath(of: $0) }
        let findings = result.findings
        let suppressed = includeSuppressed ? result.suppressed : []
        let results = JSONStream.items(count: findings.count + suppressed.count) { k, indent, out in
            let value: JSONValue
            if k < findings.count {
                let f = findings[k]
                value = self.result(f, key: result.key(f), ruleIndex: ruleIndex[f.rule.code], lineHash: lineHashes.hash(f.location),
                                    baseline: result.usedBaseline ? "new" : nil, suppression: nil)
            } else {
                let s = suppressed[k - findings.count]
                value = self.result(s.finding, key: result.key(s.finding), ruleIndex: ruleIndex[s.finding.rule.code],
                                    lineHash: lineHashes.hash(s.finding.location), baseline: result.usedBaseline ? "unchanged" : nil, suppression: s)
            }
            value.write(into: &out, indent: indent)
        }
        let notifications: [JSONValue] = result.findings.filter { $0.rule.code == "IAM001" || $0.rule.code == "IAM004" }.map { f in
            .object([
                ("level", .string("error")),
                ("message", .object([("text", .string("\(f.location.file): \(f.message)"))])),
                ("locations", .array([.object([("physicalLocation", physicalLocation(f.location))])])),
                ("descriptor", .object([("id", .string(f.rule.code))])),
            ])
        }
        var run: [(String, JSONStream)] = [
            ("tool", .value(.object([("driver", .object([
                ("name", .string("iamlint")),
                ("version", .string(IAMLintVersion.current)),
                ("semanticVersion", .string(IAMLintVersion.current)),
                ("informationUri", .string(IAMLintVersion.informationURI)),
                ("rules", .array(rules.map(rule))),
            ]))]))),
            ("automationDetails", .value(.object([("id", .string("iamlint/"))]))),
            ("originalUriBaseIds", .value(.object([("%SRCROOT%", .object([("uri", .string(Self.fileURI(directory: result.displayBase)))]))]))),
            ("columnKind", .value(.string("unicodeCodePoints"))),
            ("invocations", .value(.array([.object([
                ("executionSuccessful", .bool(true)),
                ("toolExecutionNotifications", .array(notifications)),
            ])]))),
            ("results", results),
        ]
        if result.usedBaseline {
            run.append(("properties", .value(.object([("staleBaselineEntries", .int(result.staleBaseline.values.reduce(0, +)))]))))
        }
        return .object([
            ("$schema", .value(.string("https://json.schemastore.org/sarif-2.1.0.json"))),
            ("version", .value(.string("2.1.0"))),
            ("runs", .array([.object(run)])),
        ])
    }

    private func rule(_ m: RuleMetadata) -> JSONValue {
        let securitySeverity: String
        switch m.severity {
        case .error: securitySeverity = "8.0"
        case .warning: securitySeverity = "5.0"
        case .note: securitySeverity = "2.0"
        }
        let level = m.severity.rawValue
        var tags = m.tags
        if !tags.contains("security") { tags.insert("security", at: 0) }
        let help = "\(m.rationale)\n\nHow to fix it: \(m.remediation)"
        let markdown = "\(m.summary)\n\n## Why this matters\n\n\(m.rationale)\n\n## How to fix it\n\n\(m.remediation)\n"
            + (m.references.isEmpty ? "" : "\n## References\n\n" + m.references.map { "- <\($0)>\n" }.joined())
        // Built-in rules link to their page; custom rules (never IAM-prefixed) to their first reference.
        let helpURI = m.code.hasPrefix("IAM") ? "\(IAMLintVersion.rulesURL)/\(m.code).md" : m.references.first
        return .object([
            ("id", .string(m.code)),
            ("name", .string(m.slug)),
            ("shortDescription", .object([("text", .string(m.title))])),
            ("fullDescription", .object([("text", .string(m.summary))])),
            ("help", .object([("text", .string(help)), ("markdown", .string(markdown))])),
        ] + (helpURI.map { [("helpUri", JSONValue.string($0))] } ?? []) + [
            ("defaultConfiguration", .object([("level", .string(level)), ("enabled", .bool(m.status == .stable))])),
            ("properties", .object([
                ("tags", .array(tags.map(JSONValue.string))),
                ("precision", .string(m.status == .stable ? "high" : "medium")),
                ("security-severity", .string(securitySeverity)),
                ("problem.severity", .string(level == "note" ? "recommendation" : level)),
            ])),
        ])
    }

    private func result(_ f: Finding, key: FindingKey, ruleIndex: Int?, lineHash: String?, baseline: String?, suppression: SuppressedFinding?) -> JSONValue {
        var fingerprints: [(String, JSONValue)] = [("iamlint/v1", .string(key.fingerprint))]
        if let lineHash { fingerprints.append(("primaryLocationLineHash", .string(lineHash))) }
        var members: [(String, JSONValue)] = [("ruleId", .string(f.rule.code))]
        if let ruleIndex { members.append(("ruleIndex", .int(ruleIndex))) }
        members += [
            ("level", .string(f.severity.rawValue)),
            ("message", .object([("text", .string(f.message))])),
            ("locations", .array([.object([
                ("physicalLocation", physicalLocation(f.location)),
                ("logicalLocations", .array([.object([
                    ("fullyQualifiedName", .string(f.logicalLocation.isEmpty ? f.location.file : f.logicalLocation)),
                    ("kind", .string(Self.logicalKind(f.logicalLocation))),
                ])])),
            ])])),
        ]
        if !f.related.isEmpty {
            members.append(("relatedLocations", .array(f.related.enumerated().map { i, r in
                .object([("id", .int(i + 1)), ("physicalLocation", physicalLocation(r.location)), ("message", .object([("text", .string(r.message))]))])
            })))
        }
        members.append(("partialFingerprints", .object(fingerprints)))
        if let baseline { members.append(("baselineState", .string(baseline))) }
        if let suppression {
            members.append(("suppressions", .array([.object([
                ("kind", .string(suppression.kind.rawValue)),
                ("status", .string("accepted")),
                ("justification", .string(suppression.justification)),
            ])])))
        }
        return .object(members)
    }

    private func physicalLocation(_ location: SourceLocation) -> JSONValue {
        let artifact: JSONValue = location.file.hasPrefix("/")
            ? .object([("uri", .string(Self.fileURI(file: location.file)))])
            : .object([("uri", .string(Self.percentEncoded(location.file))), ("uriBaseId", .string("%SRCROOT%"))])
        let r = location.range
        return .object([
            ("artifactLocation", artifact),
            ("region", .object([
                ("startLine", .int(r.start.line)), ("startColumn", .int(r.start.column)),
                ("endLine", .int(max(r.end.line, r.start.line))), ("endColumn", .int(r.end.line > r.start.line ? r.end.column : max(r.end.column, r.start.column + 1))),
            ])),
        ])
    }

    static func logicalKind(_ path: String) -> String {
        if path.hasPrefix("profile ") { return "object" }
        if path.hasPrefix("Resources.") { return "resource" }
        return path.isEmpty ? "module" : "member"
    }

    static func fileURI(directory: String) -> String {
        fileURI(file: directory.hasSuffix("/") ? directory : directory + "/")
    }

    static func fileURI(file: String) -> String { "file://" + percentEncoded(file) }

    /// `path` with every byte but the unreserved ASCII ones (letters, digits, `-._~`) and `/`
    /// written as `%XX` (upper-case hex), on bytes: every result's location is encoded, and
    /// building the set of allowed characters for each cost more than the rest of the result.
    static func percentEncoded(_ path: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(path.utf8.count)
        for byte in path.utf8 {
            if isUnreserved(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(upperHexDigit(byte >> 4))
                out.append(upperHexDigit(byte & 0xF))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }

    private static func upperHexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") - 10 + value
    }
}

/// The `file://` URI iamlint writes for a folder (exposed for tests that make reports portable).
public enum SARIFReporterPaths {
    public static func fileURI(_ directory: String) -> String { SARIFReporter.fileURI(directory: directory) }
}

/// The GitHub line hashes of the source files that results point into, read when a result first
/// needs them. Results come in output order, file by file, so only the last few files are kept
/// (by each of the threads writing results); a file asked for again is read again.
private final class LineHashCache: @unchecked Sendable {
    private let readSource: ((String) -> String?)?
    private let absolutePath: (String) -> String
    private let lock = Lock()
    /// The most recently used files last.
    private var files: [(file: String, hashes: [String])] = []
    private static let kept = 8

    init(readSource: ((String) -> String?)?, absolutePath: @escaping (String) -> String) {
        self.readSource = readSource
        self.absolutePath = absolutePath
    }

    /// The hash of the location's line, nil without a source reader or when the line is not there.
    func hash(_ location: SourceLocation) -> String? {
        guard let readSource else { return nil }
        let line = location.line - 1
        if let hashes = cached(location.file) { return hashes.indices.contains(line) ? hashes[line] : nil }
        let hashes = readSource(absolutePath(location.file)).map(LineHash.hashes) ?? []
        lock.withLock {
            files.removeAll { $0.file == location.file }
            files.append((location.file, hashes))
            if files.count > Self.kept { files.removeFirst() }
        }
        return hashes.indices.contains(line) ? hashes[line] : nil
    }

    private func cached(_ file: String) -> [String]? {
        lock.withLock {
            guard let i = files.lastIndex(where: { $0.file == file }) else { return nil }
            if i != files.count - 1 { files.append(files.remove(at: i)) }
            return files[files.count - 1].hashes
        }
    }
}
