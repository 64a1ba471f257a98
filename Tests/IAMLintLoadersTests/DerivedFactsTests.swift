import Dispatch
import IAMLintCore
import IAMLintModel
import XCTest

/// `DerivedFacts` computes each fact once per graph, even when rules on several threads ask for
/// it at the same moment, and lets a computation ask for another fact.
final class DerivedFactsTests: XCTestCase {
    private enum Slow: DerivedFact { typealias Value = [Int] }
    private enum Base: DerivedFact { typealias Value = Int }
    private enum OnTop: DerivedFact { typealias Value = Int }

    private final class Counter: @unchecked Sendable {
        private let lock = Lock()
        private var count = 0
        func increment() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }

    func testConcurrentAsksComputeOnceAndShareTheResult() {
        let facts = DerivedFacts()
        let computations = Counter()
        let results = UnsafeMutableBufferPointer<[Int]>.allocate(capacity: 8)
        results.initialize(repeating: [])
        defer { results.deinitialize(); results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            results[i] = facts.value(Slow.self) {
                computations.increment()
                // Long enough for the other threads to ask while this one computes.
                usleep(50_000)
                return Array(0..<1_000)
            }
        }
        XCTAssertEqual(computations.value, 1)
        XCTAssertEqual(Set(results.map { $0 }), [Array(0..<1_000)])
    }

    func testAComputationMayAskForAnotherFact() {
        let facts = DerivedFacts()
        let baseComputations = Counter()
        let base = { () -> Int in facts.value(Base.self) { baseComputations.increment(); return 20 } }
        let values = UnsafeMutableBufferPointer<Int>.allocate(capacity: 4)
        values.initialize(repeating: 0)
        defer { values.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            values[i] = i % 2 == 0 ? facts.value(OnTop.self) { base() + 1 } : base()
        }
        XCTAssertEqual(Array(values), [21, 20, 21, 20])
        XCTAssertEqual(baseComputations.value, 1)
        XCTAssertEqual(facts.value(OnTop.self) { XCTFail("computed again"); return 0 }, 21)
    }
}
