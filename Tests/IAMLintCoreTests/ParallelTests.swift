import Dispatch
import IAMLintCore
import XCTest

/// `Parallel` gives what a plain loop gives, in order, whatever the number of threads.
final class ParallelTests: XCTestCase {
    func testMapKeepsInputOrderOnAnyNumberOfThreads() {
        let items = Array(0..<2_000).map { ($0 * 7919) % 2_003 }
        let expected = items.map { String($0 * $0) }
        for threads in [1, 2, 3, 8] {
            XCTAssertEqual(Parallel.map(items, threads: threads) { String($0 * $0) }, expected, "\(threads) threads")
        }
        XCTAssertEqual(Parallel.map(10..<20, threads: 4) { $0 - 10 }, Array(0..<10))
        XCTAssertEqual(Parallel.map([Int](), threads: 4) { $0 }, [])
    }

    func testMapRunsEachItemOnceAcrossThreads() {
        final class Seen: @unchecked Sendable {
            let lock = Lock()
            var counts = [Int](repeating: 0, count: 500)
            var threads = Set<UInt>()
        }
        let seen = Seen()
        _ = Parallel.map(0..<500, threads: 4) { i -> Int in
            // Slow enough that every worker takes items.
            usleep(200)
            seen.lock.withLock {
                seen.counts[i] += 1
                seen.threads.insert(UInt(pthread_self()))
            }
            return i
        }
        XCTAssertEqual(seen.counts, [Int](repeating: 1, count: 500))
        XCTAssertGreaterThan(seen.threads.count, 1)
    }

    func testBothRunsBothSidesAndReturnsTheirResults() {
        for parallel in [false, true] {
            let (a, b) = Parallel.both(parallel, { (0..<1_000).reduce(0, +) }, { "second" })
            XCTAssertEqual(a, 499_500)
            XCTAssertEqual(b, "second")
        }
    }
}
