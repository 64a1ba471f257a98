import IAMLintCore

/// `--format json`: a documented, versioned report (`"version": 1`); fields are only ever added.
public struct JSONReporter: Reporter {
    public static let formatVersion = 1
    public var includeSuppressed: Bool

    public init(includeSuppressed: Bool = false) {
        self.includeSuppressed = includeSuppressed
    }

    public func render(_ result: LintResult) -> String {
        var members: [(String, JSONValue)] = [
            ("version", .int(Self.formatVersion)),
            ("tool", .object([("name", .string("iamlint")), ("version", .string(IAMLintVersion.current))])),
            ("findings", .array(result.findings.map { Self.finding($0, key: result.key($0)) })),
        ]
        if includeSuppressed {
            members.append(("suppressed", .array(result.suppressed.map { s in
                Self.finding(s.finding, key: result.key(s.finding), extra: [("suppression", .object([("kind", .string(s.kind.rawValue)), ("justification", .string(s.justification))]))])
            })))
        }
        members.append(("staleBaselineEntries", .array(result.staleBaseline.keys.sorted().map { key in
            .object([("rule", .string(key.rule)), ("file", .string(key.file)), ("location", .string(key.location)),
                     ("subject", .string(key.subject)), ("count", .int(result.staleBaseline[key] ?? 0)), ("fingerprint", .string(key.fingerprint))])
        })))
        let counts = Dictionary(grouping: result.findings, by: \.severity).mapValues(\.count)
        members.append(("summary", .object([
            ("findings", .int(result.findings.count)),
            ("errors", .int(counts[.error] ?? 0)),
            ("warnings", .int(counts[.warning] ?? 0)),
            ("notes", .int(counts[.note] ?? 0)),
            ("suppressed", .int(result.suppressed.count)),
            ("filesScanned", .int(result.scannedFiles.count)),
            ("filesSkipped", .int(result.skipped.count)),
        ])))
        return JSONValue.object(members).serialized()
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
