import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IAMLintCore
import IAMLintModel
import IAMLintRules

/// A finding that a suppression or the baseline accepted, and why.
public struct SuppressedFinding: Sendable {
    public enum Kind: String, Sendable {
        /// An `iamlint:ignore` comment or resource `Metadata` in the file itself.
        case inSource
        /// The baseline or `.iamlint.yml`.
        case external
    }

    public var finding: Finding
    public var kind: Kind
    public var justification: String
}

/// The outcome of a scan: sorted findings, what was accepted, what was scanned and skipped.
public struct LintResult: Sendable {
    /// The findings to report, in output order.
    public var findings: [Finding]
    /// Findings accepted by a suppression or the baseline, in output order.
    public var suppressed: [SuppressedFinding] = []
    /// Baseline entries that matched no finding (with how many of their count were unmatched).
    public var staleBaseline: [FindingKey: Int] = [:]
    /// Whether a baseline was applied.
    public var usedBaseline = false
    /// The applied baseline's entries, counted off, kept with the result as the graph is: they
    /// are released with it (at the end of a run, by the operating system) instead of one by one
    /// when the baseline is applied — an organisation's baseline holds a hundred thousand entries
    /// of four texts each.
    fileprivate var appliedBaselineEntries: [FindingKey: Int] = [:]
    public var scannedFiles: [String]
    public var skipped: [SkippedInput]
    public var graph: IAMGraph
    /// The metadata of every rule known to the run (built-in and custom), for reports.
    public var rules: [RuleMetadata] = RuleSet.builtIn.metadata
    /// The absolute folder that display paths are relative to.
    public var displayBase: String = ""
    /// The threads the scan ran on, for reporters that can use them too.
    public var threads = 1
    /// The absolute folder that baseline keys and fingerprints are relative to (the scanned
    /// root, or where the baseline lives), so they do not depend on where iamlint runs.
    public var keyRoot: String = ""

    /// How many findings there are of each severity, counted in one pass that reads each
    /// finding's severity where it lies (`for finding in findings` copies each finding,
    /// retaining and releasing every one of its texts).
    func severityCounts() -> (errors: Int, warnings: Int, notes: Int) {
        var errors = 0, warnings = 0, notes = 0
        for index in findings.indices {
            switch findings[index].severity {
            case .error: errors += 1
            case .warning: warnings += 1
            case .note: notes += 1
            }
        }
        return (errors, warnings, notes)
    }

    /// The line-independent key of a finding, its file relative to `keyRoot`.
    public func key(_ finding: Finding) -> FindingKey {
        var key = FindingKey(finding)
        key.file = keyFile(of: finding, shownPathsAreKeys: shownPathsAreKeys)
        return key
    }

    /// Whether a finding's path shown relative to the display base is its key's path: the key
    /// root is the display base (the common case). Reports ask it once, not per finding.
    var shownPathsAreKeys: Bool {
        !keyRoot.isEmpty && keyRoot == displayBase && !keyRoot.hasSuffix("/")
    }

    /// The file of `finding`'s key (`key(_:).file`) without making the key; `shownPathsAreKeys`
    /// is this result's.
    func keyFile(of finding: Finding, shownPathsAreKeys: Bool) -> String {
        // Paths shown relative to the key root already are the key's: the common case, without
        // building the absolute path. (An ASCII first byte cannot join the `/` before it into
        // one character, so the prefix test below would agree.)
        let shown = finding.location.file
        if shownPathsAreKeys, let first = shown.utf8.first, first < 0x80, first != UInt8(ascii: "/") {
            return shown
        }
        let absolute = absolutePath(of: shown)
        let root = keyRoot.hasSuffix("/") ? keyRoot : keyRoot + "/"
        if !keyRoot.isEmpty, absolute.hasPrefix(root) { return String(absolute.dropFirst(root.count)) }
        return shown
    }

    /// The absolute path of a file as shown in findings.
    public func absolutePath(of displayPath: String) -> String {
        displayPath.hasPrefix("/") ? displayPath : "\(displayBase)/\(displayPath)"
    }

