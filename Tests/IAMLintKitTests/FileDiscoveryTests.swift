import Foundation
@testable import IAMLintKit
import XCTest

/// Discovery's own rules: names classified on bytes agree with the Foundation rules they replaced,
/// and a walk gives the files, order and skip reasons it always gave.
final class FileDiscoveryTests: XCTestCase {
    func testByteClassificationAgreesWithFoundation() {
        let stems = ["", "a", "A", ".", "..", "...", ".a", "a.", "a..", "x.b", "aws", "AWS-prod", "cred", "my-Creds", ".iamlint",
                     ".lint-baseline", "credentials", "CREDENTIALS", "config", "Config", " ", "a b", "-", "a\\b"]
        let suffixes = ["", ".", "..", ".yaml", ".YML", ".yml", ".Template", ".cfn", ".json", ".JSON", ".tfstate", ".ini", ".INI",
                        ".cfg", ".txt", ".yaml.", ".json.bak", "..json", ".yml.ini"]
        var names: [String] = []
        for stem in stems {
            for suffix in suffixes { names.append(stem + suffix) }
        }
        names += [".iamlint.yml", ".IAMLINT.YML", ".lint-baseline", "crédentials.ini", "CONFİG", "\u{212A}.yaml", "a.y\u{301}ml",
                  "cr\u{E9}d.ini", "café.json", "/", "dir/", "dir/a.yaml/"]
        for name in names {
            for path in [name, "/some/dir/" + name] {
                XCTAssertEqual(FileDiscovery.classify(path), Self.classifyWithFoundation(path), "path \(path.debugDescription)")
                XCTAssertEqual(FileDiscovery.classifyUnicode(path), Self.classifyWithFoundation(path), "path \(path.debugDescription)")
            }
        }
    }

    /// The rules as first written, on Foundation strings (`NSString`'s path methods): the oracle.
    static func classifyWithFoundation(_ path: String) -> InputKind? {
        let name = (path as NSString).lastPathComponent.lowercased()
        if name == ".iamlint.yml" || name == ".lint-baseline" { return nil }
        let ext = (name as NSString).pathExtension
        switch ext {
        case "yaml", "yml", "template", "cfn": return .yaml
        case "json", "tfstate": return .json
        default: break
        }
        if name == "credentials" || (ext == "ini" && name.contains("cred")) { return .awsCredentials }
        if name == "config" || ext == "ini" || ext == "cfg" && name.contains("aws") { return .awsConfig }
        return nil
    }

    func testWalkOrderSkipsAndSkippedFolders() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("iamlint-discovery-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let root = "\(dir)/root"
        for folder in ["b", "a", "node_modules", ".git", "a/.terraform", "Z", "é"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(folder)", withIntermediateDirectories: true)
        }
        for file in ["b/t.yaml", "a/t.json", "a/notes.txt", "node_modules/x.yaml", ".git/config", "a/.terraform/s.tfstate",
                     "Z/credentials", "é/c.yml", "top.YAML", "aws.cfg", "plain.ini"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: "\(root)/\(file)", contents: Data("{}".utf8)))
        }
        try FileManager.default.createSymbolicLink(atPath: "\(root)/link.yaml", withDestinationPath: "\(root)/top.YAML")
        XCTAssertEqual(mkfifo("\(root)/fifo.txt", 0o600), 0)
        let (files, skipped) = FileDiscovery(displayBase: root).discover([root, "\(root)/a/notes.txt", "\(root)/node_modules", "\(root)/missing.yaml"])
        XCTAssertEqual(files.map(\.displayPath), ["Z/credentials", "a/t.json", "aws.cfg", "b/t.yaml", "node_modules/x.yaml", "plain.ini", "top.YAML", "é/c.yml"])
        XCTAssertEqual(files.map(\.kind), [.awsCredentials, .json, .awsConfig, .yaml, .yaml, .awsConfig, .yaml, .yaml])
        XCTAssertEqual(files.map(\.absolutePath), files.map { "\(root)/\($0.displayPath)" })
        XCTAssertEqual(skipped.map(\.path), ["a/notes.txt", "fifo.txt", "link.yaml", "missing.yaml"])
        XCTAssertEqual(skipped.map(\.reason), ["not a CloudFormation, JSON, YAML or AWS CLI file", "not a regular file",
                                               "symbolic link, not followed", "cannot be read: No such file or directory"])
        XCTAssertEqual(FileDiscovery(displayBase: root).discover([root]).files.count, 7)
    }
}
