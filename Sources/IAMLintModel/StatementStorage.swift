import IAMLintCore

/// One list of a statement (`Statement.actions`, `resources`, `principals`, `conditions`), read
/// in place: the elements stay in the statement's storage, which the list keeps alive (one
/// reference, as an array is; an empty list holds none). Made from an array (or a literal) when
/// a statement's list is replaced.
public struct StatementList<Element>: RandomAccessCollection {
    /// What holds the elements: a statement's storage or a list's own buffer; nil when empty.
    let owner: AnyObject?
    let base: UnsafePointer<Element>?
    public let count: Int

    init(owner: AnyObject?, base: UnsafePointer<Element>?, count: Int) {
        self.owner = owner
        self.base = base
        self.count = count
    }

    /// A list of its own holding `elements`.
    public init<Elements: Collection>(_ elements: Elements) where Elements.Element == Element {
        let count = elements.count
        guard count > 0 else {
            self.init(owner: nil, base: nil, count: 0)
            return
        }
        let buffer = StatementListBuffer<Element>.make(elements, count: count)
        self.init(owner: buffer, base: UnsafePointer(buffer.elements), count: count)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    // An addressor, as an array's: `list[i].field` reads the field in place, copying no more.
    public subscript(position: Int) -> Element {
        unsafeAddress {
            precondition(position >= 0 && position < count, "Index out of range")
            return base.unsafelyUnwrapped + position
        }
    }

    // `contains(where:)` and `first(where:)` as the collection's own: each element is handed
    // to `predicate` in place, not copied out first (rules ask them of every statement).
    public func contains(where predicate: (Element) throws -> Bool) rethrows -> Bool {
        var position = 0
        while position < count {
            if try predicate(base.unsafelyUnwrapped[position]) { return true }
            position &+= 1
        }
        return false
    }

    public func first(where predicate: (Element) throws -> Bool) rethrows -> Element? {
        var position = 0
        while position < count {
            if try predicate(base.unsafelyUnwrapped[position]) { return base.unsafelyUnwrapped[position] }
            position &+= 1
        }
        return nil
    }

    /// Replaces the list with one that holds its elements and then `element` (for code that
    /// builds statements: a statement's lists are read far more than they are changed).
    public mutating func append(_ element: Element) {
        self = StatementList(Array(self) + [element])
    }
}

extension StatementList: @unchecked Sendable where Element: Sendable {}

extension StatementList: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: Element...) {
        self.init(elements)
    }
}

extension StatementList: Equatable where Element: Equatable {
    public static func == (a: StatementList, b: StatementList) -> Bool {
        a.elementsEqual(b)
    }
}

extension StatementList: Hashable where Element: Hashable {
    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for element in self { hasher.combine(element) }
    }
}

extension StatementList: CustomStringConvertible {
    public var description: String { Array(self).description }
}

/// The elements of a `StatementList` made from an array: the count, then the elements.
final class StatementListBuffer<Element>: ManagedBuffer<Int, Element> {
    static func make<Elements: Collection>(_ elements: Elements, count: Int) -> StatementListBuffer where Elements.Element == Element {
        let object = create(minimumCapacity: count) { _ in 0 }
        let buffer = unsafeDowncast(object, to: StatementListBuffer.self)
        var next = buffer.elements
        for element in elements.prefix(count) {
            next.initialize(to: element)
            next += 1
        }
        buffer.header = count
        return buffer
    }

    var elements: UnsafeMutablePointer<Element> { withUnsafeMutablePointerToElements { $0 } }

    deinit {
        _ = withUnsafeMutablePointers { count, elements in elements.deinitialize(count: count.pointee) }
    }
}

/// A statement's fields, before its lists' elements (`StatementStorage`). The provenance is
/// 28 bytes whose last 20 need only 4-byte alignment: the counts and the effect and negations,
/// packed in three 32-bit words, fill the 12 bytes after it, before the two references: 56
/// bytes, so that a storage's size is a multiple of 16 more often (malloc's chunks are 16 bytes
/// apart and take 8 of their own: 64 bytes of header made most statements 16 bytes larger).
///
/// A list of principals or conditions too long for its 15 bits (`wide`) is counted in 16 bytes
/// before the elements instead (`StatementStorage.principalCount`).
struct StatementHeader {
    var provenance: Provenance
    /// The count of actions (bits 0–30) and `isNotAction` (bit 31).
    private var actionWord: UInt32 = 0
    /// The count of resources (bits 0–30) and `isNotResource` (bit 31).
    private var resourceWord: UInt32 = 0
    /// The count of principal entries (bits 0–14), `isNotPrincipal` (bit 15), the count of
    /// condition clauses (bits 16–30) and whether the effect is Deny (bit 31). Both counts
    /// are `wide` when either does not fit.
    private var listWord: UInt32 = 0
    /// The `Sid` and where the `NotAction`/`NotResource` keys are: nil when there are none.
    var rare: StatementRare?
    /// What rules derived from this storage (`Statement.derived(_:compute:)`), by fact type;
    /// read and written under `StatementFacts.lock`, emptied by any change, never copied.
    var facts: [ObjectIdentifier: Any] = [:]

