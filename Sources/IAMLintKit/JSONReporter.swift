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
        let shownPathsAreKeys = result.shownPathsAreKeys
        var members: [(String, JSONStream)] = [
            ("version", .value(.int(Self.formatVersion))),
            ("tool", .value(.object([("name", .string("iamlint")), ("version", .string(IAMLintVersion.current))]))),
            ("findings", .items(count: findings.count) { i, _, out in
                Self.writeFinding(findings[i], keyFile: result.keyFile(of: findings[i], shownPathsAreKeys: shownPathsAreKeys), into: &out)
            }),
        ]
        if includeSuppressed {
            let suppressed = result.suppressed
            members.append(("suppressed", .items(count: suppressed.count) { i, _, out in
                let s = suppressed[i]
                Self.writeFinding(s.finding, keyFile: result.keyFile(of: s.finding, shownPathsAreKeys: shownPathsAreKeys), into: &out) { object, out in
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
        let (errors, warnings, notes) = result.severityCounts()
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
    /// cost more than the rest of the report), through a `ByteCursor`; `keyFile` is the file of
    /// its key (for the fingerprint); `extra` writes members after `related`.
    static func writeFinding(
        _ f: Finding, keyFile: String, into out: inout [UInt8],
        extra: ((inout JSONObjectWriter, inout [UInt8]) -> Void)? = nil
    ) {
        // The indentation of an item of the report's lists: the members' starts below are
        // written for it.
        let indent = 2
        // Each text read out of the finding once (a read is a copy, which retains it).
        let logicalLocation = f.logicalLocationText, message = f.messageText
        let fingerprint = FindingKey.fingerprintHash(rule: f.rule.code, file: keyFile, location: logicalLocation, subject: f.subject)
        let related = f.related
        // 13 members, 4 numbers, the fingerprint, `[]` and the closing brace, then the texts.
        var bound = 13 * ByteCursor.memberBound(indent: indent) + 4 * ByteCursor.intBound + 18 + 2 + 2 + 2 * indent
        let texts = f.rule.code.utf8.count + f.rule.slug.utf8.count + f.severity.rawValue.utf8.count + message.utf8Count
            + f.location.file.utf8.count + logicalLocation.utf8Count + f.subject.utf8.count
        bound += 7 * ByteCursor.stringBound(0) + ByteCursor.stringBound(texts) - ByteCursor.stringBound(0)
        for r in related {
            // `,`, a newline and the indentation, 4 members, 2 numbers, the closing brace; `]` once.
            bound += 2 + 2 * (indent + 2) + 4 * ByteCursor.memberBound(indent: indent + 2) + 2 * ByteCursor.intBound
                + 2 + 2 * (indent + 2) + 2 + 2 * (indent + 1) + 1
                + ByteCursor.stringBound(r.location.file.utf8.count) + ByteCursor.stringBound(r.message.utf8.count)
        }
        out.appendWritten(atMost: bound) { cursor in
            // Each member's start (`member(_:first:indent:)` at indentation 2) as one piece.
            cursor.literal("{\n      \"rule\": ")
            cursor.string(f.rule.code)
            cursor.literal(",\n      \"slug\": ")
            cursor.string(f.rule.slug)
            cursor.literal(",\n      \"severity\": ")
            switch f.severity {
            case .error: cursor.bytes("\"error\"")
            case .warning: cursor.literal("\"warning\"")
            case .note: cursor.bytes("\"note\"")
            }
            cursor.literal(",\n      \"message\": ")
            cursor.string(message)
            cursor.literal(",\n      \"file\": ")
            cursor.string(f.location.file)
            cursor.literal(",\n      \"line\": ")
            cursor.int(f.location.range.start.line)
            cursor.literal(",\n      \"column\": ")
            cursor.int(f.location.range.start.column)
            cursor.literal(",\n      \"endLine\": ")
            cursor.int(f.location.range.end.line)
            cursor.literal(",\n      \"endColumn\": ")
            cursor.int(f.location.range.end.column)
            cursor.literal(",\n      \"logicalLocation\": ")
            cursor.string(logicalLocation)
            cursor.literal(",\n      \"subject\": ")
            cursor.string(f.subject)
            cursor.literal(",\n      \"fingerprint\": ")
            cursor.quotedHex(fingerprint)
            cursor.literal(",\n      \"related\": ")
            cursor.byte(UInt8(ascii: "["))
            if !related.isEmpty {
                for (i, r) in related.enumerated() {
                    if i > 0 { cursor.byte(UInt8(ascii: ",")) }
                    cursor.byte(UInt8(ascii: "\n"))
                    cursor.indent(indent + 2)
                    cursor.member("file", first: true, indent: indent + 2)
                    cursor.string(r.location.file)
                    cursor.member("line", first: false, indent: indent + 2)
                    cursor.int(r.location.line)
                    cursor.member("column", first: false, indent: indent + 2)
                    cursor.int(r.location.column)
                    cursor.member("message", first: false, indent: indent + 2)
                    cursor.string(r.message)
                    cursor.byte(UInt8(ascii: "\n"))
                    cursor.indent(indent + 2)
                    cursor.byte(UInt8(ascii: "}"))
                }
                cursor.byte(UInt8(ascii: "\n"))
                cursor.indent(indent + 1)
            }
            cursor.byte(UInt8(ascii: "]"))
            guard extra == nil else { return }
            cursor.byte(UInt8(ascii: "\n"))
            cursor.indent(indent)
            cursor.byte(UInt8(ascii: "}"))
        }
        guard let extra else { return }
        var object = JSONObjectWriter(indent: indent, membersWritten: 13)
        extra(&object, &out)
        object.end(into: &out)
    }
}
