import Foundation
import IAMLintCore
import IAMLintModel
import IAMLintRules

/// The outcome of a scan: sorted findings, what was scanned and what was skipped.
public struct LintResult: Sendable {
    public var findings: [Finding]
    public var scannedFiles: [String]
    public var skipped: [SkippedInput]
    public var graph: IAMGraph
}

/// The pipeline: discover → load (in parallel) → build the graph → run rules → sort.
public struct Linter: Sendable {
    public var configuration: Configuration

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Scans `paths` (files or folders); finding paths are shown relative to `displayBase`.
    public func lint(_ paths: [String], displayBase: String = FileManager.default.currentDirectoryPath) -> LintResult {
        let discovery = FileDiscovery(displayBase: FileDiscovery.absolute(displayBase))
        let (files, discoverySkips) = discovery.discover(paths)
        let loader = FileLoader(limits: configuration.limits, maxFileSize: configuration.maxFileSize)
        let outcomes = loadAll(files, loader: loader)
        var fragments: [GraphFragment] = []
        var skipped = discoverySkips
        var scanned: [String] = []
        for (file, outcome) in zip(files, outcomes) {
            switch outcome {
            case .loaded(let fragment):
                fragments.append(fragment)
                scanned.append(file.displayPath)
            case .skipped(let reason):
                skipped.append(SkippedInput(path: file.displayPath, reason: reason))
            }
        }
        let graph = IAMGraph(fragments: fragments)
        return LintResult(findings: check(graph), scannedFiles: scanned, skipped: skipped.sorted { $0.path < $1.path }, graph: graph)
    }

    /// Runs every enabled rule over the graph and returns the findings in output order.
    public func check(_ graph: IAMGraph) -> [Finding] {
        var findings: [Finding] = []
        for (metadata, rule) in RuleRegistry.all where configuration.isEnabled(metadata) {
            let context = RuleContext(graph: graph, metadata: metadata)
            let severity = configuration.severity(for: metadata)
            for var finding in rule.check(context) {
                finding.severity = severity
                findings.append(finding)
            }
        }
        return findings.sorted(by: Finding.outputOrder)
    }

    private func loadAll(_ files: [DiscoveredFile], loader: FileLoader) -> [FileLoader.Outcome] {
        let threads = configuration.threads > 0 ? configuration.threads : ProcessInfo.processInfo.activeProcessorCount
        if threads <= 1 || files.count < 2 {
            return files.map(loader.load)
        }
        let results = UnsafeMutableBufferPointer<FileLoader.Outcome?>.allocate(capacity: files.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        let next = ManagedAtomicCounter()
        DispatchQueue.concurrentPerform(iterations: min(threads, files.count)) { _ in
            while true {
                let i = next.increment()
                if i >= files.count { break }
                results[i] = loader.load(files[i])
            }
        }
        return results.map { $0! }
    }
}

/// A lock-protected counter that hands out file indexes to the loading threads.
final class ManagedAtomicCounter: @unchecked Sendable {
    private var value = -1
    private let lock = NSLock()

    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