    static let countMask: UInt32 = (1 << 31) - 1
    static let wide: UInt32 = (1 << 15) - 1

    init(provenance: Provenance, effect: Effect, isNotAction: Bool, isNotResource: Bool, isNotPrincipal: Bool, rare: StatementRare?) {
        self.provenance = provenance
        self.rare = rare
        self.effect = effect
        self.isNotAction = isNotAction
        self.isNotResource = isNotResource
        self.isNotPrincipal = isNotPrincipal
    }

    var effect: Effect {
        get { listWord >> 31 == 1 ? .deny : .allow }
        set { listWord = listWord & ~(1 << 31) | (newValue == .deny ? 1 << 31 : 0) }
    }

    var isNotAction: Bool {
        get { actionWord >> 31 == 1 }
        set { actionWord = actionWord & Self.countMask | (newValue ? 1 << 31 : 0) }
    }

    var isNotResource: Bool {
        get { resourceWord >> 31 == 1 }
        set { resourceWord = resourceWord & Self.countMask | (newValue ? 1 << 31 : 0) }
    }

    var isNotPrincipal: Bool {
        get { listWord & (1 << 15) != 0 }
        set { listWord = listWord & ~(1 << 15) | (newValue ? 1 << 15 : 0) }
    }

    var actionCount: Int { Int(actionWord & Self.countMask) }
    var resourceCount: Int { Int(resourceWord & Self.countMask) }
    /// Whether the counts of principals and conditions are kept before the elements.
    var isWide: Bool { listWord & Self.wide == Self.wide }
    /// The count of principal entries, when not `isWide`.
    var narrowPrincipalCount: Int { Int(listWord & Self.wide) }
    /// The count of condition clauses, when not `isWide`.
    var narrowConditionCount: Int { Int(listWord >> 16 & Self.wide) }

    /// Records `counts`; true when the principals and conditions are `wide` (the storage keeps
    /// their counts). A statement's lists are in memory: far fewer than 2^31 elements.
    mutating func setCounts(_ counts: StatementCounts) -> Bool {
        precondition(counts.actions <= Int(Self.countMask) && counts.resources <= Int(Self.countMask), "too many elements")
        actionWord = actionWord & ~Self.countMask | UInt32(counts.actions)
        resourceWord = resourceWord & ~Self.countMask | UInt32(counts.resources)
        let isWide = counts.principals >= Int(Self.wide) || counts.conditions >= Int(Self.wide)
        let principals = isWide ? Self.wide : UInt32(counts.principals)
        let conditions = isWide ? Self.wide : UInt32(counts.conditions)
        listWord = listWord & (1 << 31 | 1 << 15) | principals | conditions << 16
        return isWide
    }
}

/// The `Sid` and where the `NotAction` and `NotResource` keys are written, kept apart from the
/// header (a large organisation's statements have none of them). Never changed once made: a
/// change makes a new one.
final class StatementRare: Sendable {
    let sid: String?
    let notAction: SourceRange?
    let notResource: SourceRange?

    init(sid: String?, notAction: SourceRange?, notResource: SourceRange?) {
        self.sid = sid
        self.notAction = notAction
        self.notResource = notResource
    }

    /// `StatementRare(…)`, or nil when every part is nil.
    static func make(sid: String?, notAction: SourceRange?, notResource: SourceRange?) -> StatementRare? {
        sid == nil && notAction == nil && notResource == nil ? nil : StatementRare(sid: sid, notAction: notAction, notResource: notResource)
    }
}

