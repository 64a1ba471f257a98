import Foundation
import IAMLintCore
import XCTest

/// `PathText` gives what `NSString`'s path methods give (iamlint used them for display paths and
/// baseline keys before it stopped linking Foundation), and the file-system helpers report errors.
final class PathTextTests: XCTestCase {
    private let paths = ["", "/", "a", "a/", "a//", "/a", "/a/", "a/b", "a/b/", "/a/b", "/a/b/", "a//b", "/tmp/x.yaml",
                         "./a", "../a", "a/./b", "a/../b", "x.tar.gz", ".hidden", "dir/.hidden", "a.", "..", "dir/..", "é/ü.json",
                         "/a b/c d.yml"]

    func testLastComponentParentAndExtensionAgreeWithNSString() {
        for path in paths {
            let ns = path as NSString
            XCTAssertEqual(PathText.lastComponent(path), ns.lastPathComponent, "lastComponent \(path.debugDescription)")
            XCTAssertEqual(PathText.pathExtension(path), ns.pathExtension, "pathExtension \(path.debugDescription)")
        }
    }

    /// `NSString.deletingLastPathComponent` crashes on this toolchain's Foundation for short
    /// relative paths (`a`, `a/`), so the expected parents are spelled out, as Apple documents them.
    func testParent() {
        let expected = ["/tmp/scratch.tiff": "/tmp", "/tmp/lock/": "/tmp", "/tmp/": "/", "/tmp": "/", "/": "/", "scratch.tiff": "",
                        "": "", "a/b": "a", "a/b/": "a", "a//b": "a", "/a/b/c.yml": "/a/b", "rel/.lint-baseline": "rel", "a/": ""]
        for (path, parent) in expected {
            XCTAssertEqual(PathText.parent(path), parent, "parent \(path.debugDescription)")
        }
    }

    func testAppendingAgreesWithNSString() {
        for base in ["", "/", "/tmp", "/tmp/", "rel", "rel/"] {
            for component in ["x", "x.yaml", ".lint-baseline"] {
                XCTAssertEqual(PathText.appending(base, component), (base as NSString).appendingPathComponent(component),
                               "\(base.debugDescription) + \(component)")
            }
        }
    }

    func testStandardizedResolvesLinksAndDotsLikeNSString() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("iamlint-path-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: "\(dir)/real/sub", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: "\(dir)/link", withDestinationPath: "\(dir)/real")
        for path in ["\(dir)/link/sub", "\(dir)/link/sub/..", "\(dir)/real/./sub/", "\(dir)//real", "\(dir)/link/missing/../x.yaml"] {
            XCTAssertEqual(PathText.standardized(path), (path as NSString).standardizingPath, path)
        }
        XCTAssertEqual(PathText.lexicallyStandardized("/a/./b/../c//d/"), "/a/c/d")
        XCTAssertEqual(PathText.lexicallyStandardized("/../a"), "/a")
        XCTAssertEqual(PathText.lexicallyStandardized("../a/./b/.."), "../a")
    }

    func testTrimmingBlanks() {
        XCTAssertEqual(" \t IAM101 \u{00A0}".trimmingBlanks(), "IAM101")
        XCTAssertEqual("   ".trimmingBlanks(), "")
        XCTAssertEqual("a b".trimmingBlanks(), "a b")
    }

    func testReadAndWriteTextAndTheirErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("iamlint-fs-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileSystem.writeText("findings: []\né\n", to: "\(dir)/out.txt")
        XCTAssertEqual(try FileSystem.readBytes("\(dir)/out.txt"), Array("findings: []\né\n".utf8))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["out.txt"], "no temporary file is left")
        XCTAssertTrue(FileSystem.isDirectory(dir))
        XCTAssertFalse(FileSystem.isDirectory("\(dir)/out.txt"))
        XCTAssertTrue(FileSystem.exists("\(dir)/out.txt"))
        XCTAssertFalse(FileSystem.exists("\(dir)/missing"))
        XCTAssertThrowsError(try FileSystem.readBytes("\(dir)/missing")) { error in
            XCTAssertEqual("\(error)", "No such file or directory")
        }
        XCTAssertThrowsError(try FileSystem.writeText("x", to: "\(dir)/no/such/folder/out.txt")) { error in
            XCTAssertEqual("\(error)", "No such file or directory")
        }
    }

    func testRegularFilesUnderAFolderAreSortedAndRelative() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("iamlint-walk-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: "\(dir)/b/c", withIntermediateDirectories: true)
        for file in ["z.yaml", "b/a.json", "b/c/config", ".hidden"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: "\(dir)/\(file)", contents: Data()))
        }
        XCTAssertEqual(FileSystem.regularFiles(under: dir), [".hidden", "b/a.json", "b/c/config", "z.yaml"])
        XCTAssertNil(FileSystem.regularFiles(under: "\(dir)/missing"))
    }
}
