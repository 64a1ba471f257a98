import Dispatch

/// Independent work spread over threads, with the results in input order: whatever the number of
/// threads, the result is the one a plain loop gives.
public enum Parallel {
    /// Which item a free thread takes next.
    public enum Order: Sendable {
        /// The first item not taken yet.
        case fromTheStart
        /// The second thread takes the last item not taken yet, the others the first: neighbouring
        /// items (rules with neighbouring codes, which share analyses) tend to run one after the
        /// other on one thread rather than side by side waiting for the same analysis.
        case fromBothEnds
    }

    /// `transform` of each of `items`, in order, on up to `threads` threads; each thread takes
    /// the next item (by `order`) as it becomes free, so that one slow item does not hold up a
    /// fixed share.
    public static func map<Items: RandomAccessCollection, T>(
        _ items: Items, threads: Int, order: Order = .fromTheStart, _ transform: (Items.Element) -> T
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
        DispatchQueue.concurrentPerform(iterations: min(threads, count)) { worker in
            let fromTheEnd = order == .fromBothEnds && worker == 1
            while let i = next.take(fromTheEnd: fromTheEnd) {
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

        /// The result, once `work` has finished.
        public func wait() -> T {
            done.wait()
            return result!
        }
    }
}

/// Hands out the indexes `0..<count` to the threads of `Parallel.map`, each once: from the
/// start (0, 1, 2, ...) or from the end (count - 1, count - 2, ...).
private final class NextIndex: @unchecked Sendable {
    private var front = 0
    private var back: Int
    private let lock = Lock()

    init(count: Int) {
        back = count
    }

    /// The next index not handed out yet, or nil when all have been.
    func take(fromTheEnd: Bool) -> Int? {
        lock.withLock {
            guard front < back else { return nil }
            if fromTheEnd {
                back -= 1
                return back
            }
            front += 1
            return front - 1
        }
    }
}
