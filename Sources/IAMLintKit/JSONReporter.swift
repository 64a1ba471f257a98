import IAMLintCore

/// `--format json`: a documented, versioned report (`"version": 1`); fields are only ever added.
public struct JSONReporter: Reporter {
    public static let formatVersion = 1
    public var includeSuppressed: Bool

    public init(includeSuppressed: Bool = false) {
        self.includeSuppressed = includeSuppressed
    }

    public func render(_ result: LintResult) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        JSONValue.writeDocument(document(result), into: &out, flush: { _ in })
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes the report in pieces of about 64 KiB: the findings are turned into values and text
    /// one at a time, so that a large report costs no more memory than one piece.
    public func write(_ result: LintResult, to output: ([UInt8]) -> Void) {
        write(result, pieceSize: 1 << 16, to: output)
    }

    /// `write(_:to:)` with pieces of at least `pieceSize` bytes (but the last).
    public func write(_ result: LintResult, pieceSize: Int, to output: ([UInt8]) -> Void) {
        var out: [UInt8] = []
        out.reserveCapacity(min(pieceSize, 1 << 20) + 4096)
        JSONValue.writeDocument(document(result), into: &out) { out in
            guard out.count >= pieceSize else { return }
            output(out)
            out.removeAll(keepingCapacity: true)
        }
        if !out.isEmpty { output(out) }
    }

    /// The report's members, findings made on demand.
    private func document(_ result: LintResult) -> [(String, JSONValue.Member)] {
        let findings = result.findings
        var members: [(String, JSONValue.Member)] = [
            ("version", .value(.int(Self.formatVersion))),
            ("tool", .value(.object([("name", .string("iamlint")), ("version", .string(IAMLintVersion.current))]))),
            ("findings", .items(count: findings.count) { Self.finding(findings[$0], key: result.key(findings[$0])) }),
        ]
        if includeSuppressed {
            let suppressed = result.suppressed
            members.append(("suppressed", .items(count: suppressed.count) { i in
                let s = suppressed[i]
                return Self.finding(s.finding, key: result.key(s.finding), extra: [("suppression", .object([("kind", .string(s.kind.rawValue)), ("justification", .string(s.justification))]))])
            }))
        }
        members.append(("staleBaselineEntries", .value(.array(result.staleBaseline.keys.sorted().map { key in
            .object([("rule", .string(key.rule)), ("file", .string(key.file)), ("location", .string(key.location)),
                     ("subject", .string(key.subject)), ("count", .int(result.staleBaseline[key] ?? 0)), ("fingerprint", .string(key.fingerprint))])
        }))))
        let counts = Dictionary(grouping: result.findings, by: \.severity).mapValues(\.count)
        members.append(("summary", .value(.object([
            ("findings", .int(result.findings.count)),
            ("errors", .int(counts[.error] ?? 0)),
            ("warnings", .int(counts[.warning] ?? 0)),
            ("notes", .int(counts[.note] ?? 0)),
            ("suppressed", .int(result.suppressed.count)),
            ("filesScanned", .int(result.scannedFiles.count)),
            ("filesSkipped", .int(result.skipped.count)),
        ]))))
        return members
    }

    static func finding(_ f: Finding, key: FindingKey, extra: [(String, JSONValue)] = []) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("rule", .string(f.rule.code)),
            ("slug", .string(f.rule.slug)),
            ("severity", .string(f.severity.rawValue)),
            ("message", .string(f.message)),
            ("file", .string(f.location.file)),
            ("line", .int(f.location.range.start.line)),
            ("column", .int(f.location.range.start.column)),
            ("endLine", .int(f.location.range.end.line)),
            ("endColumn", .int(f.location.range.end.column)),
            ("logicalLocation", .string(f.logicalLocation)),
            ("subject", .string(f.subject)),
            ("fingerprint", .string(key.fingerprint)),
            ("related", .array(f.related.map { r in
                .object([("file", .string(r.location.file)), ("line", .int(r.location.line)), ("column", .int(r.location.column)), ("message", .string(r.message))])
            })),
        ]
        members += extra
        return .object(members)
    }
}
