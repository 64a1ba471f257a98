import Foundation
import IAMLintCatalogGen
import XCTest

/// Regenerates the rule catalog and docs in memory and fails when the committed files differ.
final class GeneratedFilesTests: XCTestCase {
    func testGeneratedFilesAreCurrent() throws {
        let files = try CatalogGenerator.generate(packageRoot: TestPaths.packageRoot)
        XCTAssertTrue(files.keys.contains(CatalogGenerator.catalogPath))
        for (path, content) in files.sorted(by: { $0.key < $1.key }) {
            let onDisk = try? String(contentsOfFile: "\(TestPaths.packageRoot)/\(path)", encoding: .utf8)
            XCTAssertEqual(onDisk, content, "\(path) is stale: run `swift run iamlint-generate`")
        }
        let docs = try FileManager.default.contentsOfDirectory(atPath: "\(TestPaths.packageRoot)/\(CatalogGenerator.docsDirectory)")
        for doc in docs where !files.keys.contains("\(CatalogGenerator.docsDirectory)/\(doc)") {
            XCTFail("\(CatalogGenerator.docsDirectory)/\(doc) is not generated from any rule: remove it")
        }
    }
}
