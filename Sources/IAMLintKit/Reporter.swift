import Dispatch
import IAMLintCore

/// Renders a scan's findings in one output format. One small type per format.
public protocol Reporter {
    func render(_ result: LintResult) -> String
    /// Writes the report (the UTF-8 of `render`) to `output`, in one piece or several.
    func write(_ result: LintResult, to output: ([UInt8]) -> Void)
}

extension Reporter {
    public func write(_ result: LintResult, to output: ([UInt8]) -> Void) {
        output(Array(render(result).utf8))
    }
}

/// Compiler-style lines: `path:line:col: severity: message [IAM101 admin-role-without-mfa]`,
/// coloured only when asked (on a terminal without `NO_COLOR`).
public struct TextReporter: Reporter {
    public var colored: Bool
    /// Threads that write lines side by side (the report is the same for any number).
    public var threads: Int

    public init(colored: Bool = false, threads: Int = 1) {
        self.colored = colored
        self.threads = threads
    }

    public func render(_ result: LintResult) -> String {
        var bytes: [UInt8] = []
        write(result) { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes one line per finding, in blocks (see `ReportBlocks`).
    public func write(_ result: LintResult, to output: ([UInt8]) -> Void) {
        let findings = result.findings
        ReportBlocks.write(count: findings.count, threads: threads, emit: output) { k, out in out += line(findings[k]).utf8 }
    }

    public func line(_ finding: Finding) -> String {
        let where_ = "\(finding.location.file):\(finding.location.line):\(finding.location.column):"
        let severity = "\(finding.severity.rawValue):"
        let rule = "[\(finding.rule.code) \(finding.rule.slug)]"
        guard colored else { return "\(where_) \(severity) \(finding.message) \(rule)\n" }
        let color: String
        switch finding.severity {
        case .error: color = "\u{1B}[1;31m"
        case .warning: color = "\u{1B}[1;33m"
        case .note: color = "\u{1B}[1;36m"
        }
        let reset = "\u{1B}[0m"
        return "\u{1B}[1m\(where_)\(reset) \(color)\(severity)\(reset) \(finding.message) \u{1B}[2m\(rule)\(reset)\n"
    }

    /// One line that counts findings by severity, for the end of a run.
    public static func summary(_ result: LintResult) -> String {
        // Counted in one pass, without copies of the findings.
        let (errors, warnings, notes) = result.severityCounts()
        let counts: [(Severity, Int)] = [(.error, errors), (.warning, warnings), (.note, notes)]
        let parts = counts.filter { $0.1 > 0 }.map { s, count in "\(count) \(s.rawValue)\(count == 1 ? "" : "s")" }
        var tail = "\(result.scannedFiles.count) file\(result.scannedFiles.count == 1 ? "" : "s") checked"
        if !result.suppressed.isEmpty { tail += "; \(result.suppressed.count) suppressed" }
        let stale = result.staleBaseline.values.reduce(0, +)
        if stale > 0 {
            tail += "; \(stale) baseline entr\(stale == 1 ? "y matches" : "ies match") nothing (`iamlint baseline --prune` removes \(stale == 1 ? "it" : "them"))"
        }
        if parts.isEmpty { return "no findings; \(tail)\n" }
        return "\(result.findings.count) finding\(result.findings.count == 1 ? "" : "s") (\(parts.joined(separator: ", "))); \(tail)\n"
    }
}

/// A report's items written in blocks of `size` on up to `threads` threads, each block's bytes
/// passed to `emit` in order, so that the report is the same for any number of threads.
///
/// The blocks are a pipeline: each thread takes the next block as it becomes free, and whichever
/// thread finishes the block that is due emits it (and any finished ones after it) while the
/// others go on writing. At most `slots` blocks are written or waiting at a time (a thread
/// waits for a slot before it starts a block), so a large report is never held whole; each
/// slot's buffer is reused from block to block.
enum ReportBlocks {
    static let size = 512

    static func write(count: Int, threads: Int, emit: ([UInt8]) -> Void, item: (Int, inout [UInt8]) -> Void) {
        let blocks = (count + size - 1) / size
        guard threads > 1 && blocks > 1 else {
            var text: [UInt8] = []
            for start in stride(from: 0, to: count, by: size) {
                for k in start..<min(start + size, count) { item(k, &text) }
                emit(text)
                text.removeAll(keepingCapacity: true)
            }
            return
        }
        let pipeline = Pipeline(blocks: blocks, slots: 2 * threads)
        DispatchQueue.concurrentPerform(iterations: min(threads, blocks)) { _ in
            while let block = pipeline.take() {
                var text = pipeline.buffer(for: block)
                for k in block * size..<min((block + 1) * size, count) { item(k, &text) }
                pipeline.finish(block, &text, emit: emit)
            }
        }
    }

    /// The blocks' order and slots, shared by the writing threads.
    private final class Pipeline: @unchecked Sendable {
        private let lock = Lock()
        private let blocks: Int
        private let slots: Int
        /// The next block to take and the next to emit.
        private var nextToTake = 0
        private var nextToEmit = 0
        /// Whether a thread is emitting (only one does at a time, in block order).
        private var emitting = false
        /// Slot `b % slots`: block `b`'s bytes once written, and a buffer to reuse before.
        private var texts: [[UInt8]]
        private var written: [Bool]
        /// The free slots: taken before a block is (so block `b` is taken only once block
        /// `b - slots`, which used its slot, is emitted), given back when a block is emitted.
        /// Back at its starting value when the last block is emitted.
        private let free: DispatchSemaphore

        init(blocks: Int, slots: Int) {
            self.blocks = blocks
            self.slots = slots
            texts = Array(repeating: [], count: slots)
            written = Array(repeating: false, count: slots)
            free = DispatchSemaphore(value: slots)
        }

        /// The next block to write, once a slot is free; nil when every block is taken.
        func take() -> Int? {
            // A slot first, then the block: of blocks `0...b`, each taken with a slot, at most
            // `slots` are not emitted yet, so `b - slots` is (a semaphore a slot, waited for
            // after taking the block, could wake a later block's thread first).
            free.wait()
            let block: Int? = lock.withLock {
                guard nextToTake < blocks else { return nil }
                defer { nextToTake += 1 }
                return nextToTake
            }
            if block == nil { free.signal() }
            return block
        }

        /// The slot's buffer, emptied, its capacity kept.
        func buffer(for block: Int) -> [UInt8] {
            lock.withLock {
                var text: [UInt8] = []
                swap(&text, &texts[block % slots])
                text.removeAll(keepingCapacity: true)
                return text
            }
        }

        /// Takes `block`'s bytes into its slot (`text` is left empty, so that the slot's buffer
        /// is not shared when it is reused); emits every written block that is due, unless
        /// another thread is emitting.
        func finish(_ block: Int, _ text: inout [UInt8], emit: ([UInt8]) -> Void) {
            let mine: Bool = lock.withLock {
                swap(&texts[block % slots], &text)
                written[block % slots] = true
                guard !emitting else { return false }
                emitting = true
                return true
            }
            guard mine else { return }
            while true {
                let due: Int? = lock.withLock {
                    guard nextToEmit < blocks, written[nextToEmit % slots] else {
                        emitting = false
                        return nil
                    }
                    return nextToEmit
                }
                guard let due else { return }
                // Outside the lock, so the other threads go on; the slot is not written to
                // until it is freed below, and this copy is gone by then (the buffer is reused).
                do {
                    let text = lock.withLock { texts[due % slots] }
                    emit(text)
                }
                lock.withLock {
                    written[due % slots] = false
                    nextToEmit += 1
                }
                free.signal()
            }
        }
    }
}
