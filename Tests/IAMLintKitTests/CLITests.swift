import Foundation
import XCTest

/// Runs the built `iamlint` executable as a user would: exit codes, output streams, subcommands.
final class CLITests: XCTestCase {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    private var executable: URL {
        // The test bundle sits in the build products folder, beside the executable.
        var dir = Bundle(for: CLITests.self).bundleURL
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("iamlint").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("iamlint")
    }

    private func run(_ arguments: [String], in directory: String = TestPaths.packageRoot, environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    private func temporaryDirectory(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("iamlint-cli-\(UUID().uuidString)")
        for (path, content) in files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir.path
    }

    #if os(Linux)
    /// Every process start pays for the libraries it loads: Foundation with its internationalisation
    /// part and ICU cost about 3 ms of a run's 8, so the executable must not need them (it uses
    /// FoundationEssentials, Dispatch and the C library).
    func testExecutableDoesNotLoadFoundation() throws {
        let binary = try Data(contentsOf: executable)
        for library in ["libFoundation.so", "libFoundationInternationalization.so", "lib_FoundationICU.so"] {
            XCTAssertNil(binary.range(of: Data(library.utf8)), "iamlint links \(library)")
        }
    }
    #endif

    func testCleanScanExitsZero() throws {
        let dir = try temporaryDirectory(["ok.yaml": "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - {Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}\n"])
        let run = try run(["check", "."], in: dir)
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(run.stdout, "")
        XCTAssertEqual(run.stderr, "no findings; 1 file checked\n")
    }

    func testFindingsExitOneWithCompilerStyleLines() throws {
        let dir = try temporaryDirectory([
            "aws/config": "[default]\nregion = eu-west-1\nrole_arn = arn:aws:iam::111111111111:role/Admin\ncredential_source = Ec2InstanceMetadata\n",
        ])
        let run = try run(["check"], in: dir, environment: ["NO_COLOR": "1"])
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stdout, "aws/config:1:1: warning: profile 'default' holds credentials (role_arn, credential_source); commands run without --profile silently use them [IAM301 default-profile]\n")
        XCTAssertEqual(run.stderr, "1 finding (1 warning); 1 file checked\n")
        XCTAssertEqual(try self.run(["check", "--fail-on", "error"], in: dir).status, 0)
        XCTAssertEqual(try self.run(["check", "--disable", "default-profile"], in: dir).status, 0)
        XCTAssertEqual(try self.run(["check", "--disable", "IAM301"], in: dir).stdout, "")
        XCTAssertEqual(try self.run(["check", "--disable", "IAM101, default-profile"], in: dir).status, 0)
        XCTAssertEqual(try self.run(["check", "--enable", "IAM108,IAM218", "--enable", "IAM601", "--disable", "IAM301"], in: dir).status, 0)
    }

    func testUsageErrorsExitTwo() throws {
        XCTAssertEqual(try run(["check", "--disable", "IAM999"]).status, 2)
        XCTAssertEqual(try run(["check", "/no/such/path"]).status, 2)
        XCTAssertEqual(try run(["check", "--fail-on", "sometimes"]).status, 2)
        XCTAssertEqual(try run(["explain", "no-such-rule"]).status, 2)
        let run = try run(["check", "--disable", "IAM999"])
        XCTAssertTrue(run.stderr.contains("unknown rule 'IAM999'"), run.stderr)
        let listed = try self.run(["check", "--disable", "IAM101,IAM999"])
        XCTAssertEqual(listed.status, 2)
        XCTAssertTrue(listed.stderr.contains("unknown rule 'IAM999'"), listed.stderr)
    }

    func testOutputFileAndVerboseSkips() throws {
        let dir = try temporaryDirectory(["notes.yaml": "just: [a, list]\n", "broken.yaml": "Resources: [\n"])
        let report = "\(dir)/report.txt"
        let run = try run(["check", "--verbose", "--output", report, "notes.yaml", "broken.yaml"], in: dir)
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stdout, "")
        XCTAssertTrue(run.stderr.contains("skipped notes.yaml: not a CloudFormation template"), run.stderr)
        let written = try String(contentsOfFile: report, encoding: .utf8)
        XCTAssertTrue(written.hasPrefix("broken.yaml:2:1: error: file cannot be parsed: "), written)
        XCTAssertTrue(written.hasSuffix(" [IAM001 parse-error]\n"), written)
    }

    func testRulesAndExplain() throws {
        let rules = try run(["rules"])
        XCTAssertEqual(rules.status, 0)
        XCTAssertTrue(rules.stdout.contains("IAM101  admin-role-without-mfa"), rules.stdout)
        let explain = try run(["explain", "admin-role-without-mfa"])
        XCTAssertEqual(explain.status, 0)
        XCTAssertTrue(explain.stdout.hasPrefix("IAM101 admin-role-without-mfa: Administrator role assumable without MFA\n"), explain.stdout)
    }

    /// The README's first command: the bundled example, byte for byte.
    func testBundledExampleMatchesItsGoldenOutput() throws {
        let expected = try String(contentsOfFile: "\(TestPaths.examples)/multi-account.expected.txt", encoding: .utf8)
        let run = try run(["check", "docs/examples/multi-account"], environment: ["NO_COLOR": "1"])
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stdout, expected)
        for code in ["IAM101", "IAM201", "IAM301", "IAM401"] {
            XCTAssertTrue(run.stdout.contains("[\(code) "), "the example shows no \(code)")
        }
    }

    /// `IAMLINT_TIMING=1` adds where the time went to standard error; the report is unchanged.
    func testTimingTableGoesToStandardErrorOnly() throws {
        let plain = try run(["check", "docs/examples/multi-account"], environment: ["NO_COLOR": "1"])
        let timed = try run(["check", "docs/examples/multi-account"], environment: ["NO_COLOR": "1", "IAMLINT_TIMING": "1"])
        XCTAssertEqual(timed.status, plain.status)
        XCTAssertEqual(timed.stdout, plain.stdout)
        XCTAssertTrue(timed.stderr.hasPrefix(plain.stderr), timed.stderr)
        let table = timed.stderr.dropFirst(plain.stderr.count).split(separator: "\n").map(String.init)
        XCTAssertEqual(table.first, "stage                                    wall time   thread CPU  peak RSS  RSS at end")
        let stageRows = table.dropFirst().prefix { $0.hasPrefix("  ") }
        let stages = stageRows.map { line in
            String(line.dropFirst(2).prefix { $0 != " " })
        }
        XCTAssertEqual(stages, ["discover", "load", "graph", "rules", "suppressions,", "report"])
        // Each stage row ends with the two memory columns (on Linux, where both are known).
        for row in stageRows {
            let columns = row.split(separator: " ")
            XCTAssertEqual(Array(columns.suffix(4).enumerated().filter { $0.offset % 2 == 1 }.map(\.element)), ["MiB", "MiB"], row)
        }
        XCTAssertTrue(table.contains("slowest rules"), timed.stderr)
        // Which rules are slowest depends on the machine: only the shape of their rows is fixed.
        let rules = table.drop { $0 != "slowest rules" }.dropFirst()
        XCTAssertEqual(rules.count, 15, timed.stderr)
        for row in rules {
            let columns = row.split(separator: " ")
            XCTAssertTrue(row.hasPrefix("  IAM") && columns.count == 5 && columns[2] == "ms" && columns[4] == "ms", row)
        }
        let off = try run(["check", "docs/examples/multi-account"], environment: ["NO_COLOR": "1", "IAMLINT_TIMING": "0"])
        XCTAssertEqual(off.stderr, plain.stderr)
    }
}
