import CYAML

/// Parses YAML through libyaml's event API into positioned `Node` trees, all the documents of
/// one input sharing one `NodeDocument`.
///
/// This is the only file that calls `yaml_*` functions; no pointer leaves it.
/// CloudFormation short tags (`!Ref`, `!Sub`, `!GetAtt A.B`, …) become their long forms
/// (`{"Ref": …}`, `{"Fn::GetAtt": ["A", "B"]}`); other tags are kept on the node. Anchors and
/// aliases are resolved with a bound on expansion; merge keys (`<<`) are applied; a repeated key is
/// reported at its second occurrence. Scalars keep their text: `2012-10-17` stays a string.
public enum YAMLParser {
    public static func parse(_ text: String, limits: ParserLimits = .default) -> ParseResult {
        parse(Array(text.utf8), limits: limits)
    }

    public static func parse(_ bytes: [UInt8], limits: ParserLimits = .default) -> ParseResult {
        guard bytes.count <= NodeDocumentBuilder.maxInputBytes else {
            return ParseResult(documents: [], diagnostics: [
                ParseDiagnostic(kind: .limit, message: "input larger than \(NodeDocumentBuilder.maxInputBytes) bytes", range: .fileStart),
            ])
        }
        return bytes.withUnsafeBufferPointer { buffer in
            var builder = TreeBuilder(limits: limits, bytes: buffer)
            builder.run()
            let document = builder.tree.finish()
            return ParseResult(documents: builder.documents.map { Node(document, $0) }, diagnostics: builder.diagnostics)
        }
    }

    /// The long form of each CloudFormation short tag.
    static let cloudFormationTags: [String: String] = [
        "!Ref": "Ref", "!Condition": "Condition",
        "!Sub": "Fn::Sub", "!GetAtt": "Fn::GetAtt", "!If": "Fn::If", "!Join": "Fn::Join",
        "!Select": "Fn::Select", "!Split": "Fn::Split", "!FindInMap": "Fn::FindInMap",
        "!Base64": "Fn::Base64", "!ImportValue": "Fn::ImportValue", "!Equals": "Fn::Equals",
        "!And": "Fn::And", "!Or": "Fn::Or", "!Not": "Fn::Not", "!Cidr": "Fn::Cidr",
        "!GetAZs": "Fn::GetAZs", "!Transform": "Fn::Transform", "!Length": "Fn::Length",
        "!ToJsonString": "Fn::ToJsonString", "!ForEach": "Fn::ForEach",
    ]

    /// `cloudFormationTags` as (short tag's UTF-8, long form), the most frequent tags first.
    private static let cloudFormationTagBytes: [(short: [UInt8], long: String)] = {
        let first = ["!Ref", "!Sub", "!GetAtt", "!Join", "!If", "!Select", "!Split", "!FindInMap", "!ImportValue", "!Equals"]
        let rest = cloudFormationTags.keys.filter { !first.contains($0) }.sorted()
        return (first + rest).compactMap { short in cloudFormationTags[short].map { (Array(short.utf8), $0) } }
    }()

    /// `cloudFormationTags[tag]`, found by comparing bytes (a tag with a byte outside ASCII is
    /// looked up as a `String`, whose equality is canonical equivalence).
    static func cloudFormationLongName(_ tag: String) -> String? {
        var tag = tag
        let found: String?? = tag.withUTF8 { bytes -> String?? in
            guard bytes.count >= 3, bytes[0] == UInt8(ascii: "!") else { return .some(nil) }
            for entry in cloudFormationTagBytes where entry.short.count == bytes.count {
                var k = 1
                while k < bytes.count, bytes[k] == entry.short[k] { k += 1 }
                if k == bytes.count { return .some(entry.long) }
            }
            for byte in bytes where byte >= 0x80 { return nil }
            return .some(nil)
        }
        if let found { return found }
        return cloudFormationTags[tag]
    }
}

/// One open mapping or sequence. Its children wait on the tree builder's pending stacks from
/// `pendingFrom` on; its tag and anchor (rare) on `TreeBuilder.names`, its merged entries on
/// `TreeBuilder.merged`, its key index (if built) on `TreeBuilder.keyIndexes`: a frame holds no
/// references, so pushing and popping one copies a few words.
private struct Frame {
    var isMapping: Bool
    /// Whether the frame's tag / anchor is on `names` (the tag first).
    var hasTag: Bool
    var hasAnchor: Bool
    /// Whether the frame's key index is the last of `keyIndexes`.
    var hasKeyIndex = false
    var start: SourcePosition
    var pendingFrom: Int
    /// Where the frame's entries to merge start on `merged`.
    var mergedFrom: Int
    var namesFrom: Int
    var pendingKey: PendingKey?
    var weight: Int = 1
}

