import Foundation
import IAMLintKit
import XCTest

/// `iamlint graph` for the bundled example: golden DOT, Mermaid and JSON (the DOT and Mermaid
/// files in docs/examples were looked at as rendered pictures), and DOT that Graphviz accepts.
final class GraphExportTests: XCTestCase {
    private func export() throws -> GraphExport {
        let folder = "\(TestPaths.examples)/multi-account"
        var linter = Linter(configuration: try ConfigurationFile.load(path: "\(folder)/.iamlint.yml"))
        linter.configuration.threads = 1
        return GraphExport(graph: linter.lint([folder], displayBase: TestPaths.packageRoot, root: folder).graph)
    }

    func testDOTAndMermaidMatchTheReviewedFiles() throws {
        let export = try export()
        XCTAssertEqual(export.dot(), try String(contentsOfFile: "\(TestPaths.examples)/multi-account.dot", encoding: .utf8))
        XCTAssertEqual(export.mermaid(), try String(contentsOfFile: "\(TestPaths.examples)/multi-account.mmd", encoding: .utf8))
    }

    func testGraphContents() throws {
        let export = try export()
        let label = Dictionary(uniqueKeysWithValues: export.nodes.map { ($0.id, $0.label) })
        let edges = Set(export.edges.map { "\(label[$0.from] ?? $0.from) -\($0.kind.rawValue)[\($0.label)]-> \(label[$0.to] ?? $0.to)" })
        XCTAssertTrue(edges.contains("alice -member-of[]-> Admins"))
        XCTAssertTrue(edges.contains("Admins -may-assume[MFA]-> WorkloadAdmin"))
        XCTAssertTrue(edges.contains("root -may-assume[no MFA]-> LegacyAdmin"))
        XCTAssertTrue(edges.contains("profile workload-admin -profile-assumes[MFA]-> WorkloadAdmin"))
        XCTAssertEqual(Set(export.nodes.filter(\.isAdmin).map(\.label)), ["WorkloadAdmin", "LegacyAdmin", "app-server", "SandboxAdmin", "SandboxHackathon"])
        XCTAssertTrue(edges.contains("root -may-assume[no MFA]-> SandboxHackathon"))
        XCTAssertTrue(edges.contains("Admins -may-assume[MFA]-> SandboxAdmin"))
        XCTAssertEqual(export.nodes.first { $0.label == "alice" }?.account, "111111111111")
        XCTAssertEqual(export.accountNames, ["111111111111": "identity", "222222222222": "workload", "333333333333": "sandbox"])
    }

    func testGraphvizAcceptsTheDOT() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/dot") else { throw XCTSkip("Graphviz is not installed (apt-get install graphviz)") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("iamlint-\(UUID().uuidString).dot")
        try try export().dot().write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/dot")
        process.arguments = ["-Tsvg", file.path, "-o", "/dev/null"]
        let err = Pipe()
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }
}
