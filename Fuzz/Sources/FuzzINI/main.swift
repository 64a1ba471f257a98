import FuzzDriver
import IAMLintCore
import IAMLintLoaders

/// libFuzzer entry point: any bytes (decoded as UTF-8 with replacement, as iamlint reads them)
/// through the INI parser and the AWS CLI config and credentials loaders.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzINI(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    _ = INIParser.parse(text)
    _ = AWSConfigLoader.looksLikeProfileFile(text)
    _ = AWSConfigLoader.load(text, kind: .config, file: "config")
    _ = AWSConfigLoader.load(text, kind: .credentials, file: "credentials")
    return 0
}

/// The entry point SwiftPM links as `main`: hands over to libFuzzer's driver.
@_cdecl("FuzzINI_main")
public func fuzzINIMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    iamlint_fuzz_main(argc, argv)
}