/// A mapping key waiting for its value: its text span, range, and whether it is a merge (`<<`).
private struct PendingKey {
    var start: UInt32
    var count: UInt32
    var range: SourceRange
    var isMerge: Bool
}

private struct ParseAbort: Error {}

private struct TreeBuilder {
    let limits: ParserLimits
    let bytes: UnsafeBufferPointer<UInt8>
    var tree: NodeDocumentBuilder
    /// The root of each document, as an index into `tree`.
    var documents: [UInt32] = []
    var diagnostics: [ParseDiagnostic] = []
    var stack: [Frame] = []
    /// The tags and anchors of open frames that have them.
    var names: [String] = []
    /// The entries that open mappings merge (`<<`), each mapping's from its `mergedFrom` on.
    var merged: [EntryRecord] = []
    /// The key indexes (hash of a key's text to its first pending entry) of open mappings with
    /// more keys than a linear search handles quickly; most mappings never need one.
    var keyIndexes: [[Int: Int]] = []
    var anchors: [String: (node: UInt32, weight: Int)] = [:]
    var expanded = 0
    var root: UInt32?

    init(limits: ParserLimits, bytes: UnsafeBufferPointer<UInt8>) {
        self.limits = limits
        self.bytes = bytes
        tree = NodeDocumentBuilder(expectedBytes: bytes.count)
    }

