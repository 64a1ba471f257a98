@testable import IAMLintKit
import XCTest

/// How the loader tells an unparseable CloudFormation template (reported) from other broken
/// text (skipped): a marker anywhere in the bytes, found with one byte search each.
final class FileLoaderTests: XCTestCase {
    func testMentionsCloudFormationFindsEachMarkerAnywhere() {
        for marker in ["AWSTemplateFormatVersion", "AWS::", "Resources"] {
            XCTAssertTrue(FileLoader.mentionsCloudFormation(Array(marker.utf8)), "the marker alone: \(marker)")
            XCTAssertTrue(FileLoader.mentionsCloudFormation(Array("\u{0}junk \(marker)".utf8)), "at the end: \(marker)")
            XCTAssertTrue(FileLoader.mentionsCloudFormation(Array("\(marker)\u{0}".utf8)), "at the start: \(marker)")
        }
        XCTAssertFalse(FileLoader.mentionsCloudFormation([]))
        XCTAssertFalse(FileLoader.mentionsCloudFormation(Array("AWS:".utf8)), "a marker cut short")
        XCTAssertFalse(FileLoader.mentionsCloudFormation(Array("aws::resources awstemplateformatversion".utf8)), "case matters")
        XCTAssertFalse(FileLoader.mentionsCloudFormation([UInt8](repeating: UInt8(ascii: "A"), count: 1_000_000)))
    }
}
