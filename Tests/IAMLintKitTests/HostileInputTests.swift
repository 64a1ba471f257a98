import Foundation
import IAMLintCore
@testable import IAMLintKit
import XCTest

/// Hostile input never crashes or hangs: each case yields an IAM0xx finding or a skip that
/// `--verbose` explains, and every other file of the scan is still checked. Every input is made
/// here, in a temporary folder, and scanned twice: in process, and by the real `iamlint` binary,
/// whose exit status must stay 0 or 1 and whose stderr must show no crash trace.
final class HostileInputTests: XCTestCase {
    /// A template every scan also holds: IAM101 must still be reported for it.
    static let goodTemplate = """
        AWSTemplateFormatVersion: '2010-09-09'
        Resources:
          Admin:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Statement:
                  - {Effect: Allow, Principal: {AWS: '*'}, Action: sts:AssumeRole}
              ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]

        """

    struct Scan {
        var result: LintResult
        var status: Int32
        var stdout: String
        var stderr: String

        func findings(in file: String) -> [Finding] { result.findings.filter { $0.location.file == file } }
        func skip(of file: String) -> String? { result.skipped.first { $0.path == file }?.reason }
    }

    // MARK: Set-up

    private func folder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("iamlint-hostile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: "\(dir)/root", withIntermediateDirectories: true)
        addTeardownBlock {
            // Restore permissions so that the folder can be removed.
            _ = chmod("\(dir)/root/unreadable.yaml", 0o644)
            try? FileManager.default.removeItem(atPath: dir)
        }
        try Self.goodTemplate.write(toFile: "\(dir)/root/good.yaml", atomically: true, encoding: .utf8)
        return dir
    }

