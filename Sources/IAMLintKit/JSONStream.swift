import IAMLintCore

/// A JSON document written as `JSONValue.serialized()` lays it out, in which some arrays are
/// written item by item when their turn comes rather than built first: a report of a hundred
/// thousand findings never exists whole, neither as values nor as text.
indirect enum JSONStream {
    case value(JSONValue)
    case object([(String, JSONStream)])
    case array([JSONStream])
    /// An array of `count` items; `item(k, indent, &out)` writes item `k` as
    /// `JSONValue.write(into:indent:)` would at that indentation (the indentation before it and the
    /// comma after it are written for it).
    case items(count: Int, item: (Int, Int, inout [UInt8]) -> Void)

    /// Writes `document` and its final newline to `output` in pieces of at least `pieceSize` bytes
    /// (but the last): a large report costs no more memory than a piece.
    static func write(_ document: JSONStream, threads: Int, pieceSize: Int, to output: ([UInt8]) -> Void) {
        var out: [UInt8] = []
        out.reserveCapacity(min(pieceSize, 1 << 20) + 4096)
        write(document, threads: threads, into: &out) { out in
            guard out.count >= pieceSize else { return }
            output(out)
            out.removeAll(keepingCapacity: true)
        }
        out.append(UInt8(ascii: "\n"))
        output(out)
    }

    /// The text of `document` with its final newline, as `JSONValue.serialized()` lays it out.
    static func text(_ document: JSONStream, threads: Int) -> String {
        var bytes: [UInt8] = []
        write(document, threads: threads, pieceSize: 1 << 16) { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `document` at indentation level 0 into `out`, calling `flush` after each item of an
    /// `.items` array (or each block of them), which may take the bytes written so far out of `out`.
    /// With `threads` above one, the items of a long array are written in blocks side by side and
    /// joined in order (`item` must then be safe to call from several threads at once; `out` and
    /// `flush` are used by whichever thread emits the next block, one thread at a time).
    static func write(_ document: JSONStream, threads: Int = 1, into out: inout [UInt8], flush: (inout [UInt8]) -> Void) {
        write(document, indent: 0, threads: threads, into: &out, flush: flush)
    }

    private static func write(_ node: JSONStream, indent: Int, threads: Int, into out: inout [UInt8], flush: (inout [UInt8]) -> Void) {
        switch node {
        case .value(let value):
            value.write(into: &out, indent: indent)
        case .object(let members):
            if members.isEmpty {
                out.append(contentsOf: "{}".utf8)
                return
            }
            out.append(contentsOf: "{\n".utf8)
            for (i, (key, member)) in members.enumerated() {
                JSONValue.writeIndent(indent + 1, into: &out)
                JSONValue.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                out.append(UInt8(ascii: " "))
                write(member, indent: indent + 1, threads: threads, into: &out, flush: flush)
                if i != members.count - 1 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "\n"))
            }
            JSONValue.writeIndent(indent, into: &out)
            out.append(UInt8(ascii: "}"))
        case .array(let items):
            writeArray(count: items.count, indent: indent, threads: 1, into: &out, flush: flush) { k, level, out in
                write(items[k], indent: level, threads: threads, into: &out, flush: flush)
            }
        case .items(let count, let item):
            writeArray(count: count, indent: indent, threads: threads, into: &out, flush: flush, item: item)
        }
    }

    /// `[`, the items one level deeper, `]`; `[]` without items.
    private static func writeArray(
        count: Int, indent: Int, threads: Int, into out: inout [UInt8], flush: (inout [UInt8]) -> Void,
        item: (Int, Int, inout [UInt8]) -> Void
    ) {
        if count == 0 {
            out.append(contentsOf: "[]".utf8)
            return
        }
        out.append(contentsOf: "[\n".utf8)
        func write(_ k: Int, into out: inout [UInt8]) {
            JSONValue.writeIndent(indent + 1, into: &out)
            item(k, indent + 1, &out)
            if k != count - 1 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\n"))
        }
        if threads > 1 && count > ReportBlocks.size {
            ReportBlocks.write(count: count, threads: threads, emit: { text in
                out.append(contentsOf: text)
                flush(&out)
            }, item: write)
        } else {
            for k in 0..<count {
                write(k, into: &out)
                flush(&out)
            }
        }
        JSONValue.writeIndent(indent, into: &out)
        out.append(UInt8(ascii: "]"))
    }
}
