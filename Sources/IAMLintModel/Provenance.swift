import IAMLintCore

/// Where a model element came from: the file, the logical path inside it and the exact range.
///
/// The logical path is kept as a chain of shared steps (`LogicalPath`): `child` adds one step to
/// its parent's chain instead of spelling a new string, and `logicalPath` spells the text when it
/// is read (for messages, baselines and the few rules that compare paths). The file is kept in
/// the chain's first step, so a provenance holds one reference (28 bytes; with the file beside
/// the path, 44 bytes and two references, both retained by every copy). A large organisation's
/// model holds a provenance for every statement, document and grant.
public struct Provenance: Sendable, Hashable {
    private var path: LogicalPath
    public var range: SourceRange

    public init(file: String, logicalPath: String, range: SourceRange) {
        self.path = LogicalPath(file: file, text: logicalPath)
        self.range = range
    }

    /// A provenance whose children are `children` (a template's logical ids under
    /// `Resources`): `child(at:range:)` makes the provenance of one of them without an
    /// allocation of its own.
    public init(file: String, logicalPath: String, children: [String], range: SourceRange) {
        self.path = LogicalPath(file: file, text: logicalPath, children: children)
        self.range = range
    }

    private init(path: LogicalPath, range: SourceRange) {
        self.path = path
        self.range = range
    }

    /// The file, as written by the loader that made the provenance (read from the path's first step).
    public var file: String {
        get { path.file }
        set { path = LogicalPath(file: newValue, text: path.text) }
    }

    /// The logical path inside the file: `Resources.Admin.Properties.Policies[0].PolicyDocument`.
    public var logicalPath: String {
        get { path.text }
        set { path = LogicalPath(file: path.file, text: newValue) }
    }

    public var location: SourceLocation { SourceLocation(file: file, range: range) }

    /// The key of the path's last step when it has no index: a resource's logical id in the
    /// provenance `Resources.<logical id>` (nil for a path that ends in an indexed or inline step).
    var lastKey: String? { path.lastKey }

    /// The same file, a deeper logical path and another range: the path is `logicalPath.path`, or
    /// `path` alone when `logicalPath` is empty.
    public func child(_ path: String, range: SourceRange) -> Provenance {
        Provenance(path: self.path.appending(path, index: nil), range: range)
    }

    /// `child(children[position], range:)` on a provenance made with `children` (and no more
    /// steps), without a step of its own.
    public func child(at position: Int, range: SourceRange) -> Provenance {
        Provenance(path: path.appendingChild(at: position), range: range)
    }

    /// `child("\(key)[\(index)]", range:)`, without spelling the step.
    public func child(_ key: String, index: Int, range: SourceRange) -> Provenance {
        Provenance(path: path.appending(key, index: index), range: range)
    }

    public static func == (a: Provenance, b: Provenance) -> Bool {
        guard a.range == b.range else { return false }
        // The same chain is the same file and path.
        if a.path.isSameChain(as: b.path) { return true }
        return a.file == b.file && a.path == b.path
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(file)
        hasher.combine(path)
        hasher.combine(range)
    }
}

/// A logical path as a chain of steps shared with the paths it was made from, and the file it is
/// in (kept in the chain's first step). Equality and hashing are those of the spelled text; the
/// file takes no part in them.
struct LogicalPath: Sendable, Hashable {
    /// One step: its parent's path, then `.key` (or `key` alone after an empty path), then
    /// `[index]` when there is one (`IndexedStep`).
    ///
    /// 40 bytes, which malloc rounds to 48 (with the index in every step, 45 rounded to 64):
    /// most steps have no index or one spelled into a key short enough to be stored inline
    /// (`Policies[3]`). The steps a large organisation's model holds one of per resource,
    /// document, statement and grant are not `Step`s but kept in the path's `tail`: a
    /// CloudFormation resource's (its position among a `TableRootStep`'s children), a
    /// document's, an inline policy's, a managed policy ARN's and a statement's.
    private class Step: @unchecked Sendable {
        /// The parent step, retained by this step and released by `deinit`: kept unmanaged so
        /// that walks up the chain (the file, spelling) read it without reference counting.
        let parentLink: Unmanaged<Step>?
        let key: String

