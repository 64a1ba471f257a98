import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import IAMLintCore
import IAMLintKit
import IAMLintRules

@main
struct IAMLint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iamlint",
        abstract: "Static analysis for repositories that set up AWS IAM.",
        discussion: "Reads CloudFormation templates and AWS CLI config/credentials files into one graph of principals and trusts, and reports what is wrong.",
        version: IAMLintVersion.current,
        subcommands: [Check.self, BaselineCommand.self, Graph.self, Rules.self, Explain.self, TestRules.self],
        defaultSubcommand: Check.self)

    /// Like ArgumentParser's own entry point, but every usage or configuration error exits with 2.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Console.terminate(code.rawValue)
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            Console.standardError((fullMessage(for: error) + "\n"))
            Console.terminate(2)
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif, github, markdown
}

enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case error, warning, note, never

    var threshold: Severity? {
        switch self {
        case .error: return .error
        case .warning: return .warning
        case .note: return .note
        case .never: return nil
        }
    }
}

/// What `check` and `baseline` share: what to scan, which rules, which baseline.
struct ScanOptions: ParsableArguments {
    @Argument(help: "Files or folders to scan.")
    var paths: [String] = ["."]

    @Option(help: ArgumentHelp("Turn on rules (codes or slugs, comma-separated), e.g. experimental ones. Repeatable.", valueName: "rules"))
    var enable: [String] = []

    @Option(help: ArgumentHelp("Turn off rules (codes or slugs, comma-separated). Repeatable.", valueName: "rules"))
    var disable: [String] = []

    @Option(help: "The baseline file (default: .lint-baseline in the scanned root).")
    var baseline: String?

    @Option(help: "The configuration file (default: .iamlint.yml in the scanned root, if present).")
    var config: String?

    @Option(name: .customLong("rules"), help: ArgumentHelp("Load a custom rule pack from this folder. Repeatable.", valueName: "dir"))
    var rulePacks: [String] = []

    @Option(help: "Load files, build the graph, run rules and write reports on this many threads (default: one per core).")
    var threads: Int = 0

    @Flag(help: "Explain which files were skipped and why.")
    var verbose = false

    func validate() throws {
        for path in paths where !FileSystem.exists(path) {
            throw ValidationError("no such file or folder: \(path)")
        }
        if threads < 0 { throw ValidationError("--threads must be 0 (one per core) or more") }
        _ = try configuration()
    }

