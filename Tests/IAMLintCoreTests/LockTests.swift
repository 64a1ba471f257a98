import Dispatch
import IAMLintCore
import XCTest

/// The pthread lock that replaced Foundation's `NSLock` and `NSRecursiveLock`.
final class LockTests: XCTestCase {
    func testMutualExclusionAcrossThreads() {
        let lock = Lock()
        final class Counter: @unchecked Sendable { var value = 0 }
        let counter = Counter()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<10_000 {
                lock.withLock { counter.value += 1 }
            }
        }
        XCTAssertEqual(counter.value, 80_000)
    }

    func testRecursiveLockIsReentrantAndReturnsValues() {
        let lock = Lock(recursive: true)
        let inner = lock.withLock { lock.withLock { 42 } }
        XCTAssertEqual(inner, 42)
        lock.lock()
        lock.lock()
        lock.unlock()
        lock.unlock()
        XCTAssertEqual(lock.withLock { "free again" }, "free again")
    }

    func testWithLockRethrowsAndUnlocks() {
        struct Failure: Error {}
        let lock = Lock()
        XCTAssertThrowsError(try lock.withLock { throw Failure() })
        XCTAssertEqual(lock.withLock { 1 }, 1, "the lock was released by the throw")
    }
}
