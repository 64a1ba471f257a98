import FuzzDriver
import IAMLintCore
import IAMLintLoaders
import IAMLintModel

/// libFuzzer entry point: bytes parsed as JSON and loaded as Terraform show-json (state or
/// plan), then built into a graph.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTerraform(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let result = JSONParser.parse(bytes, limits: ParserLimits(maxDepth: 64, maxAliasExpansion: 10_000))
    var fragments: [GraphFragment] = []
    for document in result.documents {
        _ = TerraformLoader.isTerraformJSON(document)
        fragments.append(TerraformLoader.load(document, file: "terraform.tfstate"))
    }
    _ = IAMGraph(fragments: fragments)
    return 0
}

/// The entry point SwiftPM links as `main`: hands over to libFuzzer's driver.
@_cdecl("FuzzTerraform_main")
public func fuzzTerraformMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    iamlint_fuzz_main(argc, argv)
}
