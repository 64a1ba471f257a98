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
        public var seconds: Double
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
    public static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Runs `body`, recording its wall time as the stage `label`.
    public func stage<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
        let start = Self.now()
        defer { record(Entry(label: label, seconds: Self.now() - start), rule: false) }
        return try body()
    }

    /// Runs `body`, recording its wall time as the rule `label` (rules may run on several threads).
    public func rule<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
        let start = Self.now()
        defer { record(Entry(label: label, seconds: Self.now() - start), rule: true) }
        return try body()
    }

    private func record(_ entry: Entry, rule: Bool) {
        lock.withLock {
            if rule { ruleEntries.append(entry) } else { stageEntries.append(entry) }
        }
    }

    /// The table printed for `IAMLINT_TIMING`: every stage, then the `limit` slowest rules.
    public func table(limit: Int = 15) -> String {
        func row(_ entry: Entry) -> String {
            let ms = (entry.seconds * 10_000).rounded() / 10
            return "  \(entry.label.padding(to: 40)) \(String(ms).leftPadding(to: 10)) ms\n"
        }
        var text = "stage (wall time)\n"
        for entry in stages { text += row(entry) }
        let slowest = rules.prefix(limit)
        if !slowest.isEmpty {
            text += "slowest rules (wall time, on their own thread)\n"
            for entry in slowest { text += row(entry) }
        }
        return text
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