/// A statement in one allocation: the header, then the actions, the resources, the principal
/// entries and the condition clauses, one after the other (every stride is a multiple of 8).
///
/// The header is read and written through its address: a field is written only through
/// `Statement.unique()`, when no other copy (so no other thread) can see the storage, and the
/// facts under their lock; the runtime's exclusivity check on every read (it costs more than the
/// read) is left out, as `@exclusivity(unchecked)` left it out of the fields of a class.
final class StatementStorage: ManagedBuffer<StatementHeader, UInt64> {
    static var textStride: Int { MemoryLayout<PolicyText>.stride }
    static var entryStride: Int { MemoryLayout<PrincipalEntry>.stride }
    static var clauseStride: Int { MemoryLayout<ConditionClause>.stride }

    /// A storage holding `header` (moved in: its references are not retained again) and the
    /// elements `fill` writes, as many of each as `counts` says (checked).
    static func make(_ header: inout StatementHeader?, counts: StatementCounts, fill: (inout StatementWriter) -> Void) -> StatementStorage {
        assert(MemoryLayout<PolicyText>.alignment <= 8 && MemoryLayout<PrincipalEntry>.alignment <= 8
            && MemoryLayout<ConditionClause>.alignment <= 8 && textStride % 8 == 0 && entryStride % 8 == 0 && clauseStride % 8 == 0)
        let isWide = header?.setCounts(counts) ?? false
        let bytes = (isWide ? wideCountsSize : 0) + (counts.actions + counts.resources) * textStride
            + counts.principals * entryStride + counts.conditions * clauseStride
        let object = create(minimumCapacity: bytes / 8) { _ in header.take()! }
        let storage = unsafeDowncast(object, to: StatementStorage.self)
        if isWide {
            storage.start.storeBytes(of: counts.principals, as: Int.self)
            storage.start.storeBytes(of: counts.conditions, toByteOffset: 8, as: Int.self)
        }
        let raw = storage.raw
        let actions = raw.bindMemory(to: PolicyText.self, capacity: counts.actions + counts.resources)
        let resources = actions + counts.actions
        let principals = raw.advanced(by: storage.principalOffset).bindMemory(to: PrincipalEntry.self, capacity: counts.principals)
        let conditions = raw.advanced(by: storage.conditionOffset).bindMemory(to: ConditionClause.self, capacity: counts.conditions)
        var writer = StatementWriter(
            actions: actions, resources: resources, principals: principals, conditions: conditions,
            ends: (resources, resources + counts.resources, principals + counts.principals, conditions + counts.conditions))
        fill(&writer)
        // Every element the counts promise is written (the deinitialiser destroys that many).
        precondition(writer.isComplete, "a statement's elements are not as counted")
        return storage
    }

    /// A storage holding `header` and the elements of the four lists.
    static func make<Actions: Collection, Resources: Collection, Principals: Collection, Conditions: Collection>(
        _ header: inout StatementHeader?, actions: Actions, resources: Resources, principals: Principals, conditions: Conditions
    ) -> StatementStorage
    where Actions.Element == PolicyText, Resources.Element == PolicyText, Principals.Element == PrincipalEntry,
          Conditions.Element == ConditionClause {
        let counts = StatementCounts(actions: actions.count, resources: resources.count, principals: principals.count, conditions: conditions.count)
        return make(&header, counts: counts) { writer in
            for action in actions { writer.append(action: action) }
            for resource in resources { writer.append(resource: resource) }
            for principal in principals { writer.append(principal: principal) }
            for condition in conditions { writer.append(condition: condition) }
        }
    }

    /// The header's address (valid while the storage lives).
    var fields: UnsafeMutablePointer<StatementHeader> { withUnsafeMutablePointerToHeader { $0 } }

    /// The counts of principals and conditions of a `wide` header: two `Int`s before the elements.
    static var wideCountsSize: Int { 16 }

    /// Where the element area starts.
    var start: UnsafeMutableRawPointer { withUnsafeMutablePointerToElements { UnsafeMutableRawPointer($0) } }

    /// Where the elements start: after the counts of a `wide` header.
    var raw: UnsafeMutableRawPointer { fields.pointee.isWide ? start + Self.wideCountsSize : start }

    var principalCount: Int { fields.pointee.isWide ? start.load(as: Int.self) : fields.pointee.narrowPrincipalCount }
    var conditionCount: Int { fields.pointee.isWide ? start.load(fromByteOffset: 8, as: Int.self) : fields.pointee.narrowConditionCount }

    // Wrapping arithmetic: the counts are those of elements in memory, far from overflowing.
    var resourceOffset: Int { fields.pointee.actionCount &* Self.textStride }
    var principalOffset: Int { (fields.pointee.actionCount &+ fields.pointee.resourceCount) &* Self.textStride }
    var conditionOffset: Int { principalOffset &+ principalCount &* Self.entryStride }

