import Dispatch

/// Independent work spread over threads, with the results in input order: whatever the number of
/// threads, the result is the one a plain loop gives.
public enum Parallel {
    /// `transform` of each of `items`, in order, on up to `threads` threads; each thread takes
    /// the next item as it becomes free, so that one slow item does not hold up a fixed share.
    public static func map<Items: RandomAccessCollection, T>(
        _ items: Items, threads: Int, _ transform: (Items.Element) -> T
    ) -> [T] {
        let count = items.count
        if threads <= 1 || count < 2 { return items.map(transform) }
        let indices = Array(items.indices)
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        let next = NextIndex(count: count)
        DispatchQueue.concurrentPerform(iterations: min(threads, count)) { _ in
            while let i = next.take() {
                results[i] = transform(items[indices[i]])
            }
        }
        return results.map { $0! }
    }

    /// `first()` and `second()`, side by side on two threads when `parallel`.
    public static func both<A, B>(_ parallel: Bool, _ first: () -> A, _ second: () -> B) -> (A, B) {
        guard parallel else { return (first(), second()) }
        let a = UnsafeMutablePointer<A?>.allocate(capacity: 1)
        let b = UnsafeMutablePointer<B?>.allocate(capacity: 1)
        a.initialize(to: nil)
        b.initialize(to: nil)
        defer {
            a.deinitialize(count: 1)
            b.deinitialize(count: 1)
            a.deallocate()
            b.deallocate()
        }
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            if i == 0 { a.pointee = first() } else { b.pointee = second() }
        }
        return (a.pointee!, b.pointee!)
    }
}

extension Parallel {
    /// Work started on another thread (a Dispatch worker) whose result is waited for later, for
    /// work beside a stage that spreads itself over threads: a `map` or `both` nested inside
    /// another one runs on one thread only (Dispatch does not widen a nested `concurrentPerform`).
    public final class Background<T>: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var result: T?

        /// Starts `work` on a Dispatch worker thread.
        public init(_ work: @escaping @Sendable () -> T) {
            DispatchQueue.global().async {
                self.result = work()
                self.done.signal()
            }
        }

        /// The result, once `work` has finished. It is handed over, not kept: call this once.
        public func wait() -> T {
            done.wait()
            let value = result!
            result = nil
            return value
        }
    }
}

/// Hands out the indexes `0..<count` to the threads of `Parallel.map`, each once, in order.
private final class NextIndex: @unchecked Sendable {
    private var next = 0
    private let count: Int
    private let lock = Lock()

    init(count: Int) {
        self.count = count
    }

    /// The next index not handed out yet, or nil when all have been.
    func take() -> Int? {
        lock.withLock {
            guard next < count else { return nil }
            next += 1
            return next - 1
        }
    }
}
