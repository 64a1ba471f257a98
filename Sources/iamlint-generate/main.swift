import Foundation
import IAMLintCatalogGen

// Regenerates the rule catalog and docs/rules from rules/*/rule.yml.
// Usage: swift run iamlint-generate [PACKAGE_ROOT]   (default: the current directory)
let root = CommandLine.arguments.dropFirst().first ?? FileManager.default.currentDirectoryPath
do {
    let files = try CatalogGenerator.generate(packageRoot: root)
    for (path, content) in files.sorted(by: { $0.key < $1.key }) {
        let url = URL(fileURLWithPath: "\(root)/\(path)")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let old = try? String(contentsOf: url, encoding: .utf8)
        if old != content {
            try content.write(to: url, atomically: true, encoding: .utf8)
            print("wrote \(path)")
        }
    }
} catch {
    FileHandle.standardError.write(Data("iamlint-generate: \(error)\n".utf8))
    exit(2)
}
