import CYAML

/// Parses YAML through libyaml's event API into positioned `Node` trees.
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
        bytes.withUnsafeBufferPointer { buffer in
            var builder = TreeBuilder(limits: limits, bytes: buffer)
            builder.run()
            return ParseResult(documents: builder.documents, diagnostics: builder.diagnostics)
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
}

private struct Frame {
    var isMapping: Bool
    var start: SourcePosition
    var tag: String?
    var anchor: String?
    var entries: [MappingEntry] = []
    var items: [Node] = []
    var pendingKey: (text: String, range: SourceRange, isMerge: Bool)?
    /// The first range of each key, built once a mapping has more keys than a linear search of
    /// `entries` handles quickly (most mappings never need it).
    var firstKeyRange: [String: SourceRange]? = nil
    var merged: [MappingEntry] = []
    var weight: Int = 1
}

private struct ParseAbort: Error {}

private struct TreeBuilder {
    let limits: ParserLimits
    let bytes: UnsafeBufferPointer<UInt8>
    var documents: [Node] = []
    var diagnostics: [ParseDiagnostic] = []
    var stack: [Frame] = []
    var anchors: [String: (node: Node, weight: Int)] = [:]
    var expanded = 0
    var root: Node?

    init(limits: ParserLimits, bytes: UnsafeBufferPointer<UInt8>) {
        self.limits = limits
        self.bytes = bytes
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
            let text = string(s.value, count: s.length)
            let style: Scalar.Style
            switch s.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            let tag = optionalString(s.tag)
            let anchor = optionalString(s.anchor)
            let range = SourceRange(start: start, end: end)
            let scalar = Node(.scalar(Scalar(text, style: style)), range: range)
            if tag == nil {
                try complete(scalar, weight: 1, anchor: anchor, isPlainKeyCandidate: style == .plain)
            } else {
                let node = try applyTag(tag, to: scalar, forcedString: tag == "tag:yaml.org,2002:str")
                try complete(node, weight: 1, anchor: anchor, isPlainKeyCandidate: style == .plain)
            }
        case YAML_SEQUENCE_START_EVENT:
            let s = event.data.sequence_start
            try push(Frame(isMapping: false, start: start, tag: optionalString(s.tag), anchor: optionalString(s.anchor)))
        case YAML_MAPPING_START_EVENT:
            let m = event.data.mapping_start
            try push(Frame(isMapping: true, start: start, tag: optionalString(m.tag), anchor: optionalString(m.anchor)))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard var frame = stack.popLast() else { return }
            let range = SourceRange(start: frame.start, end: end)
            var node: Node
            if frame.isMapping {
                if !frame.merged.isEmpty {
                    var present = Set(frame.entries.map(\.key))
                    for entry in frame.merged where !present.contains(entry.key) {
                        present.insert(entry.key)
                        frame.entries.append(entry)
                    }
                }
                node = Node(.mapping(frame.entries), range: range)
            } else {
                node = Node(.sequence(frame.items), range: range)
            }
            if frame.tag != nil { node = try applyTag(frame.tag, to: node, forcedString: false) }
            try complete(node, weight: frame.weight, anchor: frame.anchor, isPlainKeyCandidate: false)
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
            var node = target.node
            node.range = SourceRange(start: start, end: end)
            try complete(node, weight: target.weight, anchor: nil, isPlainKeyCandidate: false)
        default:
            break
        }
    }

    private mutating func push(_ frame: Frame) throws {
        if stack.count >= limits.maxDepth {
            diagnostics.append(ParseDiagnostic(
                kind: .limit,
                message: "nesting deeper than \(limits.maxDepth) levels (limit maxDepth; raise it under `limits:` in .iamlint.yml if the file is legitimate)",
                range: SourceRange(frame.start)))
            throw ParseAbort()
        }
        stack.append(frame)
    }

    /// Attaches a finished node to its parent (as a key, a value or an item) or makes it the root.
    private mutating func complete(_ node: consuming Node, weight: Int, anchor: String?, isPlainKeyCandidate: Bool) throws {
        if let anchor { anchors[anchor] = (node, weight) }
        guard !stack.isEmpty else {
            root = node
            return
        }
        let top = stack.count - 1
        stack[top].weight += weight
        if !stack[top].isMapping {
            stack[top].items.append(node)
            return
        }
        guard let key = stack[top].pendingKey else {
            guard case .scalar(let scalar) = node.kind else {
                fail("mapping keys must be strings, found a \(node.kindName)", at: node.range.start, end: node.range.end)
                throw ParseAbort()
            }
            let isMerge = isPlainKeyCandidate && scalar.text == "<<"
            stack[top].pendingKey = (scalar.text, node.range, isMerge)
            return
        }
        stack[top].pendingKey = nil
        if key.isMerge {
            try merge(node, into: top)
            return
        }
        let first = firstRange(of: key.text, inFrame: top)
        if let first {
            diagnostics.append(ParseDiagnostic(
                kind: .duplicateKey(key: key.text, first: first),
                message: "duplicate key '\(key.text)' (first defined at line \(first.start.line), column \(first.start.column))",
                range: key.range))
        }
        if stack[top].entries.isEmpty {
            // Most mappings have a handful of keys: one allocation instead of growing 1, 2, 4.
            stack[top].entries.reserveCapacity(4)
        }
        stack[top].entries.append(MappingEntry(key: key.text, keyRange: key.range, value: node))
        if first == nil {
            if stack[top].firstKeyRange != nil {
                stack[top].firstKeyRange![key.text] = key.range
            } else if stack[top].entries.count > 12 {
                var index: [String: SourceRange] = [:]
                for entry in stack[top].entries where index[entry.key] == nil { index[entry.key] = entry.keyRange }
                stack[top].firstKeyRange = index
            }
        }
    }

    /// The range of the first entry with `key` in the mapping `stack[top]`, or nil. Reads the
    /// frame in place: copying it would retain every array it holds.
    private func firstRange(of key: String, inFrame top: Int) -> SourceRange? {
        if stack[top].firstKeyRange != nil { return stack[top].firstKeyRange?[key] }
        let count = stack[top].entries.count
        var i = 0
        while i < count {
            if stack[top].entries[i].key == key { return stack[top].entries[i].keyRange }
            i += 1
        }
        return nil
    }

    private mutating func merge(_ node: Node, into top: Int) throws {
        switch node.kind {
        case .mapping(let entries):
            stack[top].merged.append(contentsOf: entries)
        case .sequence(let items):
            for item in items {
                guard case .mapping(let entries) = item.kind else {
                    fail("expected a mapping or list of mappings for merging, found a \(item.kindName)", at: item.range.start, end: item.range.end)
                    throw ParseAbort()
                }
                stack[top].merged.append(contentsOf: entries)
            }
        case .scalar:
            fail("expected a mapping or list of mappings for merging, found a \(node.kindName)", at: node.range.start, end: node.range.end)
            throw ParseAbort()
        }
    }

    /// Turns a CloudFormation short tag into its long form; keeps other tags on the node.
    private mutating func applyTag(_ tag: String?, to node: Node, forcedString: Bool) throws -> Node {
        guard let tag, tag != "!" else { return node }
        if forcedString, case .scalar(var s) = node.kind, s.style == .plain {
            s.style = .singleQuoted
            return Node(.scalar(s), range: node.range)
        }
        guard let longName = YAMLParser.cloudFormationTags[tag] else {
            var tagged = node
            if !tag.hasPrefix("tag:yaml.org,2002:") { tagged.tag = tag }
            return tagged
        }
        var value = node
        if longName == "Fn::GetAtt", case .scalar(let s) = node.kind {
            // `!GetAtt Resource.Attribute.Path` splits at the first dot.
            let parts = s.text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            value = Node(.sequence(parts.map { Node(.scalar(Scalar($0, style: s.style)), range: node.range) }), range: node.range)
        }
        if case .scalar(var s) = value.kind, s.isNull {
            s.style = .singleQuoted
            value = Node(.scalar(s), range: value.range)
        }
        let tagEnd = SourcePosition(line: node.range.start.line, column: node.range.start.column + tag.unicodeScalars.count)
        let keyRange = SourceRange(start: node.range.start, end: tagEnd)
        return Node(.mapping([MappingEntry(key: longName, keyRange: keyRange, value: value)]), range: node.range)
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

    private func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, count: Int) -> String {
        guard let pointer, count > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    private func optionalString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
