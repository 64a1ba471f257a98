import IAMLintCore

/// A policy statement, normalised: every list is a list, every element keeps its range.
public struct Statement: Sendable {
    // Stored in one shared, copy-on-write object: edges, grants and rule loops copy statements
    // freely, and each copy is one reference.
    private var storage: Storage

    // The fields are read far more often than anything else in a scan, and a field is written
    // only through `unique()`, when no other copy (so no other thread) can see the storage:
    // the runtime's exclusivity check on every read (it costs more than the read) is left out.
    // The one-byte fields are declared last, so that they pack together at the end: 96 bytes,
    // which malloc rounds to 112 (with the `Sid` stored here, 112 rounded to 128).
    private final class Storage: @unchecked Sendable {
        @exclusivity(unchecked) var actions: [PolicyText]
        @exclusivity(unchecked) var resources: [PolicyText]
        @exclusivity(unchecked) var principals: [PrincipalEntry]
        @exclusivity(unchecked) var conditions: [ConditionClause]
        /// The `Sid` and where the `NotAction`/`NotResource` keys are: nil when there are none.
        @exclusivity(unchecked) var rare: Rare? = nil
        /// What rules derived from this storage (`derived(_:compute:)`), by fact type; read and
        /// written under `StatementFacts.lock`, emptied by any change, never copied.
        @exclusivity(unchecked) var facts: [ObjectIdentifier: Any] = [:]
        // 28 bytes whose last 20 need only 4-byte alignment: the one-byte fields pack after it.
        @exclusivity(unchecked) var provenance: Provenance
        @exclusivity(unchecked) var effect: Effect
        @exclusivity(unchecked) var isNotAction: Bool
        @exclusivity(unchecked) var isNotResource: Bool
        @exclusivity(unchecked) var isNotPrincipal: Bool

        init(
            sid: String?, effect: Effect, actions: [PolicyText], isNotAction: Bool, resources: [PolicyText],
            isNotResource: Bool, principals: [PrincipalEntry], isNotPrincipal: Bool,
            conditions: [ConditionClause], provenance: Provenance
        ) {
            self.rare = sid.map { Rare(sid: $0, notAction: nil, notResource: nil) }
            self.effect = effect
            self.actions = actions
            self.isNotAction = isNotAction
            self.resources = resources
            self.isNotResource = isNotResource
            self.principals = principals
            self.isNotPrincipal = isNotPrincipal
            self.conditions = conditions
            self.provenance = provenance
        }

        func copy() -> Storage {
            let copy = Storage(
                sid: nil, effect: effect, actions: actions, isNotAction: isNotAction, resources: resources,
                isNotResource: isNotResource, principals: principals, isNotPrincipal: isNotPrincipal,
                conditions: conditions, provenance: provenance
            )
            copy.rare = rare
            return copy
        }
    }

    /// The `Sid` and where the `NotAction` and `NotResource` keys are written, kept apart from
    /// `Storage` (a large organisation's statements have none of them). Never changed once made:
    /// a change makes a new one.
    private final class Rare: Sendable {
        let sid: String?
        let notAction: SourceRange?
        let notResource: SourceRange?

        init(sid: String?, notAction: SourceRange?, notResource: SourceRange?) {
            self.sid = sid
            self.notAction = notAction
            self.notResource = notResource
        }

