/// A position in a source file: 1-based line and 1-based column (counted in Unicode scalars).
public struct SourcePosition: Hashable, Comparable, Sendable, CustomStringConvertible {
    // Stored in 32 bits each (files are limited to a few megabytes): every node, value, policy
    // text and provenance carries a range, and the model of a large organisation carries millions.
    private var storedLine: UInt32
    private var storedColumn: UInt32

    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = UInt32(clamping: newValue) }
    }

    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = UInt32(clamping: newValue) }
    }

    public init(line: Int, column: Int) {
        storedLine = UInt32(clamping: line)
        storedColumn = UInt32(clamping: column)
    }

    public static let start = SourcePosition(line: 1, column: 1)

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.storedLine, lhs.storedColumn) < (rhs.storedLine, rhs.storedColumn)
    }

    public var description: String { "\(line):\(column)" }
}

/// A half-open range in a source file: `start` is the first character, `end` the position just past the last.
public struct SourceRange: Hashable, Sendable, CustomStringConvertible {
    public var start: SourcePosition
    public var end: SourcePosition

    public init(start: SourcePosition, end: SourcePosition) {
        self.start = start
        self.end = end
    }

    public init(_ position: SourcePosition) {
        self.start = position
        self.end = SourcePosition(line: position.line, column: position.column + 1)
    }

    public static let fileStart = SourceRange(.start)

    public var description: String { "\(start)-\(end)" }
}

/// A range in a named file; `file` is the path as reported (relative to the scanned root).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var range: SourceRange

    public init(file: String, range: SourceRange) {
        self.file = file
        self.range = range
    }

    public var line: Int { range.start.line }
    public var column: Int { range.start.column }

    public var description: String { "\(file):\(range.start.line):\(range.start.column)" }
}
