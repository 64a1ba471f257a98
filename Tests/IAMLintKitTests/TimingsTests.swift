import XCTest
@testable import IAMLintKit

final class TimingsTests: XCTestCase {
    /// Stages record the memory when they end; rules do not. The table prints both columns for
    /// stages only.
    func testStagesRecordMemoryAndTheTableShowsIt() {
        let timings = Timings()
        // Hold 8 MiB of touched memory across the stage's end, so that the resident set covers it.
        let held: [UInt8] = timings.stage("hold") { [UInt8](repeating: 1, count: 8 << 20) }
        timings.rule("IAM101") {}
        let stage = timings.stages[0]
        XCTAssertEqual(stage.label, "hold")
        let memory = try? XCTUnwrap(stage.memory)
        XCTAssertGreaterThanOrEqual(memory?.peakResident ?? 0, 8 << 20)
        #if os(Linux)
        XCTAssertGreaterThanOrEqual(memory?.resident ?? 0, 8 << 20)
        XCTAssertLessThanOrEqual(memory?.resident ?? .max, memory?.peakResident ?? 0)
        #endif
        XCTAssertNil(timings.rules[0].memory)
        let lines = timings.table().split(separator: "\n")
        XCTAssertEqual(lines[0], "stage                                    wall time   thread CPU  peak RSS  RSS at end")
        XCTAssertTrue(lines[1].hasPrefix("  hold "), String(lines[1]))
        XCTAssertEqual(lines[1].components(separatedBy: " MiB").count, 3, "two memory columns: \(lines[1])")
        XCTAssertEqual(lines[2], "slowest rules")
        XCTAssertFalse(lines[3].contains("MiB"), String(lines[3]))
        XCTAssertEqual(held.count, 8 << 20)
    }
}