        /// `Rare(…)`, or nil when every part is nil.
        static func make(sid: String?, notAction: SourceRange?, notResource: SourceRange?) -> Rare? {
            sid == nil && notAction == nil && notResource == nil ? nil : Rare(sid: sid, notAction: notAction, notResource: notResource)
        }
    }

    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy()
        } else if !storage.facts.isEmpty {
            // The only reference, so no other thread reads it; what was derived may not hold.
            storage.facts = [:]
        }
        return storage
    }

    /// The same for every copy of this statement and different for any other live statement
    /// (a change makes a new identity): rules key what they work out per statement by it.
    public var copyIdentity: ObjectIdentifier { ObjectIdentifier(storage) }

    /// A fact derived from this statement alone, computed on first use and kept in the storage
    /// every copy of the statement shares (so a managed policy's statements, read once per
    /// principal it is attached to, pay once). `compute` must be a pure function of the
    /// statement; should two threads compute the same fact at once, the first result stored is
    /// the one every caller gets. Changing the statement forgets its facts.
    public func derived<Fact: StatementFact>(_ fact: Fact.Type, compute: (Statement) -> Fact.Value) -> Fact.Value {
        let key = ObjectIdentifier(fact)
        StatementFacts.lock.lock()
        let stored = storage.facts[key]
        StatementFacts.lock.unlock()
        if let stored = stored as? Fact.Value { return stored }
        let computed = compute(self)
        StatementFacts.lock.lock()
        defer { StatementFacts.lock.unlock() }
        if let stored = storage.facts[key] as? Fact.Value { return stored }
        storage.facts[key] = computed
        return computed
    }

    public var sid: String? {
        get { storage.rare?.sid }
        set {
            let rare = storage.rare
            unique().rare = Rare.make(sid: newValue, notAction: rare?.notAction, notResource: rare?.notResource)
        }
    }

    public var effect: Effect {
        get { storage.effect }
        set { unique().effect = newValue }
        _modify { yield &unique().effect }
    }

    public var actions: [PolicyText] {
        get { storage.actions }
        set { unique().actions = newValue }
        _modify { yield &unique().actions }
    }

    public var isNotAction: Bool {
        get { storage.isNotAction }
        set { unique().isNotAction = newValue }
        _modify { yield &unique().isNotAction }
    }

    public var resources: [PolicyText] {
        get { storage.resources }
        set { unique().resources = newValue }
        _modify { yield &unique().resources }
    }

    public var isNotResource: Bool {
        get { storage.isNotResource }
        set { unique().isNotResource = newValue }
        _modify { yield &unique().isNotResource }
    }

    public var principals: [PrincipalEntry] {
        get { storage.principals }
        set { unique().principals = newValue }
        _modify { yield &unique().principals }
    }

    public var isNotPrincipal: Bool {
        get { storage.isNotPrincipal }
        set { unique().isNotPrincipal = newValue }
        _modify { yield &unique().isNotPrincipal }
    }

    public var conditions: [ConditionClause] {
        get { storage.conditions }
        set { unique().conditions = newValue }
        _modify { yield &unique().conditions }
    }

    public var provenance: Provenance {
        get { storage.provenance }
        set { unique().provenance = newValue }
        _modify { yield &unique().provenance }
    }

    /// Where the `NotAction` key is written, when the parser read the statement's actions from
    /// one (`isNotAction`); nil for statements built in code.
    public var notActionKeyRange: SourceRange? { storage.rare?.notAction }

    /// Where the `NotResource` key is written, when the parser read the statement's resources
    /// from one (`isNotResource`); nil for statements built in code.
    public var notResourceKeyRange: SourceRange? { storage.rare?.notResource }

    /// Records where the parser found the `NotAction` and `NotResource` keys.
    mutating func setNegatedElementKeys(notAction: SourceRange?, notResource: SourceRange?) {
        let rare = storage.rare
        guard notAction != nil || notResource != nil || rare?.notAction != nil || rare?.notResource != nil else { return }
        unique().rare = Rare.make(sid: rare?.sid, notAction: notAction, notResource: notResource)
    }

    public init(
        sid: String? = nil, effect: Effect, actions: [PolicyText], isNotAction: Bool = false,
        resources: [PolicyText] = [], isNotResource: Bool = false, principals: [PrincipalEntry] = [],
        isNotPrincipal: Bool = false, conditions: [ConditionClause] = [], provenance: Provenance
    ) {
        storage = Storage(
            sid: sid, effect: effect, actions: actions, isNotAction: isNotAction, resources: resources,
            isNotResource: isNotResource, principals: principals, isNotPrincipal: isNotPrincipal,
            conditions: conditions, provenance: provenance)
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
