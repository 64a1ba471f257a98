import FuzzDriver
import IAMLintCore

/// libFuzzer entry point: any bytes through the YAML parser (libyaml events → Node trees), with
/// small limits so that deep nesting and alias bombs are exercised rather than merely slow.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAML(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    _ = YAMLParser.parse(bytes, limits: ParserLimits(maxDepth: 64, maxAliasExpansion: 10_000))
    _ = YAMLParser.parse(bytes)
    return 0
}

/// The entry point SwiftPM links as `main`: hands over to libFuzzer's driver.
@_cdecl("FuzzYAML_main")
public func fuzzYAMLMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    iamlint_fuzz_main(argc, argv)
}
