import ArgumentParser
import Foundation
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
        subcommands: [Check.self, Rules.self, Explain.self],
        defaultSubcommand: Check.self)
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
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

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scan files and folders and report findings.",
        discussion: "Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 on a usage error.")

    @Argument(help: "Files or folders to scan.")
    var paths: [String] = ["."]

    @Option(help: "Output format: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: OutputFormat = .text

    @Option(help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(help: "Lowest severity that makes the exit status 1: error, warning, note or never.")
    var failOn: FailOn = .note

    @Option(help: "Turn on a rule (code or slug), e.g. an experimental one. Repeatable.")
    var enable: [String] = []

    @Option(help: "Turn off a rule (code or slug). Repeatable.")
    var disable: [String] = []

    @Option(help: "Load files on this many threads (default: one per core).")
    var threads: Int = 0

    @Flag(help: "Explain which files were skipped and why.")
    var verbose = false

    func validate() throws {
        var configuration = Configuration()
        configuration.enabled = Set(enable)
        configuration.disabled = Set(disable)
        if let unknown = configuration.unknownRuleNames.first {
            throw ValidationError("unknown rule '\(unknown)'; `iamlint rules` lists them")
        }
        for path in paths where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("no such file or folder: \(path)")
        }
    }

    func run() throws {
        var configuration = Configuration()
        configuration.enabled = Set(enable)
        configuration.disabled = Set(disable)
        configuration.threads = threads
        let result = Linter(configuration: configuration).lint(paths)
        let colored = output == nil && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        let reporter: Reporter
        switch format {
        case .text: reporter = TextReporter(colored: colored)
        }
        let report = reporter.render(result)
        if let output {
            do {
                try report.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                throw ValidationError("cannot write \(output): \(error.localizedDescription)")
            }
        } else {
            FileHandle.standardOutput.write(Data(report.utf8))
        }
        if verbose {
            for skip in result.skipped {
                FileHandle.standardError.write(Data("skipped \(skip.path): \(skip.reason)\n".utf8))
            }
        }
        if format == .text {
            FileHandle.standardError.write(Data(TextReporter.summary(result).utf8))
        }
        if let threshold = failOn.threshold, result.findings.contains(where: { $0.severity >= threshold }) {
            throw ExitCode(1)
        }
    }
}

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the rules.")

    func run() {
        let rows = RuleCatalog.all.map { [$0.code, $0.slug, $0.severity.rawValue, $0.status.rawValue, $0.title] }
        let headers = ["CODE", "SLUG", "SEVERITY", "STATUS", "TITLE"]
        let widths = headers.indices.map { i in ([headers[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        for row in [headers] + rows {
            let cells = row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
            print(cells.joined(separator: "  "))
        }
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Explain a rule: why it matters and how to fix it.")

    @Argument(help: "A rule code or slug, e.g. IAM101 or admin-role-without-mfa.")
    var rule: String

    func validate() throws {
        if RuleRegistry.metadata(named: rule) == nil {
            throw ValidationError("unknown rule '\(rule)'; `iamlint rules` lists them")
        }
    }

    func run() {
        guard let m = RuleRegistry.metadata(named: rule) else { return }
        print(RuleExplanation.render(m), terminator: "")
    }
}
