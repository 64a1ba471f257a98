#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IAMLintCatalogGen
import IAMLintCore
import IAMLintRules

/// Runs a rule pack's `pass/` and `fail/` examples the way the built-in rules' examples are run:
/// a fail case must produce exactly the findings of its `<case>.findings` file (position,
/// severity, message, rule), a pass case none of the rule's.
public struct RulePackTester {
    /// The outcome of one example case (or of a rule that could not be tested).
    public struct CaseResult: Sendable {
        public var rule: RuleID
        /// `fail/<case>` or `pass/<case>`; empty for a problem with the rule itself.
        public var name: String
        public var passed: Bool
        /// Why it failed: the expected and actual findings, or the problem.
        public var detail: String
    }

    public var pack: CustomRulePack

    public init(pack: CustomRulePack) {
        self.pack = pack
    }

    /// Every case of every rule, in rule and case order.
    public func run() -> [CaseResult] {
        var results: [CaseResult] = []
        for rule in pack.rules {
            let id = rule.metadata.id
            let examples: [RuleExample]
            do {
                examples = try CatalogGenerator.loadExamples(in: rule.folder)
            } catch {
                results.append(CaseResult(rule: id, name: "", passed: false, detail: "\(error)"))
                continue
            }
            if !examples.contains(where: \.isFailing) {
                results.append(CaseResult(rule: id, name: "", passed: false, detail: "no fail/ example: add one with its <case>.findings"))
            }
            if !examples.contains(where: { !$0.isFailing }) {
                results.append(CaseResult(rule: id, name: "", passed: false, detail: "no pass/ example"))
            }
            for example in examples {
                results.append(run(example, of: rule))
            }
        }
        return results
    }

    func run(_ example: RuleExample, of rule: CustomRule) -> CaseResult {
        let name = "\(example.isFailing ? "fail" : "pass")/\(example.name)"
        let path = "\(rule.folder)/\(name)"
        let id = rule.metadata.id
        let result: LintResult
        do {
            result = try Self.lintExample(path, pack: pack, enabling: rule.metadata.code)
        } catch {
            return CaseResult(rule: id, name: name, passed: false, detail: "\(error)")
        }
        let own = result.findings.filter { $0.rule.code == rule.metadata.code }
        let actual = own.map(TextReporter().line).joined()
        let expected = example.expectedFindings ?? ""
        if actual == expected && (!example.isFailing || !own.isEmpty) {
            return CaseResult(rule: id, name: name, passed: true, detail: "")
        }
        var detail = ""
        if example.isFailing && own.isEmpty && expected.isEmpty {
            detail = "a fail case must produce a finding; \(example.name).findings is empty\n"
        }
        detail += "expected:\n" + Self.indent(expected) + "actual:\n" + Self.indent(actual)
        return CaseResult(rule: id, name: name, passed: false, detail: detail)
    }

    /// Scans one example (a file or a folder, with the folder's own `.iamlint.yml` if any), paths
    /// shown relative to the example's folder, with the pack loaded and `code` turned on.
    public static func lintExample(_ path: String, pack: CustomRulePack, enabling code: String) throws -> LintResult {
        let isDirectory = FileSystem.isDirectory(path)
        let base = isDirectory ? path : PathText.parent(path)
        var configuration = Configuration()
        configuration.rulePacks = [pack]
        configuration.ruleSet = RuleSet.builtIn.adding(pack.entries)
        let configFile = "\(path)/\(ConfigurationFile.defaultFileName)"
        if isDirectory, FileManager.default.fileExists(atPath: configFile) {
            configuration = try ConfigurationFile.load(path: configFile, into: configuration)
        }
        configuration.enabled.insert(code)
        configuration.threads = 1
        return Linter(configuration: configuration).lint([path], displayBase: base, root: isDirectory ? path : nil)
    }

    /// The report `iamlint test-rules` prints: a line per case, details of failures, and a
    /// closing `N passed, M failed`.
    public static func report(_ results: [CaseResult]) -> String {
        var out = ""
        for r in results {
            let label = r.name.isEmpty ? "\(r.rule.code) \(r.rule.slug)" : "\(r.rule.code) \(r.rule.slug) \(r.name)"
            out += "\(r.passed ? "PASS" : "FAIL") \(label)\n"
            if !r.passed { out += indent(r.detail) }
        }
        let passed = results.filter(\.passed).count
        out += "\(passed) passed, \(results.count - passed) failed\n"
        return out
    }

    static func indent(_ text: String) -> String {
        if text.isEmpty { return "    (none)\n" }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines.map { "    \($0)\n" }.joined()
    }
}