    private func write(_ bytes: [UInt8], _ path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    private var executable: URL {
        var dir = Bundle(for: HostileInputTests.self).bundleURL
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("iamlint").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("iamlint")
    }

    /// Scans `root` in process and with the binary (`--verbose`), and checks what every case must:
    /// the good template's IAM101 is reported, the exit status is 0 or 1, no crash trace.
    private func scan(_ root: String, configuration: Configuration = Configuration(), arguments: [String] = [],
                      asUser user: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> Scan {
        var configuration = configuration
        configuration.threads = 2
        let result = Linter(configuration: configuration).lint([root], displayBase: root, root: root)
        XCTAssertTrue(result.findings.contains { $0.location.file == "good.yaml" && $0.rule.code == "IAM101" },
                      "the good template was not checked in process", file: file, line: line)

        let process = Process()
        var command = [executable.path, "check", ".", "--verbose", "--no-baseline"] + arguments
        if let user { command = ["/usr/bin/setpriv", "--reuid=\(user)", "--regid=\(user)", "--clear-groups", "--"] + command }
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        // Files, not pipes: a large report must not block the child on a full pipe.
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("iamlint-hostile-out-\(UUID().uuidString)")
        let err = out.appendingPathExtension("err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(300)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            XCTFail("iamlint did not finish within 300 s", file: file, line: line)
        }
        let stdout = String(decoding: (try? Data(contentsOf: out)) ?? Data(), as: UTF8.self)
        let stderr = String(decoding: (try? Data(contentsOf: err)) ?? Data(), as: UTF8.self)
        XCTAssertEqual(process.terminationReason, .exit, "iamlint was killed by a signal: \(stderr.suffix(2000))", file: file, line: line)
        XCTAssertTrue([0, 1].contains(process.terminationStatus), "exit status \(process.terminationStatus): \(stderr.suffix(2000))", file: file, line: line)
        for marker in ["Fatal error", "Stack dump", "Current stack trace", "Segmentation fault", "Illegal instruction", "Program crashed", "AddressSanitizer"] {
            XCTAssertFalse(stderr.contains(marker), "stderr shows a crash (\(marker)): \(stderr.suffix(2000))", file: file, line: line)
        }
        XCTAssertTrue(stdout.contains("good.yaml:8:"), "the good template was not reported by the binary: \(stdout.prefix(2000))", file: file, line: line)
        return Scan(result: result, status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// The file produced exactly one IAM004 finding whose message names `limit` and how to raise it.
    private func assertLimitFinding(_ scan: Scan, _ path: String, limit: String, file: StaticString = #filePath, line: UInt = #line) {
        let findings = scan.findings(in: path)
        XCTAssertEqual(findings.map(\.rule.code), ["IAM004"], "\(findings.map(\.message))", file: file, line: line)
        let message = findings.first?.message ?? ""
        XCTAssertTrue(message.contains("limit \(limit)") && message.contains("`limits:` in .iamlint.yml"), message, file: file, line: line)
        XCTAssertTrue(scan.stdout.contains("\(path):") && scan.stdout.contains("[IAM004"), scan.stdout, file: file, line: line)
    }

    /// The file is reported as IAM001 or explained as a skip under `--verbose`.
    private func assertFindingOrExplainedSkip(_ scan: Scan, _ path: String, file: StaticString = #filePath, line: UInt = #line) {
        if let reason = scan.skip(of: path) {
            XCTAssertTrue(scan.stderr.contains("skipped \(path): \(reason)"), scan.stderr, file: file, line: line)
        } else {
            XCTAssertTrue(scan.findings(in: path).contains { $0.rule.code.hasPrefix("IAM0") }, "\(path): neither a finding nor a skip", file: file, line: line)
        }
    }

    // MARK: Parser limits

    func testYAMLAliasBombIsBoundedByMaxAliasExpansion() throws {
        let dir = try folder()
        var lines = ["AWSTemplateFormatVersion: '2010-09-09'", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for i in 1..<12 { lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]") }
        lines.append("Resources: {}")
        try lines.joined(separator: "\n").write(toFile: "\(dir)/root/bomb.yaml", atomically: true, encoding: .utf8)
        let scan = try scan("\(dir)/root")
        assertLimitFinding(scan, "bomb.yaml", limit: "maxAliasExpansion")
    }

    func testNesting100000DeepInYAMLIsBoundedByMaxDepth() throws {
        let dir = try folder()
        try ("Resources: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n")
            .write(toFile: "\(dir)/root/flow.yaml", atomically: true, encoding: .utf8)
        try ("AWSTemplateFormatVersion: x\n" + (0..<1000).map { String(repeating: " ", count: $0) + "k:\n" }.joined())
            .write(toFile: "\(dir)/root/block.yaml", atomically: true, encoding: .utf8)
        try ("AWSTemplateFormatVersion: x\nResources: " + String(repeating: "{a: ", count: 100_000) + String(repeating: "}", count: 100_000) + "\n")
            .write(toFile: "\(dir)/root/mappings.yaml", atomically: true, encoding: .utf8)
        let scan = try scan("\(dir)/root")
        for path in ["flow.yaml", "block.yaml", "mappings.yaml"] { assertLimitFinding(scan, path, limit: "maxDepth") }
    }

    func testNesting100000DeepInJSONIsBoundedByMaxDepth() throws {
        let dir = try folder()
        try ("{\"Resources\": " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}")
            .write(toFile: "\(dir)/root/arrays.json", atomically: true, encoding: .utf8)
        try ("{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": " + String(repeating: "{\"a\": ", count: 100_000) + "1" + String(repeating: "}", count: 100_001))
            .write(toFile: "\(dir)/root/objects.json", atomically: true, encoding: .utf8)
        let scan = try scan("\(dir)/root")
        for path in ["arrays.json", "objects.json"] { assertLimitFinding(scan, path, limit: "maxDepth") }
    }

    /// Nesting as deep as the configuration allows (10,000) still loads without exhausting the stack.
    func testNestingAtTheHighestConfigurableDepthLoads() throws {
        let dir = try folder()
        let depth = 9_990
        try ("{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"R\": {\"Type\": \"AWS::IAM::Role\", \"Properties\": {\"Description\": "
            + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}}}}")
            .write(toFile: "\(dir)/root/deep.json", atomically: true, encoding: .utf8)
        try ("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies: "
            + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n")
            .write(toFile: "\(dir)/root/deep.yaml", atomically: true, encoding: .utf8)
        try "limits: {maxDepth: 10000}\n".write(toFile: "\(dir)/root/.iamlint.yml", atomically: true, encoding: .utf8)
        let configuration = try ConfigurationFile.load(path: "\(dir)/root/.iamlint.yml")
        XCTAssertEqual(configuration.limits.maxDepth, 10_000)
        let scan = try scan("\(dir)/root", configuration: configuration)
        for path in ["deep.json", "deep.yaml"] {
            XCTAssertTrue(scan.result.scannedFiles.contains(path), path)
            XCTAssertFalse(scan.findings(in: path).contains { ["IAM001", "IAM004"].contains($0.rule.code) }, "\(scan.findings(in: path).map(\.message))")
        }
    }

    func testTwentyMegabyteLineHitsMaxFileSizeOrLoads() throws {
        let dir = try folder()
        let huge = String(repeating: "x", count: 20 * 1024 * 1024)
        try ("{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Description\": \"\(huge)\", \"Resources\": {\"U\": {\"Type\": \"AWS::IAM::User\", \"Properties\": {\"UserName\": \"u\"}}}}")
            .write(toFile: "\(dir)/root/line.json", atomically: true, encoding: .utf8)
        try ("AWSTemplateFormatVersion: '2010-09-09'\nDescription: \(huge)\nResources: {}\n")
            .write(toFile: "\(dir)/root/line.yaml", atomically: true, encoding: .utf8)
        let refused = try scan("\(dir)/root")
        for path in ["line.json", "line.yaml"] { assertLimitFinding(refused, path, limit: "maxFileSize") }

        // Raised, the same files load: the line is parsed, not refused.
        try "limits: {maxFileSize: 67108864}\n".write(toFile: "\(dir)/root/.iamlint.yml", atomically: true, encoding: .utf8)
        let configuration = try ConfigurationFile.load(path: "\(dir)/root/.iamlint.yml")
        let loaded = try scan("\(dir)/root", configuration: configuration)
        XCTAssertTrue(loaded.result.scannedFiles.contains("line.json"))
        XCTAssertTrue(loaded.findings(in: "line.json").allSatisfy { $0.rule.code != "IAM001" && $0.rule.code != "IAM004" })
        XCTAssertTrue(loaded.result.graph.principals.contains { $0.displayName == "u" })
    }

    /// A file with 50,000 repeated keys is reported key by key in bounded time (the logical path
    /// of every duplicate is found in one walk of the tree).
    func testThousandsOfDuplicateKeysAreReportedInOneWalk() throws {
        let dir = try folder()
        let count = 50_000
        try ("AWSTemplateFormatVersion: '2010-09-09'\nResources: {R: {Type: AWS::IAM::Role}}\n" + String(repeating: "a: 1\n", count: count + 1))
            .write(toFile: "\(dir)/root/dups.yaml", atomically: true, encoding: .utf8)
        let scan = try scan("\(dir)/root")
        let duplicates = scan.findings(in: "dups.yaml").filter { $0.rule.code == "IAM002" }
        XCTAssertEqual(duplicates.count, count)
        XCTAssertEqual(Set(duplicates.map(\.logicalLocation)), ["a"])
    }

    // MARK: Bytes that are not text

    func testRandomBytesAreSkippedOrReported() throws {
        let dir = try folder()
        var generator = SeededGenerator(seed: 7)
        for (name, prefix) in [("random.json", ""), ("random.yaml", ""), ("random.template", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n")] {
            try write(Array(prefix.utf8) + (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) }, "\(dir)/root/\(name)")
        }
        let scan = try scan("\(dir)/root")
        for path in ["random.json", "random.yaml", "random.template"] { assertFindingOrExplainedSkip(scan, path) }
        XCTAssertEqual(scan.findings(in: "random.template").map(\.rule.code), ["IAM001"])
    }

    func testInvalidUTF8IsAParseError() throws {
        let dir = try folder()
        try write(Array(Self.goodTemplate.utf8).replacing(Array("Admin:".utf8), with: [0x41, 0xFF, 0xFE, 0x3A]), "\(dir)/root/latin.yaml")
        try write(Array("{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"R\u{1}\": 1}}".utf8).replacing([0x01], with: [0xC3, 0x28]), "\(dir)/root/latin.json")
        let scan = try scan("\(dir)/root")
        XCTAssertEqual(scan.findings(in: "latin.yaml").map(\.rule.code), ["IAM001"])
        XCTAssertTrue(scan.findings(in: "latin.yaml").first?.message.contains("UTF-8") ?? false)
        assertFindingOrExplainedSkip(scan, "latin.json")
    }

    func testUTF16WithByteOrderMarkIsRead() throws {
        let dir = try folder()
        var little: [UInt8] = [0xFF, 0xFE]
        for unit in Self.goodTemplate.utf16 { little += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        try write(little, "\(dir)/root/utf16le.yaml")
        var big: [UInt8] = [0xFE, 0xFF]
        for unit in Self.goodTemplate.utf16 { big += [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
        try write(big, "\(dir)/root/utf16be.json")
        let scan = try scan("\(dir)/root")
        for path in ["utf16le.yaml", "utf16be.json"] {
            let codes = scan.findings(in: path).map(\.rule.code)
            XCTAssertTrue(codes.contains("IAM101") && !codes.contains("IAM001"), "\(path): \(codes)")
        }
    }

    func testNULBytesAreAParseError() throws {
        let dir = try folder()
        try write(Array(Self.goodTemplate.utf8).replacing(Array("Type".utf8), with: Array("Ty\u{0}pe".utf8)), "\(dir)/root/nul.yaml")
        try write(Array("{\"AWSTemplateFormatVersion\": \"2010-09-09\",\u{0} \"Resources\": {}}".utf8), "\(dir)/root/nul.json")
        let scan = try scan("\(dir)/root")
        XCTAssertEqual(scan.findings(in: "nul.yaml").map(\.rule.code), ["IAM001"])
        assertFindingOrExplainedSkip(scan, "nul.json")
    }

    func testEmptyFilesAreSkippedWithAReason() throws {
        let dir = try folder()
        for name in ["empty.yaml", "empty.json", "blank.yaml"] {
            try (name == "blank.yaml" ? "\n \n# only a comment\n" : "").write(toFile: "\(dir)/root/\(name)", atomically: true, encoding: .utf8)
        }
        let scan = try scan("\(dir)/root")
        for path in ["empty.yaml", "empty.json", "blank.yaml"] {
            XCTAssertNotNil(scan.skip(of: path), path)
            assertFindingOrExplainedSkip(scan, path)
        }
    }

    // MARK: The file system

    func testDirectorySymlinkLoopIsNotFollowed() throws {
        let dir = try folder()
        try FileManager.default.createDirectory(atPath: "\(dir)/root/loop", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: "\(dir)/root/loop/up", withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: "\(dir)/root/self", withDestinationPath: "self")
        let scan = try scan("\(dir)/root")
        XCTAssertEqual(scan.skip(of: "loop/up"), "symbolic link, not followed")
        XCTAssertEqual(scan.skip(of: "self"), "symbolic link, not followed")
        XCTAssertEqual(scan.result.scannedFiles, ["good.yaml"])
        assertFindingOrExplainedSkip(scan, "loop/up")
    }

    func testSymlinksOutOfTheRootAreNotFollowed() throws {
        let dir = try folder()
        try FileManager.default.createDirectory(atPath: "\(dir)/outside", withIntermediateDirectories: true)
        try Self.goodTemplate.write(toFile: "\(dir)/outside/secret.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: "\(dir)/root/outside-dir", withDestinationPath: "\(dir)/outside")
        try FileManager.default.createSymbolicLink(atPath: "\(dir)/root/outside-file.yaml", withDestinationPath: "\(dir)/outside/secret.yaml")
        try FileManager.default.createSymbolicLink(atPath: "\(dir)/root/relative.yaml", withDestinationPath: "../outside/secret.yaml")
        let scan = try scan("\(dir)/root")
        for path in ["outside-dir", "outside-file.yaml", "relative.yaml"] {
            XCTAssertEqual(scan.skip(of: path), "symbolic link, not followed")
            assertFindingOrExplainedSkip(scan, path)
        }
        XCTAssertEqual(scan.result.scannedFiles, ["good.yaml"])
        XCTAssertFalse(scan.stdout.contains("secret"))
    }

    /// A FIFO is skipped and never opened for reading (that would block the scan forever).
    func testFIFOIsSkippedWithoutBeingOpened() throws {
        let dir = try folder()
        XCTAssertEqual(mkfifo("\(dir)/root/pipe.yaml", 0o644), 0)
        let scan = try scan("\(dir)/root")
        XCTAssertEqual(scan.skip(of: "pipe.yaml"), "not a regular file")
        assertFindingOrExplainedSkip(scan, "pipe.yaml")
        // A file that became a FIFO or a device after discovery is refused without blocking.
        guard case .failed(let reason) = FileLoader.read("\(dir)/root/pipe.yaml", limit: 1000) else { return XCTFail("a FIFO was read") }
        XCTAssertEqual(reason, "not a regular file")
        guard case .failed(let device) = FileLoader.read("/dev/zero", limit: 1000) else { return XCTFail("a device was read") }
        XCTAssertEqual(device, "not a regular file")
    }

    func testUnreadableFileIsSkippedWithItsReason() throws {
        let dir = try folder()
        try Self.goodTemplate.write(toFile: "\(dir)/root/unreadable.yaml", atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod("\(dir)/root/unreadable.yaml", 0), 0)
        if geteuid() != 0 {
            let scan = try scan("\(dir)/root")
            XCTAssertEqual(scan.skip(of: "unreadable.yaml"), "cannot be opened: Permission denied")
            assertFindingOrExplainedSkip(scan, "unreadable.yaml")
            return
        }
        // Root reads any file: run the binary as nobody instead (the folders must let it in).
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
              isReachable(executable.path, byUser: 65534) else {
            throw XCTSkip("running as root, which reads a chmod 000 file, and cannot run iamlint as another user (needs /usr/bin/setpriv and a binary that user can reach)")
        }
        XCTAssertEqual(chmod(dir, 0o755), 0)
        let scan = try scan("\(dir)/root", asUser: "65534")
        XCTAssertTrue(scan.stderr.contains("skipped unreadable.yaml: cannot be opened: Permission denied"), scan.stderr)
        XCTAssertFalse(scan.stdout.contains("unreadable.yaml"))
    }

    /// Whether every folder above `path` lets `uid` through (other-execute), so it can run the binary.
    private func isReachable(_ path: String, byUser uid: uid_t) -> Bool {
        var current = (path as NSString).deletingLastPathComponent
        while !current.isEmpty && current != "/" {
            var info = stat()
            guard stat(current, &info) == 0, info.st_mode & 0o001 != 0 else { return false }
            current = (current as NSString).deletingLastPathComponent
        }
        return true
    }

    /// A file that discovery listed but that is gone by the time it is loaded is skipped, and the
    /// other files still load.
    func testFileDeletedMidScanIsSkipped() throws {
        let dir = try folder()
        try Self.goodTemplate.write(toFile: "\(dir)/root/doomed.yaml", atomically: true, encoding: .utf8)
        let (files, _) = FileDiscovery(displayBase: "\(dir)/root").discover(["\(dir)/root"])
        XCTAssertEqual(files.map(\.displayPath), ["doomed.yaml", "good.yaml"])
        try FileManager.default.removeItem(atPath: "\(dir)/root/doomed.yaml")
        let loader = FileLoader(limits: .default, maxFileSize: Configuration().maxFileSize)
        let outcomes = files.map { loader.load($0) }
        guard case .skipped(let reason) = outcomes[0] else { return XCTFail("a deleted file loaded") }
        XCTAssertEqual(reason, "cannot be opened: No such file or directory")
        guard case .loaded(let fragment) = outcomes[1] else { return XCTFail("the good file did not load") }
        XCTAssertEqual(fragment.principals.count, 1)
        // Replaced by a symbolic link after discovery: refused, not followed.
        try FileManager.default.createSymbolicLink(atPath: "\(dir)/root/doomed.yaml", withDestinationPath: "\(dir)/root/good.yaml")
        guard case .skipped(let link) = loader.load(files[0]) else { return XCTFail("a link loaded") }
        XCTAssertEqual(link, "symbolic link, not followed")
    }

    // MARK: Fuzzing regressions
    // Each input that crashed a harness in Fuzz/ (scripts/fuzz) is replayed here, minimized.

    func testFuzzRegressionsParseWithoutCrashing() throws {
        let inputs: [[UInt8]] = FuzzRegressions.inputs
        for bytes in inputs {
            _ = YAMLParser.parse(bytes)
            _ = JSONParser.parse(bytes)
        }
    }
}

/// Minimized inputs from fuzzing (none has crashed a harness so far; add each new one here).
enum FuzzRegressions {
    static let inputs: [[UInt8]] = [
        Array("&a [*a]".utf8),
        Array("<<: *x".utf8),
        Array("{\"a\": \"\\ud800\"}".utf8),
        [0xEF, 0xBB, 0xBF],
    ]
}

private extension Array where Element == UInt8 {
    func replacing(_ target: [UInt8], with replacement: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var i = 0
        while i < count {
            if i + target.count <= count, Array(self[i..<(i + target.count)]) == target {
                result += replacement
                i += target.count
            } else {
                result.append(self[i])
                i += 1
            }
        }
        return result
    }
}