    /// `--enable IAM108,IAM218 --enable IAM601` → the three names (blanks around commas ignored).
    static func ruleNames(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingBlanks() }
            .filter { !$0.isEmpty }
    }

    /// `.iamlint.yml` (or --config), then the command-line flags on top.
    func configuration() throws -> Configuration {
        var configuration = try loadConfiguration(config: config, root: root, rulePacks: rulePacks)
        configuration.enabled.formUnion(Self.ruleNames(enable))
        configuration.disabled.formUnion(Self.ruleNames(disable))
        configuration.threads = threads
        if let unknown = configuration.unknownRuleNames.first {
            throw ValidationError("unknown rule '\(unknown)'; `iamlint rules` lists them")
        }
        return configuration
    }

    /// The scanned root: the one folder given, else the current folder.
    var root: String {
        if paths.count == 1, FileSystem.isDirectory(paths[0]) {
            return paths[0]
        }
        return "."
    }

    var baselinePath: String { baseline ?? PathText.appending(root, Baseline.defaultFileName) }

    /// Where the run's time goes, recorded when `IAMLINT_TIMING` is set (to anything but `0`)
    /// and printed on standard error at the end.
    static let timings: Timings? = getenv("IAMLINT_TIMING").map { String(cString: $0) }.flatMap { $0.isEmpty || $0 == "0" ? nil : Timings() }

    func lint() throws -> LintResult {
        // Baseline keys and fingerprints are relative to the folder the baseline lives in.
        var linter = Linter(configuration: try configuration())
        linter.timings = Self.timings
        // Large arrays mapped on their own, so that freeing one gives its pages back.
        ResidentMemory.mapLargeAllocations()
        let result = linter.lint(paths, root: PathText.parent(baselinePath))
        if verbose {
            for skip in result.skipped {
                Console.standardError("skipped \(skip.path): \(skip.reason)\n")
            }
        }
        return result
    }

    /// The baseline to apply: nil when there is none (and none was asked for by name).
    func loadBaseline() throws -> Baseline? {
        guard FileSystem.exists(baselinePath) else {
            if baseline != nil { throw ValidationError("no such baseline file: \(baselinePath)") }
            return nil
        }
        do {
            return try Baseline.parse(try FileSystem.readBytes(baselinePath), file: baselinePath)
        } catch let error as Baseline.Error {
            throw ValidationError(error.description)
        } catch {
            throw ValidationError("cannot read \(baselinePath): \(error)")
        }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scan files and folders and report findings.",
        discussion: """
        Several reports in one run: each --output writes the report of the --format before it, e.g.
        `--format sarif --output iamlint.sarif --format text`. A format without --output goes to
        standard output (only one may). Exit status: 0 when no reported finding is at or above
        --fail-on, 1 when one is, 2 on a usage or configuration error.
        """)

    @OptionGroup var scan: ScanOptions

    @Option(help: "Report format: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")). Repeatable.")
    var format: [OutputFormat] = []

    @Option(help: "Write the report of the preceding --format to this file. Repeatable.")
    var output: [String] = []

    @Option(help: "Lowest severity that makes the exit status 1: error, warning, note or never.")
    var failOn: FailOn = .warning

    @Flag(help: "Ignore the baseline file.")
    var noBaseline = false

    @Flag(help: "Also report suppressed and baselined findings (marked as such in json and sarif).")
    var includeSuppressed = false

    @Flag(help: "Print only the findings: no summary.")
    var quiet = false

    func validate() throws {
        let targets = try reportTargets()
        if targets.filter({ $0.file == nil }).count > 1 {
            throw ValidationError("only one --format can go to standard output; give the others an --output")
        }
    }

    /// Each requested format with its file, pairing every --output with the --format before it.
    func reportTargets() throws -> [(format: OutputFormat, file: String?)] {
        var targets: [(format: OutputFormat, file: String?)] = []
        var pendingOutputs: [String] = []
        var formats = format.makeIterator()
        var outputs = output.makeIterator()
        let arguments = Array(CommandLine.arguments.dropFirst())
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            if argument == "--" { break }
            if argument == "--format" || argument.hasPrefix("--format=") {
                if let f = formats.next() { targets.append((f, nil)) }
            } else if argument == "--output" || argument.hasPrefix("--output=") {
                guard let file = outputs.next() else { break }
                if let last = targets.indices.last, targets[last].file == nil {
                    targets[last].file = file
                } else if targets.isEmpty {
                    pendingOutputs.append(file)
                } else {
                    throw ValidationError("--output \(file) follows a --format that already has an output")
                }
            }
            i += 1
        }
        while let f = formats.next() { targets.append((f, nil)) }
        while let o = outputs.next() { pendingOutputs.append(o) }
        if targets.isEmpty { targets.append((.text, nil)) }
        for file in pendingOutputs {
            guard let index = targets.firstIndex(where: { $0.file == nil }) else {
                throw ValidationError("--output \(file) has no --format to write")
            }
            targets[index].file = file
        }
        return targets
    }

    func run() throws {
        // The baseline is read while the files are scanned (an organisation's is tens of megabytes),
        // on a thread of its own: the scan spreads itself over the threads.
        let scan = self.scan
        let baseline = noBaseline ? nil : Parallel.Background { Result { try scan.loadBaseline() } }
        let scanned = Result { try scan.lint() }
        // A baseline's error first, as when it was read before the scan.
        let accepted = try baseline?.wait().get()
        // Each moved, not copied: the findings and the baseline's entries change in place.
        var result = try (consume scanned).get()
        if accepted != nil { result.apply((consume accepted)!, name: scan.baselinePath) }
        for target in try reportTargets() {
            let toTerminal = target.file == nil && isatty(STDOUT_FILENO) == 1
            let colored = toTerminal && getenv("NO_COLOR") == nil
            let reporter: Reporter
            switch target.format {
            case .text: reporter = TextReporter(colored: colored, threads: result.threads)
            case .json: reporter = JSONReporter(includeSuppressed: includeSuppressed, threads: result.threads)
            case .sarif: reporter = SARIFReporter(includeSuppressed: includeSuppressed, threads: result.threads)
            case .github: reporter = GitHubReporter(threads: result.threads)
            case .markdown: reporter = MarkdownReporter()
            }
            let label = "report (\(target.format.rawValue)\(target.file.map { " to \($0)" } ?? ""))"
            try ScanOptions.timings.stage(label) {
                if let file = target.file {
                    let report = reporter.render(result)
                    do {
                        try FileSystem.writeText(report, to: file)
                    } catch {
                        throw ValidationError("cannot write \(file): \(error)")
                    }
                } else {
                    // In pieces: a large organisation's report is tens of megabytes.
                    reporter.write(result) { Console.standardOutput(bytes: $0) }
                }
            }
        }
        if !quiet {
            Console.standardError(TextReporter.summary(result))
        }
        if let timings = ScanOptions.timings { Console.standardError(timings.table()) }
        // By position: `contains(where:)` would copy each finding it passes to the test.
        let findings = result.findings
        let failed = failOn.threshold.map { threshold in findings.indices.contains { findings[$0].severity >= threshold } } ?? false
        // The process ends here, leaving the graph to the operating system: releasing a large
        // organisation's model object by object costs more than building its indexes.
        Console.terminate(failed ? 1 : 0)
    }
}

struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Accept the current findings: write them to the baseline file.",
        discussion: "With --prune, only drop entries that no longer match a finding; add nothing.")

    @OptionGroup var scan: ScanOptions

    @Flag(help: "Only remove stale entries; do not accept new findings.")
    var prune = false

    func run() throws {
        let result = try scan.lint()
        let updated: Baseline
        if prune {
            let existing = try scan.loadBaseline() ?? Baseline()
            updated = existing.pruned(by: existing.match(result.findings, key: result.key))
        } else {
            updated = Baseline(findings: result.findings, key: result.key)
        }
        do {
            try FileSystem.writeText(updated.serialized(), to: scan.baselinePath)
        } catch {
            throw ValidationError("cannot write \(scan.baselinePath): \(error)")
        }
        let count = updated.entries.values.reduce(0, +)
        Console.standardError("wrote \(scan.baselinePath): \(count) accepted finding\(count == 1 ? "" : "s")\n")
    }
}

/// `--rules DIR` packs (loaded first), then `.iamlint.yml` (or `--config`) with its `rulePacks`.
func loadConfiguration(config: String?, root: String, rulePacks: [String]) throws -> Configuration {
    var configuration = Configuration()
    for pack in rulePacks {
        do {
            try configuration.addRulePack(at: pack)
        } catch let error as CustomRuleError {
            throw ValidationError(error.description)
        }
    }
    let path = config ?? PathText.appending(root, ConfigurationFile.defaultFileName)
    if config != nil || FileSystem.exists(path) {
        do {
            configuration = try ConfigurationFile.load(path: path, into: configuration)
        } catch let error as ConfigurationFile.Error {
            throw ValidationError(error.description)
        }
    }
    return configuration
}

/// What `rules` and `explain` need to know custom rules: `--rules` and the configuration.
struct RuleSourceOptions: ParsableArguments {
    @Option(help: "The configuration file whose rulePacks to include (default: ./.iamlint.yml, if present).")
    var config: String?

    @Option(name: .customLong("rules"), help: ArgumentHelp("Include a custom rule pack from this folder. Repeatable.", valueName: "dir"))
    var rulePacks: [String] = []

