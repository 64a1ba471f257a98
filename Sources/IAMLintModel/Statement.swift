import IAMLintCore

/// A policy statement, normalised: every list is a list, every element keeps its range.
///
/// Sendable by hand: the storage (a `ManagedBuffer`, which the standard library does not make
/// Sendable) is written only while no other copy can see it (`unique()`), its facts under their lock.
public struct Statement: @unchecked Sendable {
    // Stored in one shared, copy-on-write object: edges, grants and rule loops copy statements
    // freely, and each copy is one reference. The object holds the statement's fields and, after
    // them, every element of its lists (`StatementStorage`): one allocation a statement, where an
    // array a list cost 32 bytes of header and 16 of malloc's own each (most lists hold one text).
    private var storage: StatementStorage

    private mutating func unique() -> UnsafeMutablePointer<StatementHeader> {
        if !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy()
        } else if !storage.fields.pointee.facts.isEmpty {
            // The only reference, so no other thread reads it; what was derived may not hold.
            storage.fields.pointee.facts = [:]
        }
        return storage.fields
    }

    /// The same for every copy of this statement and different for any other live statement
    /// (a change of a list makes a new identity): rules key what they work out per statement by it.
    public var copyIdentity: ObjectIdentifier { ObjectIdentifier(storage) }

    /// A fact derived from this statement alone, computed on first use and kept in the storage
    /// every copy of the statement shares (so a managed policy's statements, read once per
    /// principal it is attached to, pay once). `compute` must be a pure function of the
    /// statement; should two threads compute the same fact at once, the first result stored is
    /// the one every caller gets. Changing the statement forgets its facts.
    public func derived<Fact: StatementFact>(_ fact: Fact.Type, compute: (Statement) -> Fact.Value) -> Fact.Value {
        let key = ObjectIdentifier(fact)
        let header = storage.fields
        StatementFacts.lock.lock()
        let stored = header.pointee.facts[key]
        StatementFacts.lock.unlock()
        if let stored = stored as? Fact.Value { return stored }
        let computed = compute(self)
        StatementFacts.lock.lock()
        defer { StatementFacts.lock.unlock() }
        if let stored = header.pointee.facts[key] as? Fact.Value { return stored }
        header.pointee.facts[key] = computed
        return computed
    }

    public var sid: String? {
        get { storage.fields.pointee.rare?.sid }
        set {
            let rare = storage.fields.pointee.rare
            unique().pointee.rare = StatementRare.make(sid: newValue, notAction: rare?.notAction, notResource: rare?.notResource)
        }
    }

    public var effect: Effect {
        get { storage.fields.pointee.effect }
        set { unique().pointee.effect = newValue }
    }

    // A list is read in place (`StatementList`), and replaced whole: the storage is made anew.
    public var actions: StatementList<PolicyText> {
        get { storage.actions }
        set { storage = storage.replacing(actions: newValue) }
    }

    public var isNotAction: Bool {
        get { storage.fields.pointee.isNotAction }
        set { unique().pointee.isNotAction = newValue }
    }

    public var resources: StatementList<PolicyText> {
        get { storage.resources }
        set { storage = storage.replacing(resources: newValue) }
    }

    public var isNotResource: Bool {
        get { storage.fields.pointee.isNotResource }
        set { unique().pointee.isNotResource = newValue }
    }

    public var principals: StatementList<PrincipalEntry> {
        get { storage.principals }
        set { storage = storage.replacing(principals: newValue) }
    }

    public var isNotPrincipal: Bool {
        get { storage.fields.pointee.isNotPrincipal }
        set { unique().pointee.isNotPrincipal = newValue }
    }

    public var conditions: StatementList<ConditionClause> {
        get { storage.conditions }
        set { storage = storage.replacing(conditions: newValue) }
    }

    public var provenance: Provenance {
        get { storage.fields.pointee.provenance }
        set { unique().pointee.provenance = newValue }
    }

    /// Where the `NotAction` key is written, when the parser read the statement's actions from
    /// one (`isNotAction`); nil for statements built in code.
    public var notActionKeyRange: SourceRange? { storage.fields.pointee.rare?.notAction }

    /// Where the `NotResource` key is written, when the parser read the statement's resources
    /// from one (`isNotResource`); nil for statements built in code.
    public var notResourceKeyRange: SourceRange? { storage.fields.pointee.rare?.notResource }

    /// Records where the parser found the `NotAction` and `NotResource` keys.
    mutating func setNegatedElementKeys(notAction: SourceRange?, notResource: SourceRange?) {
        let rare = storage.fields.pointee.rare
        guard notAction != nil || notResource != nil || rare?.notAction != nil || rare?.notResource != nil else { return }
        unique().pointee.rare = StatementRare.make(sid: rare?.sid, notAction: notAction, notResource: notResource)
    }

    public init(
        sid: String? = nil, effect: Effect, actions: [PolicyText], isNotAction: Bool = false,
        resources: [PolicyText] = [], isNotResource: Bool = false, principals: [PrincipalEntry] = [],
        isNotPrincipal: Bool = false, conditions: [ConditionClause] = [], provenance: Provenance
    ) {
        var header: StatementHeader? = StatementHeader(
            provenance: provenance, effect: effect, isNotAction: isNotAction, isNotResource: isNotResource,
            isNotPrincipal: isNotPrincipal, rare: sid.map { StatementRare(sid: $0, notAction: nil, notResource: nil) })
        storage = .make(&header, actions: actions, resources: resources, principals: principals, conditions: conditions)
    }

    /// A statement whose elements `fill` writes in place, as many of each list as `counts` says
    /// (the parser's way: no list is built only to be copied).
    init(
        sid: String?, effect: Effect, isNotAction: Bool, isNotResource: Bool, isNotPrincipal: Bool, provenance: Provenance,
        counts: StatementCounts, fill: (inout StatementWriter) -> Void
    ) {
        var header: StatementHeader? = StatementHeader(
            provenance: provenance, effect: effect, isNotAction: isNotAction, isNotResource: isNotResource,
            isNotPrincipal: isNotPrincipal, rare: sid.map { StatementRare(sid: $0, notAction: nil, notResource: nil) })
        storage = .make(&header, counts: counts, fill: fill)
    }

    /// Whether the statement's action element covers `action` (wildcards, case-insensitive, NotAction).
    public func covers(action: String) -> Bool {
        let matched = actions.contains { Wildcard.matches(pattern: $0.value, $0.isSymbolic, action, caseInsensitive: true) }
        return isNotAction ? !matched : matched
    }

    /// Whether the statement's action element covers every action (`*`, or NotAction of nothing).
    public var coversAllActions: Bool {
        if isNotAction { return actions.isEmpty }
        return actions.contains { $0.value == "*" || $0.value == "*:*" }
    }

    /// Whether the resource element covers every resource (`*`).
    public var coversAllResources: Bool {
        if isNotResource { return resources.isEmpty }
        return resources.contains { $0.value == "*" }
    }

    /// Whether the resource element may cover `arn` (wildcards; symbolic parts compared as text).
    public func covers(resource arn: String) -> Bool {
        let matched = resources.contains { Wildcard.matches(pattern: $0.value, $0.isSymbolic, arn, caseInsensitive: false) }
        return isNotResource ? !matched : matched
    }

    /// True when a condition demands MFA: `Bool`/`BoolIfExists aws:MultiFactorAuthPresent true`,
    /// or `NumericLessThan(Equals) aws:MultiFactorAuthAge`.
    public var requiresMFA: Bool {
        conditions.contains { clause in
            // Only an ASCII text of a word's length equals it ignoring case (no other character
            // lower-cases or normalises to these letters): most keys are told apart by their length
            // alone, without the comparison (which lower-cases short texts).
            func eq(_ text: String, _ word: String) -> Bool {
                text.utf8.count == word.utf8.count && Value.equalIgnoringCase(text, word)
            }
            if eq(clause.key, "aws:MultiFactorAuthPresent") {
                // `Bool` (not `BoolIfExists`) with a `true` among the values.
                return eq(clause.op, "Bool") && clause.values.contains { eq($0.value, "true") }
            }
            if eq(clause.key, "aws:MultiFactorAuthAge") {
                return eq(clause.op, "NumericLessThan") || eq(clause.op, "NumericLessThanEquals")
            }
            return false
        }
    }

    /// True for a Deny that applies whenever MFA is absent: `BoolIfExists aws:MultiFactorAuthPresent false`
    /// (or `Null aws:MultiFactorAuthAge true`).
    public var deniesWithoutMFA: Bool {
        guard effect == .deny else { return false }
        return conditions.contains { clause in
            let eq = Value.equalIgnoringCase
            if eq(clause.key, "aws:MultiFactorAuthPresent") {
                return eq(clause.op, "BoolIfExists") && clause.values.contains { eq($0.value, "false") }
            }
            if eq(clause.key, "aws:MultiFactorAuthAge") {
                return (eq(clause.op, "Null") || eq(clause.op, "NullIfExists")) && clause.values.contains { eq($0.value, "true") }
            }
            return false
        }
    }
}