    mutating func run() {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            fail("libyaml could not be initialised", at: .start)
            return
        }
        defer { yaml_parser_delete(&parser) }
        if let base = bytes.baseAddress, bytes.count > 0 {
            yaml_parser_set_input_string(&parser, base, bytes.count)
        } else {
            return
        }
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                reportParserError(&parser)
                documents = []
                return
            }
            let type = event.type
            do {
                try handle(&event)
            } catch {
                yaml_event_delete(&event)
                documents = []
                return
            }
            yaml_event_delete(&event)
            if type == YAML_STREAM_END_EVENT { break }
        }
    }

    private mutating func handle(_ event: inout yaml_event_t) throws {
        let start = position(event.start_mark)
        let end = position(event.end_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            anchors = [:]
            expanded = 0
            root = nil
        case YAML_DOCUMENT_END_EVENT:
            if let root { documents.append(root) }
            root = nil
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let textStart: UInt32
            if let value = s.value, s.length > 0 {
                textStart = tree.appendText(UnsafeBufferPointer(start: UnsafePointer(value), count: s.length))
            } else {
                textStart = UInt32(truncatingIfNeeded: tree.text.count)
            }
            let style: Scalar.Style
            switch s.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            let anchor = optionalString(s.anchor)
            let range = SourceRange(start: start, end: end)
            let scalar = tree.addScalar(start: textStart, count: UInt32(truncatingIfNeeded: s.length), style: style, range: range)
            if s.tag == nil {
                try complete(scalar, weight: 1, anchor: anchor, isPlainKeyCandidate: style == .plain)
            } else {
                let tag = optionalString(s.tag)
                let node = try applyTag(tag, to: scalar, forcedString: tag == "tag:yaml.org,2002:str")
                try complete(node, weight: 1, anchor: anchor, isPlainKeyCandidate: style == .plain)
            }
        case YAML_SEQUENCE_START_EVENT:
            let s = event.data.sequence_start
            try push(isMapping: false, start: start, tag: s.tag, anchor: s.anchor)
        case YAML_MAPPING_START_EVENT:
            let m = event.data.mapping_start
            try push(isMapping: true, start: start, tag: m.tag, anchor: m.anchor)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return }
            let range = SourceRange(start: frame.start, end: end)
            var node: UInt32
            if frame.isMapping {
                if frame.mergedFrom < merged.count {
                    // Merged entries come after the mapping's own, each key once, the first merged one winning.
                    var index = frame.hasKeyIndex ? keyIndexes.popLast() : nil
                    for k in frame.mergedFrom ..< merged.count {
                        let entry = merged[k]
                        if tree.firstPendingEntry(withKey: entry.keyStart, entry.keyCount, from: frame.pendingFrom, index: &index) == nil {
                            tree.pendingEntries.append(entry)
                        }
                    }
                    merged.removeSubrange(frame.mergedFrom...)
                } else if frame.hasKeyIndex {
                    keyIndexes.removeLast()
                }
                node = tree.closeMapping(pendingFrom: frame.pendingFrom, range: range)
            } else {
                node = tree.closeSequence(pendingFrom: frame.pendingFrom, range: range)
            }
            var anchor: String? = nil
            if frame.hasTag || frame.hasAnchor {
                let tag = frame.hasTag ? names[frame.namesFrom] : nil
                anchor = frame.hasAnchor ? names[names.count - 1] : nil
                names.removeSubrange(frame.namesFrom...)
                if tag != nil { node = try applyTag(tag, to: node, forcedString: false) }
            }
            try complete(node, weight: frame.weight, anchor: anchor, isPlainKeyCandidate: false)
        case YAML_ALIAS_EVENT:
            let name = optionalString(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                fail("unknown alias '*\(name)'", at: start, end: end)
                throw ParseAbort()
            }
            expanded += target.weight
            if expanded > limits.maxAliasExpansion {
                diagnostics.append(ParseDiagnostic(
                    kind: .limit,
                    message: "alias expansion exceeds \(limits.maxAliasExpansion) nodes (limit maxAliasExpansion; raise it under `limits:` in .iamlint.yml if the file is legitimate)",
                    range: SourceRange(start: start, end: end)))
                throw ParseAbort()
            }
            // The alias shares the anchored node's children; only its own range differs.
            var record = tree.nodes[Int(target.node)]
            record.range = SourceRange(start: start, end: end)
            tree.nodes.append(record)
            try complete(UInt32(truncatingIfNeeded: tree.nodes.count - 1), weight: target.weight, anchor: nil, isPlainKeyCandidate: false)
        default:
            break
        }
    }

    private mutating func push(isMapping: Bool, start: SourcePosition, tag: UnsafeMutablePointer<yaml_char_t>?, anchor: UnsafeMutablePointer<yaml_char_t>?) throws {
        if stack.count >= limits.maxDepth {
            diagnostics.append(ParseDiagnostic(
                kind: .limit,
                message: "nesting deeper than \(limits.maxDepth) levels (limit maxDepth; raise it under `limits:` in .iamlint.yml if the file is legitimate)",
                range: SourceRange(start)))
            throw ParseAbort()
        }
        let namesFrom = names.count
        if let tag { names.append(String(cString: tag)) }
        if let anchor { names.append(String(cString: anchor)) }
        stack.append(Frame(
            isMapping: isMapping, hasTag: tag != nil, hasAnchor: anchor != nil, start: start,
            pendingFrom: isMapping ? tree.pendingEntries.count : tree.pendingItems.count,
            mergedFrom: merged.count, namesFrom: namesFrom))
    }

    /// Attaches a finished node to its parent (as a key, a value or an item) or makes it the root.
    private mutating func complete(_ node: UInt32, weight: Int, anchor: String?, isPlainKeyCandidate: Bool) throws {
        if let anchor { anchors[anchor] = (node, weight) }
        guard !stack.isEmpty else {
            root = node
            return
        }
        let top = stack.count - 1
        stack[top].weight += weight
        if !stack[top].isMapping {
            tree.pendingItems.append(node)
            return
        }
        guard let key = stack[top].pendingKey else {
            let record = tree.nodes[Int(node)]
            guard record.shape == .scalar else {
                fail("mapping keys must be strings, found a \(tree.kindName(record))", at: record.range.start, end: record.range.end)
                throw ParseAbort()
            }
            let isMerge = isPlainKeyCandidate && record.count == 2
                && tree.text[Int(record.start)] == 0x3C && tree.text[Int(record.start) + 1] == 0x3C // <<
            stack[top].pendingKey = PendingKey(start: record.start, count: record.count, range: record.range, isMerge: isMerge)
            if anchor == nil, Int(node) == tree.nodes.count - 1 {
                // A key is kept as its entry's text span and range, not as a node.
                tree.nodes.removeLast()
            }
            return
        }
        stack[top].pendingKey = nil
        if key.isMerge {
            try merge(node, into: top)
            return
        }
        let pendingFrom = stack[top].pendingFrom
        var index = stack[top].hasKeyIndex ? keyIndexes.popLast() : nil
        let first = tree.firstPendingEntry(withKey: key.start, key.count, from: pendingFrom, index: &index)
        if let index {
            keyIndexes.append(index)
            stack[top].hasKeyIndex = true
        }
        if let k = first {
            let first = tree.pendingEntries[k].keyRange
            let text = tree.string(key.start, key.count)
            diagnostics.append(ParseDiagnostic(
                kind: .duplicateKey(key: text, first: first),
                message: "duplicate key '\(text)' (first defined at line \(first.start.line), column \(first.start.column))",
                range: key.range))
        }
        tree.pendingEntries.append(EntryRecord(keyRange: key.range, keyStart: key.start, keyCount: key.count, value: node))
    }

    private mutating func merge(_ node: UInt32, into top: Int) throws {
        let record = tree.nodes[Int(node)]
        switch record.shape {
        case .mapping:
            merged.append(contentsOf: tree.entries[Int(record.start) ..< Int(record.start) + Int(record.count)])
        case .sequence:
            for k in Int(record.start) ..< Int(record.start) + Int(record.count) {
                let item = tree.nodes[Int(tree.items[k])]
                guard item.shape == .mapping else {
                    fail("expected a mapping or list of mappings for merging, found a \(tree.kindName(item))", at: item.range.start, end: item.range.end)
                    throw ParseAbort()
                }
                merged.append(contentsOf: tree.entries[Int(item.start) ..< Int(item.start) + Int(item.count)])
            }
        case .scalar:
            fail("expected a mapping or list of mappings for merging, found a \(tree.kindName(record))", at: record.range.start, end: record.range.end)
            throw ParseAbort()
        }
    }

    /// Turns a CloudFormation short tag into its long form; keeps other tags on the node.
    /// `node` was just built (never an alias), so it may be changed in place.
    private mutating func applyTag(_ tag: String?, to node: UInt32, forcedString: Bool) throws -> UInt32 {
        guard let tag, tag != "!" else { return node }
        let index = Int(node)
        let record = tree.nodes[index]
        if forcedString, record.shape == .scalar, record.style == .plain {
            tree.nodes[index].style = .singleQuoted
            return node
        }
        guard let longName = YAMLParser.cloudFormationLongName(tag) else {
            if !tag.hasPrefix("tag:yaml.org,2002:") { tree.nodes[index].tag = tree.tagIndex(tag) }
            return node
        }
        var value = node
        if longName == "Fn::GetAtt", record.shape == .scalar {
            // `!GetAtt Resource.Attribute.Path` splits at the first dot.
            let parts = tree.text.withUnsafeBufferPointer { buffer -> [(UInt32, UInt32)] in
                let from = Int(record.start), to = from + Int(record.count)
                var k = from
                while k < to {
                    if buffer[k] == 0x2E { // .
                        return [(record.start, UInt32(k - from)), (UInt32(k + 1), UInt32(to - k - 1))]
                    }
                    k += 1
                }
                return [(record.start, record.count)]
            }
            let items = parts.map { tree.addScalar(start: $0.0, count: $0.1, style: record.style, range: record.range) }
            value = tree.addSequence(items, range: record.range)
        }
        let valueRecord = tree.nodes[Int(value)]
        if valueRecord.shape == .scalar, valueRecord.style == .plain, tree.isNullText(valueRecord.start, valueRecord.count) {
            tree.nodes[Int(value)].style = .singleQuoted
        }
        let tagEnd = SourcePosition(line: record.range.start.line, column: record.range.start.column + tag.unicodeScalars.count)
        let keyRange = SourceRange(start: record.range.start, end: tagEnd)
        let key = tree.appendText(longName)
        return tree.addMapping([EntryRecord(keyRange: keyRange, keyStart: key.start, keyCount: key.count, value: value)], range: record.range)
    }

    private mutating func reportParserError(_ parser: inout yaml_parser_t) {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        var message = problem
        if let context = parser.context.map({ String(cString: $0) }) {
            message = "\(problem) \(context)"
        }
        let pos: SourcePosition
        if parser.error == YAML_READER_ERROR {
            pos = position(ofByteOffset: Int(parser.problem_offset))
            if parser.problem_value >= 0 && problem.contains("octet") {
                message = "invalid UTF-8: \(problem)"
            }
        } else {
            pos = position(parser.problem_mark)
        }
        fail(message, at: pos)
    }

    private mutating func fail(_ message: String, at start: SourcePosition, end: SourcePosition? = nil) {
        let range = SourceRange(start: start, end: end ?? SourcePosition(line: start.line, column: start.column + 1))
        diagnostics.append(ParseDiagnostic(kind: .syntax, message: message, range: range))
    }

    private func position(_ mark: yaml_mark_t) -> SourcePosition {
        SourcePosition(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    /// Line and column of a byte offset, for reader errors where libyaml gives only the offset.
    private func position(ofByteOffset offset: Int) -> SourcePosition {
        var line = 1
        var column = 1
        var i = 0
        let limit = min(offset, bytes.count)
        while i < limit {
            let b = bytes[i]
            if b == 0x0A {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return SourcePosition(line: line, column: column)
    }

    private func optionalString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