        init(parent: Step?, key: String) {
            parentLink = parent.map { Unmanaged.passRetained($0) }
            self.key = key
        }

        deinit { parentLink?.release() }

        var index: Int32? { nil }
    }

    /// The first step of every chain (the only one without a parent): the file, and the text
    /// the path was made with (often empty). 56 bytes, one per `Provenance(file:logicalPath:)`.
    private class RootStep: Step, @unchecked Sendable {
        let file: String

        init(file: String, key: String) {
            self.file = file
            super.init(parent: nil, key: key)
        }
    }

    /// A root with the keys of its children (a template's logical ids under `Resources`): the
    /// step to a child is kept in `tail` as its position here, not in a `Step` of its own.
    private final class TableRootStep: RootStep, @unchecked Sendable {
        let children: [String]

        init(file: String, key: String, children: [String]) {
            self.children = children
            super.init(file: file, key: key)
        }
    }

    /// A step whose `key[index]` is too long to be spelled into an inline key.
    private final class IndexedStep: Step, @unchecked Sendable {
        let storedIndex: Int32

        init(parent: Step?, key: String, index: Int32) {
            storedIndex = index
            super.init(parent: parent, key: key)
        }

        override var index: Int32? { storedIndex }
    }

    /// The last step: the root (`RootStep`) for a path made from text.
    private let last: Step
    /// Up to four more steps after `last`, kept here rather than in `Step`s of their own: every
    /// resource, policy document, statement and managed-policy grant has such a path, and a step
    /// is an allocation (48 bytes, 64 with an index that does not fit an inline key) while these
    /// fit beside `last`. The top 12 bits: 0, or one more than the position of a child of a
    /// `TableRootStep` `last` (`childPosition`); the next 4 bits: 0, or one more than the position in
    /// `forms` of the steps after that (`formID`); the next 6 bits: 0, or one more than the
    /// index of the form's first step when it has one (`formIndex`); the low 10 bits: 0, or one
    /// more than the index of a `Statement[index]` step after them (`statementIndex`). Larger
    /// positions and indexes are `Step`s.
    private let tail: UInt32

    /// One or two steps kept in `tail`: `first` (with an index when `firstIsIndexed`), then
    /// `second` when there is one; a `Statement[index]` step may follow when `isDocument`.
    private struct TailForm {
        let first: String
        let firstIsIndexed: Bool
        let second: String?
        let isDocument: Bool
    }

    /// The steps the loaders and the graph append to a resource's path: its policy documents
    /// (`Properties.Policies[index].PolicyDocument` for an inline policy) and its managed policy
    /// ARNs (`Properties.ManagedPolicyArns[index]`, one grant each).
    private static let forms = [
        TailForm(first: "Properties.AssumeRolePolicyDocument", firstIsIndexed: false, second: nil, isDocument: true),
        TailForm(first: "Properties.PolicyDocument", firstIsIndexed: false, second: nil, isDocument: true),
        TailForm(first: "PolicyDocument", firstIsIndexed: false, second: nil, isDocument: true),
        TailForm(first: "Properties.Policies", firstIsIndexed: true, second: nil, isDocument: false),
        TailForm(first: "Properties.Policies", firstIsIndexed: true, second: "PolicyDocument", isDocument: true),
        TailForm(first: "Properties.ManagedPolicyArns", firstIsIndexed: true, second: nil, isDocument: false),
    ]
    /// One more than the largest child position kept in `tail`.
    private static let childLimit = (1 << 12) - 1
    /// One more than the largest index of a form's first step kept in `tail`.
    private static let formIndexLimit = (1 << 6) - 1
    /// One more than the largest statement index kept in `tail`.
    private static let statementLimit = (1 << 10) - 1
    /// The bits of `tail` after the child's.
    private static let stepsMask: UInt32 = (1 << 20) - 1