    func configuration() throws -> Configuration {
        try loadConfiguration(config: config, root: ".", rulePacks: rulePacks)
    }
}

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the rules.",
        discussion: "Custom rules are included when --rules or the configuration's rulePacks names their pack.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(help: "text (a table) or json.")
    var format: Format = .text

    @OptionGroup var source: RuleSourceOptions

    func run() throws {
        let rules = try source.configuration().ruleSet.metadata
        switch format {
        case .json:
            let list = JSONValue.array(rules.map { m in
                .object([
                    ("code", .string(m.code)), ("slug", .string(m.slug)), ("title", .string(m.title)),
                    ("severity", .string(m.severity.rawValue)), ("status", .string(m.status.rawValue)),
                    ("summary", .string(m.summary)), ("tags", .array(m.tags.map(JSONValue.string))),
                    ("aliases", .array(m.aliases.map(JSONValue.string))),
                ])
            })
            print(list.serialized(), terminator: "")
        case .text:
            let rows = rules.map { [$0.code, $0.slug, $0.severity.rawValue, $0.status.rawValue, $0.title] }
            let headers = ["CODE", "SLUG", "SEVERITY", "STATUS", "TITLE"]
            let widths = headers.indices.map { i in ([headers[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
            for row in [headers] + rows {
                let cells = row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[i] - cell.count)) }
                print(cells.joined(separator: "  "))
            }
        }
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Explain a rule: why it matters and how to fix it.")

    @Argument(help: "A rule code or slug, e.g. IAM101 or admin-role-without-mfa.")
    var rule: String

    @OptionGroup var source: RuleSourceOptions

    func validate() throws {
        if try source.configuration().ruleSet.metadata(named: rule) == nil {
            throw ValidationError("unknown rule '\(rule)'; `iamlint rules` lists them")
        }
    }

    func run() throws {
        let configuration = try source.configuration()
        guard let m = configuration.ruleSet.metadata(named: rule) else { return }
        let custom = configuration.customRule(named: rule)
        print(RuleExplanation.render(m, examples: custom.map { "\($0.folder)/pass and \($0.folder)/fail" }), terminator: "")
    }
}

struct TestRules: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-rules",
        abstract: "Test a custom rule pack against its pass/ and fail/ examples.",
        discussion: """
        Each fail case must produce exactly the findings written in its <case>.findings file; each
        pass case must produce none of its rule's findings. Prints a line per case and a closing
        `N passed, M failed`. Exit status: 0 when every case passes, 1 when one fails, 2 when the
        pack itself cannot be loaded.
        """)

    @Argument(help: "The rule pack folder (folders <CODE>-<slug>/ with rule.yml, pass/ and fail/).")
    var directory: String

    func run() throws {
        let pack: CustomRulePack
        do {
            pack = try CustomRulePack.load(directory: directory)
        } catch let error as CustomRuleError {
            Console.standardError("error: \(error.description)\n")
            throw ExitCode(2)
        }
        let results = RulePackTester(pack: pack).run()
        print(RulePackTester.report(results), terminator: "")
        if results.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }
}

struct Graph: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw the principal and trust graph: who can become whom, from where, with or without MFA.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case dot, mermaid, json }

    @OptionGroup var scan: ScanOptions

    @Option(help: "Graph format: dot (Graphviz), mermaid or json.")
    var format: Format = .dot

    @Option(help: "Write the graph to this file instead of standard output.")
    var output: String?

    func run() throws {
        let export = GraphExport(graph: try scan.lint().graph)
        let text: String
        switch format {
        case .dot: text = export.dot()
        case .mermaid: text = export.mermaid()
        case .json: text = export.json()
        }
        if let output {
            do {
                try FileSystem.writeText(text, to: output)
            } catch {
                throw ValidationError("cannot write \(output): \(error)")
            }
        } else {
            Console.standardOutput(text)
        }
    }
}
