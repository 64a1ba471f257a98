import IAMLintCore

/// A fact derived from a whole graph that several rules need (the assume steps, every role's
/// trust gate): the type names the fact, `Value` is what it holds.
public protocol DerivedFact {
    associatedtype Value
}

/// The derived facts of one graph: each is computed on first use and kept with the graph, so
/// that rules sharing a question pay for it once per scan.
///
/// The computation runs outside the lock (it may ask for other facts); should two threads compute
/// the same fact at once, the first result stored is the one every caller gets. A computation
/// must be a pure function of the graph.
public final class DerivedFacts: @unchecked Sendable {
    private let lock = Lock()
    private var values: [ObjectIdentifier: Any] = [:]

    public init() {}

    public func value<Fact: DerivedFact>(_ fact: Fact.Type, compute: () -> Fact.Value) -> Fact.Value {
        let key = ObjectIdentifier(fact)
        lock.lock()
        let stored = values[key]
        lock.unlock()
        if let stored = stored as? Fact.Value { return stored }
        let computed = compute()
        lock.lock()
        defer { lock.unlock() }
        if let stored = values[key] as? Fact.Value { return stored }
        values[key] = computed
        return computed
    }
}

/// A fact derived from one statement that rules ask of it again and again (the catalog actions
/// it covers): see `Statement.derived(_:compute:)`. The type names the fact.
public protocol StatementFact {
    associatedtype Value
}

/// The lock around every statement's derived facts: one for all statements (a lock each would
/// cost memory for every statement of the scan), held only to read or store one entry.
enum StatementFacts {
    static let lock = Lock()
}