    /// Applies a baseline: accepted findings move to `suppressed`, unmatched entries to `staleBaseline`.
    ///
    /// Pass the baseline's only copy (`consume`) and its entries are counted off in place.
    public mutating func apply(_ baseline: consuming Baseline, name: String) {
        // One justification text shared by every accepted finding (an organisation has a hundred thousand).
        let justification = "accepted in \(name)"
        // Taken out of `self` first: `key` holds a copy of `self`, which would otherwise share
        // the list and make changing it copy it.
        var remaining = findings
        findings = []
        let moved = baseline.extractAccepted(from: &remaining, key: key) {
            SuppressedFinding(finding: $0, kind: .external, justification: justification)
        }
        findings = remaining
        if suppressed.isEmpty {
            // Taken from `findings` in output order: already sorted.
            suppressed = moved
        } else {
            suppressed += moved
            suppressed.sort { Finding.outputOrder($0.finding, $1.finding) }
        }
        staleBaseline = baseline.entries.filter { $0.value > 0 }
        appliedBaselineEntries = (consume baseline).entries
        usedBaseline = true
    }
}

/// The pipeline: discover → load (in parallel) → build the graph → run rules → sort.
public struct Linter: Sendable {
    public var configuration: Configuration
    /// Where the wall time of each stage and rule is recorded, when set (`IAMLINT_TIMING`).
    public var timings: Timings?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Scans `paths` (files or folders); finding paths are shown relative to `displayBase`.
    public func lint(_ paths: [String], displayBase: String = FileManager.default.currentDirectoryPath, root: String? = nil) -> LintResult {
        let base = FileDiscovery.absolute(displayBase)
        let discovery = FileDiscovery(displayBase: base)
        let keyRoot = root.map(FileDiscovery.absolute) ?? base
        var (files, discoverySkips) = timings.stage("discover") { discovery.discover(paths) }
        let rootPrefix = prefix(keyRoot)
        func relative(_ file: DiscoveredFile) -> String {
            file.absolutePath.hasPrefix(rootPrefix) ? String(file.absolutePath.dropFirst(rootPrefix.count)) : file.absolutePath
        }
        if !configuration.include.isEmpty || !configuration.exclude.isEmpty {
            files = files.filter { file in
                if configuration.exclude.contains(where: { Glob.matches($0, relative(file)) }) {
                    discoverySkips.append(SkippedInput(path: file.displayPath, reason: "excluded by configuration"))
                    return false
                }
                if !configuration.include.isEmpty && !configuration.include.contains(where: { Glob.matches($0, relative(file)) }) {
                    discoverySkips.append(SkippedInput(path: file.displayPath, reason: "not included by configuration"))
                    return false
                }
                return true
            }
        }
        let loader = FileLoader(limits: configuration.limits, maxFileSize: configuration.maxFileSize)
        // Without accounts in the configuration no file belongs to one: skip the per-file path work.
        let accounts: [String?]
        if configuration.accounts.isEmpty {
            accounts = [String?](repeating: nil, count: files.count)
        } else {
            let assignment = AccountAssignment(configuration.accounts)
            accounts = files.map { assignment.account(of: relative($0)) }
        }
        var outcomes = timings.stage("load (parse, read resources)") { loadAll(files, accounts: accounts, loader: loader) }
        var fragments: [GraphFragment] = []
        fragments.reserveCapacity(outcomes.count)
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
        let basePrefix = prefix(base)
        let namedAccounts = configuration.accounts.map { account in
            // Where `.iamlint.yml` names the account, shown like the scanned files.
            let provenance = account.location.map { location -> Provenance in
                let absolute = FileDiscovery.absolute(location.file)
                let shown = absolute.hasPrefix(basePrefix) ? String(absolute.dropFirst(basePrefix.count)) : absolute
                return Provenance(file: shown, logicalPath: "accounts.\(account.name)", range: location.range)
            }
            return Account(name: account.name, id: account.id, isIdentity: account.isIdentity, provenance: provenance)
        }
        outcomes = []
        let graph = timings.stage("graph") { IAMGraph(fragments: fragments, accounts: namedAccounts, threads: threads) }
        // The graph keeps what it needs of the fragments: their lists are released before the rules
        // run, and the pages freed while the graph was built (its transients, the fragments) are
        // given back, so that they do not stay resident beside what the rules add.
        fragments = []
        ResidentMemory.releaseFreePages()
        let checked = check(graph) { display in
            let absolute = display.hasPrefix("/") ? display : "\(base)/\(display)"
            return absolute.hasPrefix(rootPrefix) ? String(absolute.dropFirst(rootPrefix.count)) : absolute
        }
        var result = LintResult(findings: checked.findings, scannedFiles: scanned, skipped: skipped.sorted { $0.path < $1.path }, graph: graph)
        result.suppressed = checked.suppressed
        result.rules = configuration.ruleSet.metadata
        result.displayBase = base
        result.keyRoot = keyRoot
        result.threads = threads
        return result
    }

