import IAMLintCore

/// `--format github`: workflow commands that annotate the pull request diff.
public struct GitHubReporter: Reporter {
    /// Threads that write lines side by side (the report is the same for any number).
    public var threads: Int

    public init(threads: Int = 1) {
        self.threads = threads
    }

    public func render(_ result: LintResult) -> String {
        var bytes: [UInt8] = []
        write(result) { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes one command per finding, in blocks (see `ReportBlocks`).
    public func write(_ result: LintResult, to output: ([UInt8]) -> Void) {
        let findings = result.findings
        ReportBlocks.write(count: findings.count, threads: threads, emit: output) { k, out in
            let f = findings[k]
            let command: String
            switch f.severity {
            case .error: command = "error"
            case .warning: command = "warning"
            case .note: command = "notice"
            }
            let r = f.location.range
            out += "::\(command) file=".utf8
            Self.appendProperty(f.location.file, to: &out)
            out += ",line=\(r.start.line),col=\(r.start.column),endLine=\(r.end.line),endColumn=\(r.end.column),title=".utf8
            Self.appendProperty("\(f.rule.code) \(f.rule.slug)", to: &out)
            out += "::".utf8
            Self.appendData(f.message, to: &out)
            out.append(UInt8(ascii: "\n"))
        }
    }

    /// A workflow command's message: `%`, CR and LF escaped, byte by byte (as GitHub's toolkit
    /// escapes them; a CR LF pair is two escapes).
    static func data(_ s: String) -> String {
        var out: [UInt8] = []
        appendData(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// A workflow command's property value: as `data`, and `:` and `,` escaped too.
    static func property(_ s: String) -> String {
        var out: [UInt8] = []
        appendProperty(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendData(_ s: String, to out: inout [UInt8]) {
        s.appendEscapingBytes(to: &out) { escape($0, inProperty: false) }
    }

    private static func appendProperty(_ s: String, to out: inout [UInt8]) {
        s.appendEscapingBytes(to: &out) { escape($0, inProperty: true) }
    }

    /// The escape of a byte of a command's message, or of a property value (which escapes `:`
    /// and `,` as well); nil when the byte stays.
    private static func escape(_ byte: UInt8, inProperty: Bool) -> StaticString? {
        switch byte {
        case UInt8(ascii: "%"): return "%25"
        case UInt8(ascii: "\r"): return "%0D"
        case UInt8(ascii: "\n"): return "%0A"
        case UInt8(ascii: ":") where inProperty: return "%3A"
        case UInt8(ascii: ",") where inProperty: return "%2C"
        default: return nil
        }
    }
}

extension String {
    /// Every occurrence of `target` replaced, without Foundation.
    func replacingAll(_ target: Character, _ replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }

    /// Appends the UTF-8 bytes to `out`, each ASCII byte for which `escape` gives a text replaced by
    /// it. Escaped bytes are ASCII, and UTF-8 never uses an ASCII byte inside a multi-byte
    /// character, so every other character is copied whole.
    func appendEscapingBytes(to out: inout [UInt8], _ escape: (UInt8) -> StaticString?) {
        var text = self
        text.withUTF8 { bytes in
            var start = 0
            for i in bytes.indices {
                guard let replacement = escape(bytes[i]) else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                replacement.withUTF8Buffer { out.append(contentsOf: $0) }
                start = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
    }
}
