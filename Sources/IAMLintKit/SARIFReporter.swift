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

    /// Writes the report in pieces of about 64 KiB: each result is written into the bytes when its
    /// turn comes, so that a large report costs no more memory than a piece (and a few source
    /// files' line hashes).
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
        let shownPathsAreKeys = result.shownPathsAreKeys
        let results = JSONStream.items(count: findings.count + suppressed.count) { k, indent, out in
            let finding: Finding, baseline: StaticString?, suppression: SuppressedFinding?
            if k < findings.count {
                finding = findings[k]
                (baseline, suppression) = (result.usedBaseline ? "new" : nil, nil)
            } else {
                let s = suppressed[k - findings.count]
                finding = s.finding
                (baseline, suppression) = (result.usedBaseline ? "unchanged" : nil, s)
            }
            let fingerprint = FindingKey.fingerprintHash(
                rule: finding.rule.code, file: result.keyFile(of: finding, shownPathsAreKeys: shownPathsAreKeys),
                location: finding.logicalLocationText, subject: finding.subject)
            Self.writeResult(
                finding, fingerprint: fingerprint, ruleIndex: ruleIndex[finding.rule.code], lineHash: lineHashes.hash(finding.location),
                baseline: baseline, suppression: suppression, indent: indent, into: &out)
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

    /// Writes a result's object at indentation level `indent` straight into `out`, laid out as
    /// `JSONValue` would print it, through a `ByteCursor`: no `JSONValue` is built for it (building
    /// one cost about 58,000 instructions a result, half of a whole scan of an organisation).
    /// `fingerprint` is the hash behind the result's `iamlint/v1` fingerprint.
    static func writeResult(
        _ f: Finding, fingerprint: UInt64, ruleIndex: Int?, lineHash: LineHash.Value?, baseline: StaticString?,
        suppression: SuppressedFinding?, indent: Int, into out: inout [UInt8]
    ) {
        let level = indent
        // Spelled once (the finding may keep it in parts).
        let logicalLocation = f.logicalLocation
        let fullyQualifiedName = logicalLocation.isEmpty ? f.location.file : logicalLocation
        let kind = logicalKind(logicalLocation)
        let related = f.related
        // Every member, item start, closing bracket and number at most as long as the deepest.
        let member = ByteCursor.memberBound(indent: level + 4)
        let close = 2 + 2 * (level + 4) + 1
        // 28 members (30 counted), 3 item starts, 13 closing brackets, 5 numbers, the fingerprint
        // and the fixed texts, then the texts of the finding.
        var bound = 30 * member + 3 * close + 13 * close + 5 * ByteCursor.intBound + 18 + 10 + 11 + 12
        bound += ByteCursor.stringBound(f.rule.code.utf8.count) + ByteCursor.stringBound(f.severity.rawValue.utf8.count)
            + ByteCursor.stringBound(f.messageText.utf8Count) + ByteCursor.stringBound(fullyQualifiedName.utf8.count)
            + ByteCursor.stringBound(kind.utf8.count) + 2 + LineHash.Value.spelledBound
            + ByteCursor.stringBound(baseline?.utf8CodeUnitCount ?? 0)
            + ByteCursor.stringBound(suppression.map { $0.kind.rawValue.utf8.count + $0.justification.utf8.count } ?? 0)
            + uriBound(f.location.file)
        for r in related {
            // 13 members (14 counted), the item's start, 5 closing brackets, 5 numbers,
            // `"%SRCROOT%"`, the texts.
            bound += 14 * member + close + 5 * close + 5 * ByteCursor.intBound + 11
                + ByteCursor.stringBound(r.message.utf8.count) + uriBound(r.location.file)
        }
        out.appendWritten(atMost: bound) { cursor in
            cursor.member("ruleId", first: true, indent: level)
            cursor.string(f.rule.code)
            if let ruleIndex {
                cursor.member("ruleIndex", first: false, indent: level)
                cursor.int(ruleIndex)
            }
            cursor.member("level", first: false, indent: level)
            cursor.string(f.severity.rawValue)
            cursor.member("message", first: false, indent: level)
            cursor.member("text", first: true, indent: level + 1)
            cursor.string(f.messageText)
            cursor.close(UInt8(ascii: "}"), indent: level + 1)
            cursor.member("locations", first: false, indent: level)
            cursor.item(first: true, indent: level + 1)
            cursor.member("physicalLocation", first: true, indent: level + 2)
            writePhysicalLocation(f.location, indent: level + 3, into: &cursor)
            cursor.member("logicalLocations", first: false, indent: level + 2)
            cursor.item(first: true, indent: level + 3)
            cursor.member("fullyQualifiedName", first: true, indent: level + 4)
            cursor.string(fullyQualifiedName)
            cursor.member("kind", first: false, indent: level + 4)
            cursor.string(kind)
            cursor.close(UInt8(ascii: "}"), indent: level + 4)
            cursor.close(UInt8(ascii: "]"), indent: level + 3)
            cursor.close(UInt8(ascii: "}"), indent: level + 2)
            cursor.close(UInt8(ascii: "]"), indent: level + 1)
            if !related.isEmpty {
                cursor.member("relatedLocations", first: false, indent: level)
                for (i, r) in related.enumerated() {
                    cursor.item(first: i == 0, indent: level + 1)
                    cursor.member("id", first: true, indent: level + 2)
                    cursor.int(i + 1)
                    cursor.member("physicalLocation", first: false, indent: level + 2)
                    writePhysicalLocation(r.location, indent: level + 3, into: &cursor)
                    cursor.member("message", first: false, indent: level + 2)
                    cursor.member("text", first: true, indent: level + 3)
                    cursor.string(r.message)
                    cursor.close(UInt8(ascii: "}"), indent: level + 3)
                    cursor.close(UInt8(ascii: "}"), indent: level + 2)
                }
                cursor.close(UInt8(ascii: "]"), indent: level + 1)
            }
            cursor.member("partialFingerprints", first: false, indent: level)
            cursor.member("iamlint/v1", first: true, indent: level + 1)
            cursor.quotedHex(fingerprint)
            if let lineHash {
                cursor.member("primaryLocationLineHash", first: false, indent: level + 1)
                cursor.quotedLineHash(lineHash)
            }
            cursor.close(UInt8(ascii: "}"), indent: level + 1)
            if let baseline {
                cursor.member("baselineState", first: false, indent: level)
                cursor.byte(UInt8(ascii: "\""))
                cursor.bytes(baseline)
                cursor.byte(UInt8(ascii: "\""))
            }
            if let suppression {
                cursor.member("suppressions", first: false, indent: level)
                cursor.item(first: true, indent: level + 1)
                cursor.member("kind", first: true, indent: level + 2)
                cursor.string(suppression.kind.rawValue)
                cursor.member("status", first: false, indent: level + 2)
                cursor.bytes("\"accepted\"")
                cursor.member("justification", first: false, indent: level + 2)
                cursor.string(suppression.justification)
                cursor.close(UInt8(ascii: "}"), indent: level + 2)
                cursor.close(UInt8(ascii: "]"), indent: level + 1)
            }
            cursor.close(UInt8(ascii: "}"), indent: level)
        }
    }

    /// The most bytes `writeURI` writes for `file`: quotes, `file://`, three bytes a byte.
    private static func uriBound(_ file: String) -> Int { 2 + 7 + 3 * file.utf8.count }

    /// A location's `physicalLocation` object at indentation level `indent`, as
    /// `physicalLocation(_:)` builds it: at most 6 members, 3 closing brackets, 4 numbers,
    /// `"%SRCROOT%"` and the URI (`uriBound`).
    private static func writePhysicalLocation(_ location: SourceLocation, indent level: Int, into cursor: inout ByteCursor) {
        cursor.member("artifactLocation", first: true, indent: level)
        cursor.member("uri", first: true, indent: level + 1)
        let absolute = isAbsolute(location.file)
        if absolute {
            cursor.byte(UInt8(ascii: "\""))
            cursor.bytes("file://")
            cursor.percentEncoded(location.file)
            cursor.byte(UInt8(ascii: "\""))
        } else {
            cursor.byte(UInt8(ascii: "\""))
            cursor.percentEncoded(location.file)
            cursor.byte(UInt8(ascii: "\""))
            cursor.member("uriBaseId", first: false, indent: level + 1)
            cursor.bytes("\"%SRCROOT%\"")
        }
        cursor.close(UInt8(ascii: "}"), indent: level + 1)
        let r = location.range
        cursor.member("region", first: false, indent: level)
        cursor.member("startLine", first: true, indent: level + 1)
        cursor.int(r.start.line)
        cursor.member("startColumn", first: false, indent: level + 1)
        cursor.int(r.start.column)
        cursor.member("endLine", first: false, indent: level + 1)
        cursor.int(max(r.end.line, r.start.line))
        cursor.member("endColumn", first: false, indent: level + 1)
        cursor.int(r.end.line > r.start.line ? r.end.column : max(r.end.column, r.start.column + 1))
        cursor.close(UInt8(ascii: "}"), indent: level + 1)
        cursor.close(UInt8(ascii: "}"), indent: level)
    }

    /// `file.hasPrefix("/")`, on bytes when the byte after the slash is ASCII (nothing can join
    /// the slash into one character then).
    private static func isAbsolute(_ file: String) -> Bool {
        var bytes = file.utf8.makeIterator()
        guard bytes.next() == UInt8(ascii: "/") else { return false }
        if let next = bytes.next(), next >= 0x80 { return file.hasPrefix("/") }
        return true
    }

    /// A notification's `physicalLocation` as a value (results write theirs with
    /// `writePhysicalLocation`, laid out alike).
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

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }

    static func upperHexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") - 10 + value
    }
}

