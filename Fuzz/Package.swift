// swift-tools-version:6.0
// libFuzzer harnesses for iamlint's parsers and loaders. A separate package, so that the main
// `swift build` and `swift test` never build them. Build and run with `scripts/fuzz`:
//   swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --package-path Fuzz
import PackageDescription

let harnesses = ["FuzzYAML", "FuzzJSON", "FuzzINI", "FuzzCloudFormation", "FuzzTerraform"]

let package = Package(
    name: "iamlint-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "iamlint", path: "..")],
    targets: [.target(name: "FuzzDriver")] + harnesses.map { name in
        .executableTarget(name: name, dependencies: ["FuzzDriver", .product(name: "IAMLintKit", package: "iamlint")])
    },
    swiftLanguageModes: [.v5]
)