    /// Runs every enabled rule over the graph, applies suppressions, and returns the findings
    /// to report and the ones accepted, both in output order.
    /// `relativePath` turns a finding's path into one relative to the scanned root, for `ignore:` globs.
    public func check(_ graph: IAMGraph, relativePath: (String) -> String = { $0 }) -> (findings: [Finding], suppressed: [SuppressedFinding]) {
        let ruleSet = configuration.ruleSet
        let rules = ruleSet.rules.filter { configuration.isEnabled($0.metadata) }
        var findings = timings.stage("rules") { runGraphRules(rules.filter { type(of: $0.rule).phase == .graph }, graph) }
        return timings.stage("suppressions, output order") { suppress(&findings, in: graph, rules: rules, relativePath: relativePath) }
    }

    /// Applies in-source suppressions and configuration ignores to the graph rules' findings,
    /// runs the rules that look at unused suppressions, and sorts both lists into output order.
    /// `findings` is emptied: when nothing is suppressed its storage becomes the report's, sorted
    /// in place (a large organisation has a hundred thousand findings).
    private func suppress(
        _ findings: inout [Finding], in graph: IAMGraph, rules: [(metadata: RuleMetadata, rule: any Rule)], relativePath: (String) -> String
    ) -> (findings: [Finding], suppressed: [SuppressedFinding]) {
        let ruleSet = configuration.ruleSet
        var used = Set<Int>()
        var reported: [Finding] = []
        var suppressed: [SuppressedFinding] = []
        // The suppressions of each file, in order: a finding looks only at its own file's.
        var suppressionsByFile: [String: [Int]] = [:]
        for (index, s) in graph.suppressions.enumerated() { suppressionsByFile[s.provenance.file, default: []].append(index) }
        // Nothing to suppress (a large organisation's usual case): the findings as they are, and
        // none left to look at below.
        if graph.suppressions.isEmpty && configuration.ignores.isEmpty { swap(&reported, &findings) }
        for finding in findings {
            if let index = suppressionsByFile[finding.location.file]?.first(where: { index in
                let s = graph.suppressions[index]
                return s.lines.contains(finding.location.line) && s.rules.contains { ruleSet.metadata(named: $0)?.code == finding.rule.code }
            }) {
                used.insert(index)
                let reason = graph.suppressions[index].reason
                suppressed.append(SuppressedFinding(finding: finding, kind: .inSource, justification: reason.isEmpty ? "iamlint:ignore" : reason))
            } else if let ignore = configuration.ignores.first(where: { $0.matches(finding, path: relativePath(finding.location.file), rules: ruleSet) }) {
                suppressed.append(SuppressedFinding(finding: finding, kind: .external, justification: ignore.reason.isEmpty ? "ignored in configuration" : ignore.reason))
            } else {
                reported.append(finding)
            }
        }
        let unused = graph.suppressions.enumerated().compactMap { index, s -> UnusedSuppression? in
            let unknown = s.rules.filter { ruleSet.metadata(named: $0) == nil }
            guard !used.contains(index) || !unknown.isEmpty else { return nil }
            return UnusedSuppression(suppression: s, unknownRules: unknown)
        }
        for (metadata, rule) in rules where type(of: rule).phase == .afterSuppression {
            reported += run(rule, metadata, RuleContext(graph: graph, metadata: metadata, unusedSuppressions: unused))
        }
        findings = []
        Finding.sortInOutputOrder(&reported)
        return (reported, suppressed.sorted { Finding.outputOrder($0.finding, $1.finding) })
    }

