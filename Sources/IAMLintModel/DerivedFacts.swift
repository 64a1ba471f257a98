import IAMLintCore

/// A fact derived from a whole graph that several rules need (the assume steps, every role's
/// trust gate): the type names the fact, `Value` is what it holds.
public protocol DerivedFact {
    associatedtype Value
}

/// The derived facts of one graph: each is computed on first use and kept with the graph, so
/// that rules sharing a question pay for it once per scan.
///
/// The computation runs outside the lock (it may ask for other facts). A thread that asks for a
/// fact another thread is computing waits for that result rather than computing it again (rules
/// run side by side, and the largest facts, such as the assume steps of an organisation, cost as
/// much as several rules). A computation must be a pure function of the graph, and facts must not
/// depend on each other in a cycle.
public final class DerivedFacts: @unchecked Sendable {
    private let lock = Lock()
    private let computed = Condition()
    /// Each fact's value in a `Box<Fact.Value>`, by fact type: the type fixes the box's type, so
    /// a stored value is read back without a dynamic cast (one per question costs more than the
    /// rest of it, and rules ask some facts once per principal).
    private var values: [ObjectIdentifier: AnyObject] = [:]
    private var computing: Set<ObjectIdentifier> = []

    public init() {}

    public func value<Fact: DerivedFact>(_ fact: Fact.Type, compute: () -> Fact.Value) -> Fact.Value {
        let key = ObjectIdentifier(fact)
        lock.lock()
        while true {
            if let stored = values[key] {
                lock.unlock()
                return unsafeDowncast(stored, to: Box<Fact.Value>.self).value
            }
            guard computing.contains(key) else { break }
            computed.wait(holding: lock)
        }
        computing.insert(key)
        lock.unlock()
        let value = compute()
        lock.lock()
        values[key] = Box(value)
        computing.remove(key)
        lock.unlock()
        computed.broadcast()
        return value
    }

    /// How many facts are held now.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return values.count
    }

    /// Releases every fact computed so far (none may be being computed): a fact asked for again
    /// is computed again. The linter calls it once the rules have run, so that the facts (the
    /// assume steps, the trust tables, the text indexes of a large organisation: megabytes) are
    /// not held beside the findings while the report is written.
    public func removeAll() {
        lock.lock()
        precondition(computing.isEmpty, "DerivedFacts.removeAll while a fact is being computed")
        let released = values
        values = [:]
        lock.unlock()
        // The facts are freed here, outside the lock.
        _ = released
    }
}

/// A derived fact's value, stored as an object.
private final class Box<Value> {
    let value: Value

    init(_ value: Value) {
        self.value = value
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
