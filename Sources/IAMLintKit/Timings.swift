#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import IAMLintCore

/// Where a scan's time went: the wall time of each stage (discovery, loading, the graph, the
/// rules, ...) and of each rule. `IAMLINT_TIMING=1` prints it on standard error after the report
/// (as ESLint's `TIMING=1` does), to find the rule or stage that makes a repository slow.
/// Timings never reach a report: they differ from run to run.
public final class Timings: @unchecked Sendable {
    public struct Entry: Sendable, Equatable {
        public var label: String
        /// Wall time.
        public var seconds: Double
        /// CPU time of the thread that ran it (for a stage that runs several threads, the
        /// calling thread's only).
        public var threadSeconds: Double
    }

    private let lock = Lock()
    private var stageEntries: [Entry] = []
    private var ruleEntries: [Entry] = []

    public init() {}

    /// The stages, in the order they ended.
    public var stages: [Entry] { lock.withLock { stageEntries } }

    /// The rules, slowest first (ties by label).
    public var rules: [Entry] {
        lock.withLock { ruleEntries }.sorted { $0.seconds != $1.seconds ? $0.seconds > $1.seconds : $0.label < $1.label }
    }

    /// Seconds on a monotonic clock.
    public static func now() -> Double { seconds(CLOCK_MONOTONIC) }

    /// CPU seconds of the calling thread.
    public static func threadTime() -> Double { seconds(CLOCK_THREAD_CPUTIME_ID) }

    private static func seconds(_ clock: clockid_t) -> Double {
        var time = timespec()
        clock_gettime(clock, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Runs `body`, recording its wall time as the stage `label`.
    public func stage<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
        try measure(label, rule: false, body)
    }

    /// Runs `body`, recording its wall time as the rule `label` (rules may run on several threads).
    public func rule<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
        try measure(label, rule: true, body)
    }

    private func measure<T>(_ label: String, rule: Bool, _ body: () throws -> T) rethrows -> T {
        let start = Self.now(), startCPU = Self.threadTime()
        defer {
            let entry = Entry(label: label, seconds: Self.now() - start, threadSeconds: Self.threadTime() - startCPU)
            lock.withLock {
                if rule { ruleEntries.append(entry) } else { stageEntries.append(entry) }
            }
        }
        return try body()
    }

    /// The table printed for `IAMLINT_TIMING`: every stage, then the `limit` slowest rules.
    public func table(limit: Int = 15) -> String {
        func ms(_ seconds: Double) -> String { String((seconds * 10_000).rounded() / 10).leftPadding(to: 10) }
        func row(_ entry: Entry) -> String {
            "  \(entry.label.padding(to: 32)) \(ms(entry.seconds)) ms \(ms(entry.threadSeconds)) ms\n"
        }
        var text = "stage                                    wall time   thread CPU\n"
        for entry in stages { text += row(entry) }
        let slowest = rules.prefix(limit)
        if !slowest.isEmpty {
            text += "slowest rules\n"
            for entry in slowest { text += row(entry) }
        }
        return text
    }
}

extension Optional where Wrapped == Timings {
    /// `body`'s result, its wall time recorded as the stage `label` when there are timings.
    public func stage<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
        guard let timings = self else { return try body() }
        return try timings.stage(label, body)
    }

    /// `body`'s result, its wall time recorded as the rule `label` when there are timings.
    public func rule<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
        guard let timings = self else { return try body() }
        return try timings.rule(label, body)
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    fileprivate func leftPadding(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
