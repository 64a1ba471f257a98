/// A JSON value with ordered object keys, so reports come out byte-identical run after run.
///
/// Not `indirect`: arrays and objects hold arrays, which are references already, so a value is
/// stored inline in its parent's array instead of in a heap box of its own.
public enum JSONValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        a.serialized() == b.serialized()
    }

    /// Pretty-printed with two-space indentation and a final newline.
    public func serialized() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(into: &out, indent: 0)
        out.append(UInt8(ascii: "\n"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the value's UTF-8, as `serialized()` lays it out, to `out`.
    private func write(into out: inout [UInt8], indent: Int) {
        switch self {
        case .string(let s): JSONValue.writeString(s, into: &out)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case .array(let items):
            if items.isEmpty {
                out.append(contentsOf: "[]".utf8)
                return
            }
            out.append(contentsOf: "[\n".utf8)
            for (i, item) in items.enumerated() {
                JSONValue.writeIndent(indent + 1, into: &out)
                item.write(into: &out, indent: indent + 1)
                if i != items.count - 1 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "\n"))
            }
            JSONValue.writeIndent(indent, into: &out)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty {
                out.append(contentsOf: "{}".utf8)
                return
            }
            out.append(contentsOf: "{\n".utf8)
            for (i, member) in members.enumerated() {
                JSONValue.writeIndent(indent + 1, into: &out)
                JSONValue.writeString(member.0, into: &out)
                out.append(UInt8(ascii: ":"))
                out.append(UInt8(ascii: " "))
                member.1.write(into: &out, indent: indent + 1)
                if i != members.count - 1 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "\n"))
            }
            JSONValue.writeIndent(indent, into: &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A member of `writeDocument`'s object: a value, or an array whose items are made one at a time.
    enum Member {
        case value(JSONValue)
        case items(count: Int, item: (Int) -> JSONValue)
    }

    /// Writes `.object(members).serialized()`'s bytes to `out`, making each item of an `.items`
    /// member only when it is written and calling `flush` after each, which may take the bytes
    /// written so far out of `out`: a report of a hundred thousand findings never exists whole,
    /// neither as values nor as text.
    static func writeDocument(_ members: [(String, Member)], into out: inout [UInt8], flush: (inout [UInt8]) -> Void) {
        if members.isEmpty {
            out.append(contentsOf: "{}\n".utf8)
            return
        }
        out.append(contentsOf: "{\n".utf8)
        for (i, (key, member)) in members.enumerated() {
            writeIndent(1, into: &out)
            writeString(key, into: &out)
            out.append(UInt8(ascii: ":"))
            out.append(UInt8(ascii: " "))
            switch member {
            case .value(let value):
                value.write(into: &out, indent: 1)
            case .items(let count, let item):
                if count == 0 {
                    out.append(contentsOf: "[]".utf8)
                } else {
                    out.append(contentsOf: "[\n".utf8)
                    for k in 0..<count {
                        writeIndent(2, into: &out)
                        item(k).write(into: &out, indent: 2)
                        if k != count - 1 { out.append(UInt8(ascii: ",")) }
                        out.append(UInt8(ascii: "\n"))
                        flush(&out)
                    }
                    writeIndent(1, into: &out)
                    out.append(UInt8(ascii: "]"))
                }
            }
            if i != members.count - 1 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\n"))
        }
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: "\n"))
    }

    private static func writeIndent(_ level: Int, into out: inout [UInt8]) {
        for _ in 0..<(2 * level) { out.append(UInt8(ascii: " ")) }
    }

    /// A JSON string literal: `"` and `\` escaped, `\n` `\r` `\t` by name, other control
    /// characters as `\u00XX`; everything else as its UTF-8.
    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(byte)
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(byte)
            case UInt8(ascii: "\n"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
