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

/// A finding's text as it is kept (its message, its logical location): a text between a fixed
/// head and a fixed tail (`role '`, the role's name, `' has a fixed RoleName: …`), so that a rule
/// that reports nearly every resource of an organisation keeps only the part that varies (often a
/// string of the model, shared) instead of spelling a hundred bytes a finding. Reports write the
/// three parts one after another; `string` spells them as one.
///
/// 32 bytes: the head and the tail are each kept as one word, the literal's address and its
/// length packed together (a finding holds two such texts and stays at 128 bytes).
public struct MessageText: Hashable, Comparable, @unchecked Sendable, CustomStringConvertible {
    /// The part between the head and the tail; the whole message when they are empty.
    public private(set) var text: String
    // The head and tail: static text (string literals), never freed or changed, hence
    // `@unchecked Sendable`. Each word is `address << 16 | count << 2 | spare`: user-space
    // addresses take at most 48 bits, and a part is at most 16,383 bytes. The two spare bits
    // of `tail` are `spare` (a finding keeps its severity there).
    private var head: UInt64 = 0
    private var tail: UInt64 = 0

    /// The longest head or tail kept as a literal.
    private static let partLimit = (1 << 14) - 1

    /// A message that is `text` alone.
    public init(_ text: String) {
        self.text = text
    }

    /// The message `head + text + tail`. Each of `head` and `tail` must be a literal (a part
    /// that cannot be kept as one is spelled into the text).
    public init(_ head: StaticString, _ text: String, _ tail: StaticString) {
        guard let headWord = Self.word(head), let tailWord = Self.word(tail) else {
            self.text = Self.spelled(head, text, tail)
            return
        }
        self.text = text
        self.head = headWord
        self.tail = tailWord
    }

    /// A literal's packed word (0 for an empty one); nil when it cannot be packed.
    private static func word(_ literal: StaticString) -> UInt64? {
        precondition(literal.hasPointerRepresentation, "a message part must be a string literal")
        let count = literal.utf8CodeUnitCount
        guard count > 0 else { return 0 }
        let address = UInt64(UInt(bitPattern: literal.utf8Start))
        guard count <= partLimit, address >> 48 == 0 else { return nil }
        return address << 16 | UInt64(count) << 2
    }

    private static func spelled(_ head: StaticString, _ text: String, _ tail: StaticString) -> String {
        var whole = ""
        head.withUTF8Buffer { whole += String(decoding: $0, as: UTF8.self) }
        whole += text
        tail.withUTF8Buffer { whole += String(decoding: $0, as: UTF8.self) }
        return whole
    }

    private static func count(_ word: UInt64) -> Int { Int(truncatingIfNeeded: word >> 2) & partLimit }

