/// Writes one JSON object's bytes straight into a buffer, member after member, laid out exactly as
/// `JSONValue.object(...)` at the same indentation level is serialized, without building the
/// value first: the JSON report writes each finding this way.
///
/// Keys are static ASCII names that need no escaping; values are written by `JSONValue`'s
/// string and integer writers, or by a nested writer one level deeper.
struct JSONObjectWriter {
    /// The indentation level of the object's braces (its members are one level deeper).
    let indent: Int
    private var count = 0

    init(indent: Int) {
        self.indent = indent
    }

    /// Writes the separator before the member, its indentation and `"key": `.
    mutating func key(_ key: StaticString, into out: inout [UInt8]) {
        if count == 0 {
            out.append(UInt8(ascii: "{"))
        } else {
            out.append(UInt8(ascii: ","))
        }
        out.append(UInt8(ascii: "\n"))
        count += 1
        JSONValue.writeIndent(indent + 1, into: &out)
        out.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
        out.append(UInt8(ascii: " "))
    }

    mutating func string(_ key: StaticString, _ value: String, into out: inout [UInt8]) {
        self.key(key, into: &out)
        JSONValue.writeString(value, into: &out)
    }

    mutating func int(_ key: StaticString, _ value: Int, into out: inout [UInt8]) {
        self.key(key, into: &out)
        JSONValue.writeInt(value, into: &out)
    }

    /// Closes the object: `{}` when it has no members, as `JSONValue` writes an empty object.
    func end(into out: inout [UInt8]) {
        if count == 0 {
            out.append(UInt8(ascii: "{"))
            out.append(UInt8(ascii: "}"))
            return
        }
        out.append(UInt8(ascii: "\n"))
        JSONValue.writeIndent(indent, into: &out)
        out.append(UInt8(ascii: "}"))
    }
}