extension ByteCursor {
    /// `SARIFReporter.percentEncoded(path)`'s bytes (none of which JSON escapes), at most three
    /// bytes for each byte of `path`.
    mutating func percentEncoded(_ path: String) {
        // Native strings lend their bytes (stepping through the UTF-8 view cost ~50 instructions a byte).
        if path.utf8.withContiguousStorageIfAvailable({ percentEncoded(bytes: $0) }) == nil {
            for byte in path.utf8 { percentEncoded(byte) }
        }
    }

    private mutating func percentEncoded(bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes { percentEncoded(byte) }
    }

    @inline(__always)
    private mutating func percentEncoded(_ byte: UInt8) {
        if SARIFReporter.isUnreserved(byte) {
            self.byte(byte)
        } else {
            self.byte(UInt8(ascii: "%"))
            self.byte(SARIFReporter.upperHexDigit(byte >> 4))
            self.byte(SARIFReporter.upperHexDigit(byte & 0xF))
        }
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
    private var files: [(file: String, hashes: [LineHash.Value])] = []
    private static let kept = 8

    init(readSource: ((String) -> String?)?, absolutePath: @escaping (String) -> String) {
        self.readSource = readSource
        self.absolutePath = absolutePath
    }

    /// The hash of the location's line, nil without a source reader or when the line is not there.
    func hash(_ location: SourceLocation) -> LineHash.Value? {
        guard let readSource else { return nil }
        let line = location.line - 1
        if let hashes = cached(location.file) { return hashes.indices.contains(line) ? hashes[line] : nil }
        let hashes = readSource(absolutePath(location.file)).map(LineHash.values) ?? []
        lock.withLock {
            files.removeAll { $0.file == location.file }
            files.append((location.file, hashes))
            if files.count > Self.kept { files.removeFirst() }
        }
        return hashes.indices.contains(line) ? hashes[line] : nil
    }

    private func cached(_ file: String) -> [LineHash.Value]? {
        lock.withLock {
            guard let i = files.lastIndex(where: { $0.file == file }) else { return nil }
            if i != files.count - 1 { files.append(files.remove(at: i)) }
            return files[files.count - 1].hashes
        }
    }
}