    init(file: String, text: String) {
        last = RootStep(file: file, key: text)
        tail = 0
    }

    /// A root whose children are `children`, reached by position (`appendingChild(at:)`).
    init(file: String, text: String, children: [String]) {
        last = TableRootStep(file: file, key: text, children: children)
        tail = 0
    }

    private init(last: Step, tail: UInt32 = 0) {
        self.last = last
        self.tail = tail
    }

    /// The position of the child of `last` kept in `tail`; -1 when there is none.
    private var childPosition: Int { Int(tail >> 20) - 1 }

    /// The position in `forms` of the steps kept in `tail`; -1 when there are none.
    private var formID: Int { Int((tail >> 16) & 0xF) - 1 }

    /// The index of the form's first step (when it has one).
    private var formIndex: Int32 { Int32((tail >> 10) & 0x3F) - 1 }

    /// The index of the statement step kept in `tail`; -1 when there is none.
    private var statementIndex: Int32 { Int32(tail & 0x3FF) - 1 }

    /// The key of the child of `last` kept in `tail` (`last` is then a `TableRootStep`).
    private var childKey: String? {
        let position = childPosition
        guard position >= 0 else { return nil }
        return unsafeDowncast(last, to: TableRootStep.self).children[position]
    }

    /// The key of the path's last step when it has no index: a resource's logical id in its
    /// provenance (`Principal.logicalName`).
    var lastKey: String? {
        if tail == 0 { return last.index == nil ? last.key : nil }
        return tail & Self.stepsMask == 0 ? childKey : nil
    }

    /// The path to the child of a `TableRootStep` at `position` among its children (the path
    /// of a path made with `init(file:text:children:)`).
    func appendingChild(at position: Int) -> LogicalPath {
        guard tail == 0, let root = last as? TableRootStep else {
            preconditionFailure("appendingChild(at:) on a path not made with children")
        }
        guard position < Self.childLimit else { return LogicalPath(last: Step(parent: root, key: root.children[position])) }
        return LogicalPath(last: last, tail: UInt32(position + 1) << 20)
    }

    /// The file, from the chain's first step (read without reference counting on the way up:
    /// `last` keeps the chain alive).
    var file: String {
        withExtendedLifetime(last) {
            var current = Unmanaged.passUnretained(last)
            while let parent = current._withUnsafeGuaranteedRef({ $0.parentLink }) { current = parent }
            // Every chain starts at a `RootStep`: only `init(file:text:)` makes a step without a parent.
            return current._withUnsafeGuaranteedRef { unsafeDowncast($0, to: RootStep.self).file }
        }
    }

    /// Whether both paths are the same steps (so the same file and text).
    func isSameChain(as other: LogicalPath) -> Bool {
        last === other.last && tail == other.tail
    }

    /// The last step as a `Step`: `last`, then new steps for those kept in `tail`.
    private var chain: Step {
        guard tail != 0 else { return last }
        var step = last
        if let childKey { step = Step(parent: step, key: childKey) }
        let id = formID
        if id >= 0 {
            let form = Self.forms[id]
            step = form.firstIsIndexed ? Self.step(parent: step, key: form.first, index: formIndex) : Step(parent: step, key: form.first)
            if let second = form.second { step = Step(parent: step, key: second) }
        }
        let index = statementIndex
        if index >= 0 { step = Self.step(parent: step, key: "Statement", index: index) }
        return step
    }

