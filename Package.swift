// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "iamlint",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "iamlint", targets: ["iamlint"]),
        .library(name: "IAMLintKit", targets: ["IAMLintKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The system libyaml (libyaml-dev); one Swift file (YAMLParser.swift) talks to it.
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        // Positions, the Node tree, the YAML / JSON / INI parsers, findings.
        .target(name: "IAMLintCore", dependencies: ["CYAML"]),
        // The IAM model: values, policies, principals, ARNs and the graph.
        .target(name: "IAMLintModel", dependencies: ["IAMLintCore"]),
        // CloudFormation and AWS CLI config/credentials loaders.
        .target(name: "IAMLintLoaders", dependencies: ["IAMLintCore", "IAMLintModel"]),
        // The Rule protocol, the generated catalog and one file per rule.
        .target(name: "IAMLintRules", dependencies: ["IAMLintCore", "IAMLintModel"]),
        // The pipeline: discovery, loading, rules, suppression, reporters.
        .target(name: "IAMLintKit", dependencies: ["IAMLintCore", "IAMLintModel", "IAMLintLoaders", "IAMLintRules", "IAMLintCatalogGen"]),
        // Reads rules/*/rule.yml and renders the catalog Swift file and docs/rules.
        .target(name: "IAMLintCatalogGen", dependencies: ["IAMLintCore"]),
        .executableTarget(name: "iamlint-generate", dependencies: ["IAMLintCatalogGen"]),
        .executableTarget(
            name: "iamlint",
            dependencies: ["IAMLintKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "IAMLintCoreTests", dependencies: ["IAMLintCore"]),
        .testTarget(name: "IAMLintLoadersTests", dependencies: ["IAMLintLoaders"]),
        .testTarget(name: "IAMLintKitTests", dependencies: ["IAMLintKit", "IAMLintCatalogGen"], exclude: ["Golden", "Fixtures"]),
    ],
    swiftLanguageModes: [.v5]
)
