import FuzzDriver
import IAMLintCore

/// libFuzzer entry point: any bytes through the hand-written JSON scanner.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    _ = JSONParser.parse(bytes, limits: ParserLimits(maxDepth: 64, maxAliasExpansion: 10_000))
    _ = JSONParser.parse(bytes)
    return 0
}

/// The entry point SwiftPM links as `main`: hands over to libFuzzer's driver.
@_cdecl("FuzzJSON_main")
public func fuzzJSONMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    iamlint_fuzz_main(argc, argv)
}
