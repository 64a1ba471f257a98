/// How serious a finding is. Ordered: `note` < `warning` < `error`.
public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable, Codable {
    case note
    case warning
    case error

    private var rank: Int {
        switch self {
        case .note: return 0
        case .warning: return 1
        case .error: return 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A rule's stable identity: a code (`IAM101`) that is never reused and a slug (`admin-role-without-mfa`).
///
/// Both texts live in one shared object, so that a finding carries one reference for them (8
/// bytes instead of 32: an organisation's scan keeps a hundred thousand findings).
public struct RuleID: Hashable, Sendable, Comparable, CustomStringConvertible {
    private final class Names: Sendable {
        let code: String
        let slug: String

        init(code: String, slug: String) {
            self.code = code
            self.slug = slug
        }
    }

    private var names: Names

    public var code: String {
        get { names.code }
        set { names = Names(code: newValue, slug: names.slug) }
    }

    public var slug: String {
        get { names.slug }
        set { names = Names(code: names.code, slug: newValue) }
    }

    public init(code: String, slug: String) {
        names = Names(code: code, slug: slug)
    }

    public static func == (lhs: RuleID, rhs: RuleID) -> Bool {
        lhs.names === rhs.names || (lhs.code == rhs.code && lhs.slug == rhs.slug)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(slug)
    }

    public static func < (lhs: RuleID, rhs: RuleID) -> Bool { lhs.code < rhs.code }

    public var description: String { "\(code) \(slug)" }
}

/// Another place that helps explain a finding: the first of two duplicates, a hop of a chain.
public struct RelatedLocation: Hashable, Sendable {
    public var location: SourceLocation
    public var message: String

    public init(location: SourceLocation, message: String) {
        self.location = location
        self.message = message
    }
}

/// A finding's message as it is kept: a text between a fixed head and a fixed tail (`role '`, the
/// role's name, `' has a fixed RoleName: …`), so that a rule that reports nearly every resource of
/// an organisation keeps only the part that varies (often a string of the model, shared) instead
/// of spelling a hundred bytes a finding. Reports write the three parts one after another;
/// `string` spells them as one.
public struct MessageText: Hashable, Comparable, @unchecked Sendable, CustomStringConvertible {
    /// The part between the head and the tail; the whole message when they are empty.
    public private(set) var text: String
    // The head and tail: static text (string literals), never freed or changed, hence
    // `@unchecked Sendable`. Counts of 16 bits keep a finding at 120 bytes.
    private var headStart: UnsafePointer<UInt8>?
    private var tailStart: UnsafePointer<UInt8>?
    private var headCount: UInt16 = 0
    private var tailCount: UInt16 = 0

    /// A message that is `text` alone.
    public init(_ text: String) {
        self.text = text
    }

    /// The message `head + text + tail`. Each of `head` and `tail` must be a literal of fewer
    /// than 65,536 bytes.
    public init(_ head: StaticString, _ text: String, _ tail: StaticString) {
        self.text = text
        (headStart, headCount) = Self.part(head)
        (tailStart, tailCount) = Self.part(tail)
    }

    private static func part(_ literal: StaticString) -> (UnsafePointer<UInt8>?, UInt16) {
        precondition(literal.hasPointerRepresentation && literal.utf8CodeUnitCount <= Int(UInt16.max), "a message part must be a literal of at most 65,535 bytes")
        guard literal.utf8CodeUnitCount > 0 else { return (nil, 0) }
        return (literal.utf8Start, UInt16(literal.utf8CodeUnitCount))
    }

    /// True when the message is `text` alone.
    private var isPlain: Bool { headCount == 0 && tailCount == 0 }

    /// The message's UTF-8 length.
    public var utf8Count: Int { Int(headCount) + text.utf8.count + Int(tailCount) }

    /// The message spelt out (a new string unless it is `text` alone).
    public var string: String {
        if isPlain { return text }
        return String(unsafeUninitializedCapacity: utf8Count) { buffer in
            var offset = 0
            forEachPart { part in
                guard let source = part.baseAddress, let target = buffer.baseAddress else { return }
                (target + offset).update(from: source, count: part.count)
                offset += part.count
            }
            return offset
        }
    }

    public var description: String { string }

    /// The UTF-8 of the head (empty for a message that is `text` alone).
    public var headUTF8: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: headStart, count: Int(headCount)) }

    /// The UTF-8 of the tail (empty for a message that is `text` alone).
    public var tailUTF8: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: tailStart, count: Int(tailCount)) }

    /// Calls `body` with the UTF-8 of the head, the text and the tail in turn (the empty ones
    /// left out): their concatenation is `string`.
    public func forEachPart(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        if headCount > 0 { body(headUTF8) }
        if !text.isEmpty {
            // Native strings lend their bytes without a copy.
            if text.utf8.withContiguousStorageIfAvailable(body) == nil {
                var copy = text
                copy.withUTF8(body)
            }
        }
        if tailCount > 0 { body(tailUTF8) }
    }

    /// Equal when the messages spelt out are equal (as strings compare), however they are split.
    public static func == (lhs: MessageText, rhs: MessageText) -> Bool {
        if lhs.isPlain && rhs.isPlain { return lhs.text == rhs.text }
        return lhs.string == rhs.string
    }

    public static func < (lhs: MessageText, rhs: MessageText) -> Bool {
        if lhs.isPlain && rhs.isPlain { return lhs.text < rhs.text }
        return lhs.string < rhs.string
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(string)
    }
}

