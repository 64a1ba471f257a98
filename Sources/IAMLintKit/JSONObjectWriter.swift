/// Writes one JSON object's bytes straight into a buffer, member after member, laid out exactly as
/// `JSONValue.object(...)` at the same indentation level is serialized, without building the
/// value first: the JSON report writes a suppressed finding's `suppression` member this way (the
/// finding's own members are written through a `ByteCursor`).
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

    /// A writer for an object whose first `count` members were written already (by a
    /// `ByteCursor`): the next member follows them.
    init(indent: Int, membersWritten count: Int) {
        self.indent = indent
        self.count = count
    }

    /// Writes the separator before the member, its indentation and `"key": `, in one append:
    /// these bytes are put together on the stack first (appending them one by one to the
    /// array cost four times as much).
    mutating func key(_ key: StaticString, into out: inout [UInt8]) {
        let separator = count == 0 ? UInt8(ascii: "{") : UInt8(ascii: ",")
        count += 1
        let spaces = 2 * (indent + 1)
        let length = 2 + spaces + key.withUTF8Buffer { $0.count } + 4
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { buffer in
            guard let base = buffer.baseAddress else { return }
            base[0] = separator
            base[1] = UInt8(ascii: "\n")
            (base + 2).initialize(repeating: UInt8(ascii: " "), count: spaces)
            var i = 2 + spaces
            base[i] = UInt8(ascii: "\"")
            i += 1
            key.withUTF8Buffer { name in
                for byte in name {
                    base[i] = byte
                    i += 1
                }
            }
            base[i] = UInt8(ascii: "\"")
            base[i + 1] = UInt8(ascii: ":")
            base[i + 2] = UInt8(ascii: " ")
            out.append(contentsOf: UnsafeBufferPointer(start: base, count: i + 3))
        }
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