    func appending(_ key: String, index: Int?) -> LogicalPath {
        // The steps of a form and then a statement's are kept inline (the first step after them
        // makes them `Step`s).
        if tail & Self.stepsMask == 0 {
            let indexed = index != nil
            if let id = Self.forms.firstIndex(where: { $0.second == nil && $0.firstIsIndexed == indexed && $0.first == key }) {
                let position = index ?? 0
                if position >= 0, position < Self.formIndexLimit {
                    return LogicalPath(last: last, tail: tail | UInt32(id + 1) << 16 | UInt32(indexed ? position + 1 : 0) << 10)
                }
            }
        }
        let id = formID
        if tail & 0x3FF == 0 {
            if let index, key == "Statement" {
                if index >= 0, index < Self.statementLimit, id < 0 || Self.forms[id].isDocument {
                    return LogicalPath(last: last, tail: tail | UInt32(index + 1))
                }
            } else if index == nil, id >= 0, Self.forms[id].second == nil {
                let form = Self.forms[id]
                if let next = Self.forms.firstIndex(where: { $0.second == key && $0.first == form.first && $0.firstIsIndexed == form.firstIsIndexed }) {
                    return LogicalPath(last: last, tail: tail & ~(0xF << 16) | UInt32(next + 1) << 16)
                }
            }
        }
        let parent = chain
        // An index that does not fit 32 bits is spelled into the key instead, and so is one
        // whose spelling fits in an inline string.
        if let index, let small = Int32(exactly: index) { return LogicalPath(last: Self.step(parent: parent, key: key, index: small)) }
        return LogicalPath(last: Step(parent: parent, key: index.map { "\(key)[\($0)]" } ?? key))
    }

    /// The step `key[index]` after `parent`: the index spelled into an inline key when it fits.
    private static func step(parent: Step, key: String, index: Int32) -> Step {
        if let spelled = inlineSpelling(key, Int(index)) { return Step(parent: parent, key: spelled) }
        return IndexedStep(parent: parent, key: key, index: index)
    }

    private static let statementSteps: [String] = (0..<16).map { "Statement[\($0)]" }

