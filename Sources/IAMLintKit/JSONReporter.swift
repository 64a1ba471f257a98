import IAMLintCore

/// `--format json`: a documented, versioned report (`"version": 1`); fields are only ever added.
public struct JSONReporter: Reporter {
    public static let formatVersion = 1
    public var includeSuppressed: Bool
    /// Threads that write findings side by side (the report is the same for any number).
    public var threads: Int

    public init(includeSuppressed: Bool = false, threads: Int = 1) {
        self.includeSuppressed = includeSuppressed
        self.threads = threads
    }

    public func render(_ result: LintResult) -> String {
        JSONStream.text(document(result), threads: threads)
    }

    /// Writes the report in pieces of about 64 KiB: the findings are written into the bytes one at
    /// a time, so that a large report costs no more memory than one piece.
    public func write(_ result: LintResult, to output: ([UInt8]) -> Void) {
        write(result, pieceSize: 1 << 16, to: output)
    }

    /// `write(_:to:)` with pieces of at least `pieceSize` bytes (but the last).
    public func write(_ result: LintResult, pieceSize: Int, to output: ([UInt8]) -> Void) {
        JSONStream.write(document(result), threads: threads, pieceSize: pieceSize, to: output)
    }

    /// The report, findings written on demand.
    private func document(_ result: LintResult) -> JSONStream {
        let findings = result.findings
        var members: [(String, JSONStream)] = [
            ("version", .value(.int(Self.formatVersion))),
            ("tool", .value(.object([("name", .string("iamlint")), ("version", .string(IAMLintVersion.current))]))),
            ("findings", .items(count: findings.count) { i, _, out in
                Self.writeFinding(findings[i], key: result.key(findings[i]), into: &out)
            }),
        ]
        if includeSuppressed {
            let suppressed = result.suppressed
            members.append(("suppressed", .items(count: suppressed.count) { i, _, out in
                let s = suppressed[i]
                Self.writeFinding(s.finding, key: result.key(s.finding), into: &out) { object, out in
                    object.key("suppression", into: &out)
                    var suppression = JSONObjectWriter(indent: object.indent + 1)
                    suppression.string("kind", s.kind.rawValue, into: &out)
                    suppression.string("justification", s.justification, into: &out)
                    suppression.end(into: &out)
                }
            }))
        }
        members.append(("staleBaselineEntries", .value(.array(result.staleBaseline.keys.sorted().map { key in
            .object([("rule", .string(key.rule)), ("file", .string(key.file)), ("location", .string(key.location)),
                     ("subject", .string(key.subject)), ("count", .int(result.staleBaseline[key] ?? 0)), ("fingerprint", .string(key.fingerprint))])
        }))))
        // Counted in one pass, without grouping the findings into arrays per severity.
        var errors = 0, warnings = 0, notes = 0
        for finding in findings {
            switch finding.severity {
            case .error: errors += 1
            case .warning: warnings += 1
            case .note: notes += 1
            }
        }
        members.append(("summary", .value(.object([
            ("findings", .int(result.findings.count)),
            ("errors", .int(errors)),
            ("warnings", .int(warnings)),
            ("notes", .int(notes)),
            ("suppressed", .int(result.suppressed.count)),
            ("filesScanned", .int(result.scannedFiles.count)),
            ("filesSkipped", .int(result.skipped.count)),
        ]))))
        return .object(members)
    }

    /// Writes a finding's object, at the indentation of an item of the report's lists, straight
    /// into `out`, laid out as `JSONValue` would print it (no `JSONValue` is built for it: that
    /// cost more than the rest of the report); `extra` writes members after `related`.
    static func writeFinding(
        _ f: Finding, key: FindingKey, into out: inout [UInt8],
        extra: (inout JSONObjectWriter, inout [UInt8]) -> Void = { _, _ in }
    ) {
        var object = JSONObjectWriter(indent: 2)
        object.string("rule", f.rule.code, into: &out)
        object.string("slug", f.rule.slug, into: &out)
        object.string("severity", f.severity.rawValue, into: &out)
        object.string("message", f.message, into: &out)
        object.string("file", f.location.file, into: &out)
        object.int("line", f.location.range.start.line, into: &out)
        object.int("column", f.location.range.start.column, into: &out)
        object.int("endLine", f.location.range.end.line, into: &out)
        object.int("endColumn", f.location.range.end.column, into: &out)
        object.string("logicalLocation", f.logicalLocation, into: &out)
        object.string("subject", f.subject, into: &out)
        object.key("fingerprint", into: &out)
        key.writeFingerprint(into: &out)
        object.key("related", into: &out)
        if f.related.isEmpty {
            out.append(UInt8(ascii: "["))
            out.append(UInt8(ascii: "]"))
        } else {
            out.append(UInt8(ascii: "["))
            for (i, r) in f.related.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "\n"))
                JSONValue.writeIndent(object.indent + 2, into: &out)
                var related = JSONObjectWriter(indent: object.indent + 2)
                related.string("file", r.location.file, into: &out)
                related.int("line", r.location.line, into: &out)
                related.int("column", r.location.column, into: &out)
                related.string("message", r.message, into: &out)
                related.end(into: &out)
            }
            out.append(UInt8(ascii: "\n"))
            JSONValue.writeIndent(object.indent + 1, into: &out)
            out.append(UInt8(ascii: "]"))
        }
        extra(&object, &out)
        object.end(into: &out)
    }
}
