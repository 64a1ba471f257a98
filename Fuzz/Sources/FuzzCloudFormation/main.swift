import FuzzDriver
import IAMLintCore
import IAMLintLoaders
import IAMLintModel

/// libFuzzer entry point: bytes parsed as YAML (or JSON when they start like it), then every
/// document loaded as a CloudFormation template and built into a graph, as iamlint does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCloudFormation(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let limits = ParserLimits(maxDepth: 64, maxAliasExpansion: 10_000)
    let isJSON = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == UInt8(ascii: "{")
    let result = isJSON ? JSONParser.parse(bytes, limits: limits) : YAMLParser.parse(bytes, limits: limits)
    var fragments: [GraphFragment] = []
    for document in result.documents {
        _ = CloudFormationLoader.isTemplate(document)
        fragments.append(CloudFormationLoader.load(document, file: "template.yaml"))
        fragments.append(CloudFormationLoader.load(document, file: "other.yaml", account: "111111111111"))
    }
    _ = IAMGraph(fragments: fragments, accounts: [Account(name: "a", id: "111111111111", isIdentity: true)])
    return 0
}

/// The entry point SwiftPM links as `main`: hands over to libFuzzer's driver.
@_cdecl("FuzzCloudFormation_main")
public func fuzzCloudFormationMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    iamlint_fuzz_main(argc, argv)
}