    private static func bytes(_ word: UInt64) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: UnsafePointer(bitPattern: UInt(truncatingIfNeeded: word >> 16)), count: count(word))
    }

    /// Two bits kept with the text that take no part in its value (a finding's severity).
    var spare: UInt8 {
        get { UInt8(truncatingIfNeeded: tail & 3) }
        set { tail = tail & ~3 | UInt64(newValue & 3) }
    }

    /// The same text without `spare`.
    var withoutSpare: MessageText {
        var copy = self
        copy.spare = 0
        return copy
    }

    /// True when the message is `text` alone.
    private var isPlain: Bool { head == 0 && tail >> 2 == 0 }

    /// The message's UTF-8 length.
    public var utf8Count: Int { Self.count(head) + text.utf8.count + Self.count(tail) }

    /// True when the message is empty.
    public var isEmpty: Bool { isPlain && text.isEmpty }

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
    public var headUTF8: UnsafeBufferPointer<UInt8> { Self.bytes(head) }

    /// The UTF-8 of the tail (empty for a message that is `text` alone).
    public var tailUTF8: UnsafeBufferPointer<UInt8> { Self.bytes(tail) }

    /// Calls `body` with the UTF-8 of the head, the text and the tail in turn (the empty ones
    /// left out): their concatenation is `string`.
    public func forEachPart(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        if Self.count(head) > 0 { body(headUTF8) }
        if !text.isEmpty {
            // Native strings lend their bytes without a copy.
            if text.utf8.withContiguousStorageIfAvailable(body) == nil {
                var copy = text
                copy.withUTF8(body)
            }
        }
        if Self.count(tail) > 0 { body(tailUTF8) }
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
/// 128 bytes, with no allocation of its own for a finding whose texts are kept in parts: the
/// logical location and the message are `MessageText`s (a rule that reports nearly every
/// resource of an organisation keeps the resource's logical name between two literals instead of
/// a spelled path), and the severity is kept in the message's spare bits.
public struct Finding: Hashable, Sendable {
    public var rule: RuleID
    public var location: SourceLocation
    /// The logical location as it is kept; `logicalLocation` spells it.
    public var logicalLocationText: MessageText
    /// The entity the finding is about (a role name, a profile name); part of the baseline key.
    public var subject: String
    public var related: [RelatedLocation]
    /// The message, its `spare` bits the severity's rank.
    private var storedMessage: MessageText

    /// Where in the document: `Resources.Admin.Properties.AssumeRolePolicyDocument.Statement[0]`, `profile dev`.
    public var logicalLocation: String {
        get { logicalLocationText.string }
        set { logicalLocationText = MessageText(newValue) }
    }

    /// The message as it is kept; `message` spells it.
    public var messageText: MessageText {
        get { storedMessage.withoutSpare }
        set {
            let rank = storedMessage.spare
            storedMessage = newValue
            storedMessage.spare = rank
        }
    }

    public var severity: Severity {
        get {
            switch storedMessage.spare {
            case 0: return .note
            case 1: return .warning
            default: return .error
            }
        }
        set {
            switch newValue {
            case .note: storedMessage.spare = 0
            case .warning: storedMessage.spare = 1
            case .error: storedMessage.spare = 2
            }
        }
    }

    /// Lower-case, no trailing period, names the entity and the fact.
    public var message: String {
        get { storedMessage.string }
        set { messageText = MessageText(newValue) }
    }

    public init(
        rule: RuleID, severity: Severity, message: String, location: SourceLocation,
        logicalLocation: String, subject: String, related: [RelatedLocation] = []
    ) {
        self.init(
            rule: rule, severity: severity, message: MessageText(message), location: location,
            logicalLocation: MessageText(logicalLocation), subject: subject, related: related)
    }

    /// A finding whose message is kept in parts (see `MessageText`).
    public init(
        rule: RuleID, severity: Severity, message: MessageText, location: SourceLocation,
        logicalLocation: String, subject: String, related: [RelatedLocation] = []
    ) {
        self.init(
            rule: rule, severity: severity, message: message, location: location,
            logicalLocation: MessageText(logicalLocation), subject: subject, related: related)
    }

    /// A finding whose message and logical location are kept in parts (see `MessageText`).
    public init(
        rule: RuleID, severity: Severity, message: MessageText, location: SourceLocation,
        logicalLocation: MessageText, subject: String, related: [RelatedLocation] = []
    ) {
        self.rule = rule
        self.storedMessage = message.withoutSpare
        self.location = location
        self.logicalLocationText = logicalLocation
        self.subject = subject
        self.related = related
        self.severity = severity
    }

    public static func == (a: Finding, b: Finding) -> Bool {
        a.rule == b.rule && a.severity == b.severity && a.location == b.location && a.logicalLocationText == b.logicalLocationText
            && a.subject == b.subject && a.related == b.related && a.messageText == b.messageText
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rule)
        hasher.combine(location)
        hasher.combine(logicalLocationText)
        hasher.combine(subject)
        hasher.combine(related)
        hasher.combine(messageText)
        hasher.combine(severity)
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
        if a.logicalLocationText != b.logicalLocationText { return a.logicalLocationText < b.logicalLocationText }
        return a.storedMessage.withoutSpare < b.storedMessage.withoutSpare
    }
}