/// One problem found by a rule, pointing at an exact place and naming the entity it is about.
///
/// The one-byte `severity` is stored last, after the message's part counts, where it needs no
/// padding (120 bytes a finding).
public struct Finding: Hashable, Sendable {
    public var rule: RuleID
    public var location: SourceLocation
    /// Where in the document: `Resources.Admin.Properties.AssumeRolePolicyDocument.Statement[0]`, `profile dev`.
    public var logicalLocation: String
    /// The entity the finding is about (a role name, a profile name); part of the baseline key.
    public var subject: String
    public var related: [RelatedLocation]
    /// The message as it is kept; `message` spells it.
    public var messageText: MessageText
    public var severity: Severity

    /// Lower-case, no trailing period, names the entity and the fact.
    public var message: String {
        get { messageText.string }
        set { messageText = MessageText(newValue) }
    }

    public init(
        rule: RuleID, severity: Severity, message: String, location: SourceLocation,
        logicalLocation: String, subject: String, related: [RelatedLocation] = []
    ) {
        self.init(
            rule: rule, severity: severity, message: MessageText(message), location: location,
            logicalLocation: logicalLocation, subject: subject, related: related)
    }

    /// A finding whose message is kept in parts (see `MessageText`).
    public init(
        rule: RuleID, severity: Severity, message: MessageText, location: SourceLocation,
        logicalLocation: String, subject: String, related: [RelatedLocation] = []
    ) {
        self.rule = rule
        self.severity = severity
        self.messageText = message
        self.location = location
        self.logicalLocation = logicalLocation
        self.subject = subject
        self.related = related
    }

    /// Sorts `findings` by `outputOrder`, stably (as `sort(by: outputOrder)`): the positions are
    /// sorted, then the findings moved into place along the permutation's cycles, each once and
    /// without a copy (a copy of a finding retains and releases each of its texts, and a second
    /// array would hold them all twice).
    public static func sortInOutputOrder(_ findings: inout [Finding]) {
        // Compared where they lie, through the buffer: an array's element passed to a function
        // may be copied first (retaining each of its texts), twice a comparison.
        var order = Array(findings.indices)
        findings.withUnsafeBufferPointer { buffer in
            order.sort { outputOrder(buffer[$0], buffer[$1]) }
        }
        findings.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            // Position `k` receives the finding at `order[k]`; a done position gets `order[k] == k`.
            for start in order.indices where order[start] != start {
                let first = (base + start).move()
                var k = start
                while order[k] != start {
                    let from = order[k]
                    (base + k).moveInitialize(from: base + from, count: 1)
                    order[k] = k
                    k = from
                }
                (base + k).initialize(to: first)
                order[k] = k
            }
        }
    }

    /// The deterministic output order: path, line, column, rule, logical location, message.
    public static func outputOrder(_ a: Finding, _ b: Finding) -> Bool {
        if a.location.file != b.location.file { return a.location.file < b.location.file }
        if a.location.range.start != b.location.range.start { return a.location.range.start < b.location.range.start }
        if a.rule.code != b.rule.code { return a.rule.code < b.rule.code }
        if a.logicalLocation != b.logicalLocation { return a.logicalLocation < b.logicalLocation }
        return a.messageText < b.messageText
    }
}