    func list<Element>(at offset: Int, count: Int, of: Element.Type) -> StatementList<Element> {
        guard count > 0 else { return StatementList(owner: nil, base: nil, count: 0) }
        return StatementList(owner: self, base: UnsafePointer(raw.advanced(by: offset).assumingMemoryBound(to: Element.self)), count: count)
    }

    var actions: StatementList<PolicyText> { list(at: 0, count: fields.pointee.actionCount, of: PolicyText.self) }
    var resources: StatementList<PolicyText> { list(at: resourceOffset, count: fields.pointee.resourceCount, of: PolicyText.self) }
    var principals: StatementList<PrincipalEntry> { list(at: principalOffset, count: principalCount, of: PrincipalEntry.self) }
    var conditions: StatementList<ConditionClause> { list(at: conditionOffset, count: conditionCount, of: ConditionClause.self) }

    /// The header with no facts, for a storage made from this one.
    private var fieldsWithoutFacts: StatementHeader? {
        var copy = fields.pointee
        copy.facts = [:]
        return copy
    }

    /// A storage of its own with the same fields and elements (no facts).
    func copy() -> StatementStorage { replacing() }

    /// A storage of its own with the same fields (no facts) and elements, but for the lists given.
    func replacing(
        actions: StatementList<PolicyText>? = nil, resources: StatementList<PolicyText>? = nil,
        principals: StatementList<PrincipalEntry>? = nil, conditions: StatementList<ConditionClause>? = nil
    ) -> StatementStorage {
        var header = fieldsWithoutFacts
        return StatementStorage.make(
            &header, actions: actions ?? self.actions, resources: resources ?? self.resources,
            principals: principals ?? self.principals, conditions: conditions ?? self.conditions)
    }

    deinit {
        let fields = fields
        let raw = raw
        raw.assumingMemoryBound(to: PolicyText.self).deinitialize(count: fields.pointee.actionCount &+ fields.pointee.resourceCount)
        raw.advanced(by: principalOffset).assumingMemoryBound(to: PrincipalEntry.self).deinitialize(count: principalCount)
        raw.advanced(by: conditionOffset).assumingMemoryBound(to: ConditionClause.self).deinitialize(count: conditionCount)
    }
}

/// How many elements each list of a statement has.
struct StatementCounts {
    var actions = 0
    var resources = 0
    var principals = 0
    var conditions = 0
}

/// Writes a statement's elements in place, list by list, as `StatementStorage.make` counted them.
struct StatementWriter {
    typealias Ends = (UnsafeMutablePointer<PolicyText>, UnsafeMutablePointer<PolicyText>, UnsafeMutablePointer<PrincipalEntry>, UnsafeMutablePointer<ConditionClause>)

    private var actions: UnsafeMutablePointer<PolicyText>
    private var resources: UnsafeMutablePointer<PolicyText>
    private var principals: UnsafeMutablePointer<PrincipalEntry>
    private var conditions: UnsafeMutablePointer<ConditionClause>
    private let ends: Ends

    init(
        actions: UnsafeMutablePointer<PolicyText>, resources: UnsafeMutablePointer<PolicyText>,
        principals: UnsafeMutablePointer<PrincipalEntry>, conditions: UnsafeMutablePointer<ConditionClause>, ends: Ends
    ) {
        self.actions = actions
        self.resources = resources
        self.principals = principals
        self.conditions = conditions
        self.ends = ends
    }

    mutating func append(action: PolicyText) { Self.put(action, at: &actions, before: ends.0, "actions") }
    mutating func append(resource: PolicyText) { Self.put(resource, at: &resources, before: ends.1, "resources") }
    mutating func append(principal: PrincipalEntry) { Self.put(principal, at: &principals, before: ends.2, "principals") }
    mutating func append(condition: ConditionClause) { Self.put(condition, at: &conditions, before: ends.3, "conditions") }

    /// Writes `element` at `next` and moves past it; more elements than counted is a bug.
    @inline(__always)
    private static func put<Element>(_ element: Element, at next: inout UnsafeMutablePointer<Element>, before end: UnsafeMutablePointer<Element>, _ list: StaticString) {
        precondition(next < end, "more \(list) than counted")
        next.initialize(to: element)
        next += 1
    }

    /// Whether every counted element is written.
    var isComplete: Bool {
        actions == ends.0 && resources == ends.1 && principals == ends.2 && conditions == ends.3
    }
}
