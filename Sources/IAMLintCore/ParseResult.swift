/// A problem a parser found, with the position it found it at.
public struct ParseDiagnostic: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// The text is not well-formed: the parser could not build a tree.
        case syntax
        /// A mapping repeats a key; reported at the second occurrence.
        case duplicateKey(key: String, first: SourceRange)
        /// A configured limit (size, depth, alias expansion) was hit.
        case limit
    }

    public var kind: Kind
    public var message: String
    public var range: SourceRange

    public init(kind: Kind, message: String, range: SourceRange) {
        self.kind = kind
        self.message = message
        self.range = range
    }
}

/// The documents a parser built and the problems it found. A syntax error leaves `documents` empty.
public struct ParseResult: Sendable {
    public var documents: [Node]
    public var diagnostics: [ParseDiagnostic]

    public init(documents: [Node], diagnostics: [ParseDiagnostic]) {
        self.documents = documents
        self.diagnostics = diagnostics
    }

    public var hasSyntaxError: Bool {
        diagnostics.contains { if case .syntax = $0.kind { return true } else { return false } }
    }
}

/// Bounds the parsers enforce so that hostile input cannot exhaust time or memory.
public struct ParserLimits: Sendable, Hashable {
    /// Deepest nesting of mappings and sequences.
    public var maxDepth: Int
    /// Most nodes that alias expansion may produce in one document.
    public var maxAliasExpansion: Int

    public init(maxDepth: Int = 512, maxAliasExpansion: Int = 100_000) {
        self.maxDepth = maxDepth
        self.maxAliasExpansion = maxAliasExpansion
    }

    public static let `default` = ParserLimits()

    /// The deepest `maxDepth` a configuration may ask for: the parsers do not recurse while
    /// parsing, but later tree walks do, and 10,000 levels stay well inside a thread's stack.
    public static let maxSupportedDepth = 10_000
}
