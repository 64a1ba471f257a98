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
/// Each stage also records the process's memory when it ended: the peak resident set so far and
/// the resident set then (to see which stage raises what a large scan keeps). Timings never reach a
/// report: they differ from run to run.
public final class Timings: @unchecked Sendable {
    public struct Entry: Sendable, Equatable {
        public var label: String
        /// Wall time.
        public var seconds: Double
        /// CPU time of the thread that ran it (for a stage that runs several threads, the
        /// calling thread's only).
        public var threadSeconds: Double
        /// For stages: the process's memory when the stage ended; nil for rules.
        public var memory: Memory?
    }

    /// The process's memory at one moment.
    public struct Memory: Sendable, Equatable {
        /// The largest resident set so far, in bytes (`getrusage`'s `ru_maxrss`).
        public var peakResident: Int
        /// The resident set now, in bytes (`/proc/self/statm`); nil where there is none.
        public var resident: Int?

        /// Now.
        public static func now() -> Memory {
            var usage = rusage()
            #if canImport(Glibc)
            getrusage(RUSAGE_SELF.rawValue, &usage)
            #else
            getrusage(RUSAGE_SELF, &usage)
            #endif
            #if canImport(Darwin)
            let peak = Int(usage.ru_maxrss)  // bytes on Darwin
            #else
            let peak = Int(usage.ru_maxrss) * 1024  // kilobytes on Linux
            #endif
            return Memory(peakResident: peak, resident: residentNow())
        }

        /// The second field of `/proc/self/statm` (resident pages) times the page size.
        private static func residentNow() -> Int? {
            let fd = open("/proc/self/statm", O_RDONLY)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 128)
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { return nil }
            let fields = buffer[0..<count].split(separator: UInt8(ascii: " "))
            guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
            return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        }
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
            let entry = Entry(
                label: label, seconds: Self.now() - start, threadSeconds: Self.threadTime() - startCPU,
                memory: rule ? nil : Memory.now())
            lock.withLock {
                if rule { ruleEntries.append(entry) } else { stageEntries.append(entry) }
            }
        }
        return try body()
    }

    /// The table printed for `IAMLINT_TIMING`: every stage, then the `limit` slowest rules.
    public func table(limit: Int = 15) -> String {
        func ms(_ seconds: Double) -> String { String((seconds * 10_000).rounded() / 10).leftPadding(to: 10) }
        func mb(_ bytes: Int?) -> String {
            (bytes.map { String((Double($0) / 104_857.6).rounded() / 10) } ?? "-").leftPadding(to: 8)
        }
        func row(_ entry: Entry) -> String {
            var line = "  \(entry.label.padding(to: 32)) \(ms(entry.seconds)) ms \(ms(entry.threadSeconds)) ms"
            if let memory = entry.memory {
                line += " \(mb(memory.peakResident)) MiB \(mb(memory.resident)) MiB"
            }
            return line + "\n"
        }
        var text = "stage                                    wall time   thread CPU  peak RSS  RSS at end\n"
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
