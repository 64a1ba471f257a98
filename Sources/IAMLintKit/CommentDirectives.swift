#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IAMLintCore
import IAMLintModel

/// Finds `# iamlint:ignore RULE[,RULE…] [-- reason]` comments in YAML and INI text.
///
/// A comment at the end of a line covers that line; a comment on a line of its own covers the next
/// line that holds something. When that line opens an entity (a resource, a profile section), the
/// suppression covers the whole entity.
enum CommentDirectives {
    static let marker = Array("iamlint:ignore".utf8)

    static func scan(_ bytes: [UInt8], file: String, entityLines: [ClosedRange<Int>]) -> [Suppression] {
        guard contains(bytes, marker) else { return [] }
        let lines = splitLines(bytes)
        // The next line that holds something, and the entity opening on each line: computed once,
        // so that a file full of directives stays linear.
        var nextContent = [Int](repeating: lines.count, count: lines.count + 1)
        for i in lines.indices.reversed() { nextContent[i] = isBlankOrComment(lines[i]) ? nextContent[i + 1] : i }
        var entityStarting: [Int: ClosedRange<Int>] = [:]
        for range in entityLines where entityStarting[range.lowerBound] == nil { entityStarting[range.lowerBound] = range }
        var result: [Suppression] = []
        for (index, line) in lines.enumerated() {
            guard let markerAt = find(line, marker), let hash = commentStart(line, before: markerAt) else { continue }
            let ownLine = line[..<hash].allSatisfy { $0 == 0x20 || $0 == 0x09 }
            var target = index + 1
            if ownLine { target = nextContent[index + 1] + 1 }
            let directive = String(decoding: line[(markerAt + marker.count)...], as: UTF8.self)
            let (rules, reason) = parse(directive)
            let scope = entityStarting[target] ?? target...target
            let column = String(decoding: line[..<hash], as: UTF8.self).unicodeScalars.count + 1
            let range = SourceRange(start: SourcePosition(line: index + 1, column: column),
                                    end: SourcePosition(line: index + 1, column: String(decoding: line, as: UTF8.self).unicodeScalars.count + 1))
            result.append(Suppression(rules: rules, reason: reason, lines: scope,
                                      provenance: Provenance(file: file, logicalPath: "", range: range)))
        }
        return result
    }

    /// `IAM101, admin-role-without-mfa -- reason` → rules and reason.
    static func parse(_ text: String) -> (rules: [String], reason: String) {
        var rulePart = Substring(text)
        var reason = ""
        if let dashes = text.firstRange(of: "--") {
            rulePart = text[..<dashes.lowerBound]
            reason = text[dashes.upperBound...].trimmingBlanks()
        }
        let rules = rulePart.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).map(String.init)
        return (rules, reason)
    }

    private static func commentStart(_ line: ArraySlice<UInt8>, before end: Int) -> Int? {
        var i = end - 1
        while i >= line.startIndex, line[i] == 0x20 || line[i] == 0x09 { i -= 1 }
        guard i >= line.startIndex, line[i] == UInt8(ascii: "#") || line[i] == UInt8(ascii: ";") else { return nil }
        if i > line.startIndex, line[i - 1] != 0x20 && line[i - 1] != 0x09 { return nil }
        return i
    }

    private static func isBlankOrComment(_ line: ArraySlice<UInt8>) -> Bool {
        guard let first = line.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return true }
        return first == UInt8(ascii: "#") || first == UInt8(ascii: ";")
    }

    private static func splitLines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        for (i, b) in bytes.enumerated() where b == 0x0A {
            lines.append(bytes[start..<(i > start && bytes[i - 1] == 0x0D ? i - 1 : i)])
            start = i + 1
        }
        lines.append(bytes[start...])
        return lines
    }

    /// The index of the first occurrence of `needle` in `haystack` (every file is searched for
    /// the marker, so this is one of the scan's hot loops).
    private static func find(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Int? {
        haystack.withUnsafeBufferPointer { ByteSearch.firstIndex(of: needle, in: $0) }.map { haystack.startIndex + $0 }
    }

    private static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        find(bytes[...], needle) != nil
    }
}