    /// `"\(key)[\(index)]"` when it is at most 15 UTF-8 bytes (a `String` stores those inline,
    /// without an allocation) and `index` is not negative; nil otherwise.
    private static func inlineSpelling(_ key: String, _ index: Int) -> String? {
        guard index >= 0 else { return nil }
        // Nearly every indexed step is one of a document's first statements: spelled once.
        if index < statementSteps.count, key == "Statement" { return statementSteps[index] }
        var digits = 1
        var rest = index / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        let count = key.utf8.count + digits + 2
        guard count <= 15 else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 15) { buffer in
            var i = 0
            for byte in key.utf8 {
                buffer[i] = byte
                i += 1
            }
            buffer[i] = UInt8(ascii: "[")
            var n = index
            var k = i + digits
            while k > i {
                buffer[k] = UInt8(ascii: "0") + UInt8(n % 10)
                n /= 10
                k -= 1
            }
            buffer[count - 1] = UInt8(ascii: "]")
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<count]), as: UTF8.self)
        }
    }

    /// The path as text, spelled as the chain of `Provenance.child` calls would have spelled it.
    ///
    /// One walk up the chain sums the bytes, and a second writes them back to front into a
    /// string of exactly that size (appending step by step grew the string several times).
    var text: String {
        // A path whose only text is one step's key without an index is that key (shared, not
        // copied): the root's, or that of the step after a root without text.
        if tail == 0, last.index == nil {
            guard let parent = last.parentLink else { return last.key }
            if parent._withUnsafeGuaranteedRef({ $0.parentLink == nil && $0.key.isEmpty }) { return last.key }
        }
        // The walks hold no reference of their own: `last` keeps the chain alive.
        let id = formID
        return withExtendedLifetime(last) {
            Self.spell(last, child: childKey, form: id < 0 ? nil : Self.forms[id], formIndex: formIndex, statementIndex: statementIndex)
        }
    }

    /// The text of the chain ending at `last`, then the step `child` when there is one, then the
    /// steps of `form` when there is one (its first with `formIndex` when indexed), then the step
    /// `Statement[statementIndex]` when that is not negative. A step is preceded by `.` when the
    /// text before it is not empty: every step below the highest one with text of its own.
    private static func spell(_ last: Step, child: String?, form: TailForm?, formIndex: Int32, statementIndex: Int32) -> String {
        var count = 0
        var dots = 0
        do {
            var depth = 0
            unowned(unsafe) var current = last
            while true {
                let own = componentCount(key: current.key, index: current.index)
                if own > 0 { dots = depth }
                count += own
                depth += 1
                guard let parent = current.parentLink else { break }
                current = parent.takeUnretainedValue()
            }
        }
        count += dots
        // Each step kept inline is preceded by `.` when there is text before it.
        if let child {
            count += componentCount(key: child, index: nil) + (count > 0 ? 1 : 0)
        }
        if let form {
            count += componentCount(key: form.first, index: form.firstIsIndexed ? formIndex : nil) + (count > 0 ? 1 : 0)
            if let second = form.second { count += componentCount(key: second, index: nil) + 1 }
        }
        if statementIndex >= 0 {
            count += componentCount(key: "Statement", index: statementIndex) + (count > 0 ? 1 : 0)
        }
        guard count > 0 else { return "" }
        return String(unsafeUninitializedCapacity: count) { buffer in
            var end = count
            if statementIndex >= 0 {
                end = spell(key: "Statement", index: statementIndex, endingAt: end, into: buffer)
                if end > 0 {
                    end -= 1
                    buffer[end] = UInt8(ascii: ".")
                }
            }
            if let form {
                if let second = form.second {
                    end = spell(key: second, index: nil, endingAt: end, into: buffer)
                    end -= 1
                    buffer[end] = UInt8(ascii: ".")
                }
                end = spell(key: form.first, index: form.firstIsIndexed ? formIndex : nil, endingAt: end, into: buffer)
                if end > 0 {
                    end -= 1
                    buffer[end] = UInt8(ascii: ".")
                }
            }
            if let child {
                end = spell(key: child, index: nil, endingAt: end, into: buffer)
                if end > 0 {
                    end -= 1
                    buffer[end] = UInt8(ascii: ".")
                }
            }
            unowned(unsafe) var current = last
            while true {
                end = spell(key: current.key, index: current.index, endingAt: end, into: buffer)
                if end > 0 {
                    end -= 1
                    buffer[end] = UInt8(ascii: ".")
                }
                guard let parent = current.parentLink else { break }
                current = parent.takeUnretainedValue()
            }
            return count
        }
    }

    /// The UTF-8 length of a step's own text: `key`, or `key[index]`.
    private static func componentCount(key: String, index: Int32?) -> Int {
        let count = key.utf8.count
        guard let index else { return count }
        var digits = index < 0 ? 2 : 1
        var rest = Int(index).magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        return count + digits + 2
    }

    /// Writes a step's own text so that it ends before `end`; answers where it starts.
    private static func spell(key: String, index: Int32?, endingAt end: Int, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var end = end
        if let index {
            end -= 1
            buffer[end] = UInt8(ascii: "]")
            var rest = Int(index).magnitude
            repeat {
                end -= 1
                buffer[end] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            if index < 0 {
                end -= 1
                buffer[end] = UInt8(ascii: "-")
            }
            end -= 1
            buffer[end] = UInt8(ascii: "[")
        }
        var key = key
        return key.withUTF8 { bytes in
            let start = end - bytes.count
            if let from = bytes.baseAddress, let to = buffer.baseAddress {
                UnsafeMutableRawPointer(to + start).copyMemory(from: from, byteCount: bytes.count)
            }
            return start
        }
    }

    static func == (a: LogicalPath, b: LogicalPath) -> Bool {
        if a.isSameChain(as: b) { return true }
        return a.text == b.text
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(text)
    }
}