    private func run(_ rule: any Rule, _ metadata: RuleMetadata, _ context: RuleContext) -> [Finding] {
        let severity = configuration.severity(for: metadata)
        var findings = timings.rule(metadata.code) { rule.check(context) }
        // In place: a copy of each finding would retain and release every one of its texts.
        for i in findings.indices where findings[i].severity != severity { findings[i].severity = severity }
        return findings
    }

    /// Runs the graph rules, on up to `threads` threads (rules only read the graph), and returns
    /// their findings in rule order, as a sequential run gives them. The rules that ask for no
    /// derived facts (`Rule.asksDerivedFacts`) run last, once the facts are released.
    private func runGraphRules(_ rules: [(metadata: RuleMetadata, rule: any Rule)], _ graph: IAMGraph) -> [Finding] {
        var lists = [[Finding]](repeating: [], count: rules.count)
        func runAll(_ positions: [Int]) {
            let found = Parallel.map(positions, threads: threads) { position in
                run(rules[position].rule, rules[position].metadata, RuleContext(graph: graph, metadata: rules[position].metadata))
            }
            for (position, findings) in zip(positions, found) { lists[position] = findings }
        }
        runAll(rules.indices.filter { type(of: rules[$0].rule).asksDerivedFacts })
        // What the rules derived from the graph (the assume steps, trust tables, per-principal
        // facts: megabytes for an organisation) is released before the remaining rules add their
        // findings and the findings are joined and reported: the moment a scan's memory peaked.
        // A later question computes a fact again (and it is released below). The pages are given
        // back before the join makes a list as large as the rules' lists together, and the
        // lists' own pages after it (about 20 MB each at 100,000 principals, which stayed
        // resident to the end of the report).
        graph.derived.removeAll()
        ResidentMemory.releaseFreePages()
        runAll(rules.indices.filter { !type(of: rules[$0].rule).asksDerivedFacts })
        graph.derived.removeAll()
        let findings = Self.joined(&lists)
        ResidentMemory.releaseFreePages()
        return findings
    }

    /// The findings of `lists` one after another, moved (not copied: a copy of a finding retains
    /// and releases each of its texts): the result is filled from its end, each list's findings
    /// taken off its end, and each list released once it is empty. `lists` is left empty.
    static func joined(_ lists: inout [[Finding]]) -> [Finding] {
        let total = lists.reduce(0) { $0 + $1.count }
        // The findings moved between two releases of a list's emptied pages: about a megabyte.
        let batch = max(1, (1 << 20) / MemoryLayout<Finding>.stride)
        let joined = [Finding](unsafeUninitializedCapacity: total) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            var end = total
            for i in lists.indices.reversed() {
                var list: [Finding] = []
                swap(&list, &lists[i])
                // A large list's pages are given back as it empties (its slots past `count` hold
                // nothing), so that the joined list does not grow beside the whole of it: IAM402's
                // is 13 MB at 100,000 principals. `popLast` neither moves nor shrinks the storage
                // once it is the list's own (the first call makes it so), so the slots
                // `count..<emptiedFrom` of the storage read after a call are empty.
                var emptiedFrom = list.count
                while let finding = list.popLast() {
                    end -= 1
                    (base + end).initialize(to: finding)
                    guard emptiedFrom - list.count >= batch else { continue }
                    let count = list.count, upTo = min(emptiedFrom, list.capacity)
                    list.withUnsafeBufferPointer { kept in
                        guard let start = kept.baseAddress else { return }
                        ResidentMemory.releasePages(UnsafeRawPointer(start + count), UnsafeRawPointer(start + upTo))
                    }
                    emptiedFrom = count
                }
            }
            initialized = total
        }
        lists = []
        return joined
    }

    /// The threads to use: `--threads`, or one per core.
    private var threads: Int {
        configuration.threads > 0 ? configuration.threads : ProcessInfo.processInfo.activeProcessorCount
    }

    private func prefix(_ path: String) -> String { path.hasSuffix("/") ? path : path + "/" }

    private func loadAll(_ files: [DiscoveredFile], accounts: [String?], loader: FileLoader) -> [FileLoader.Outcome] {
        Parallel.map(files.indices, threads: threads) { loader.load(files[$0], account: accounts[$0]) }
    }
}
