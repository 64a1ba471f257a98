import Foundation
import IAMLintCore
import IAMLintKit

/// Paths the tests use, found from this file's location.
enum TestPaths {
    static let packageRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }()

    static var rules: String { "\(packageRoot)/rules" }
    static var examples: String { "\(packageRoot)/docs/examples" }
    /// The shared corpus beside the project, absent on a user's clone.
    static var corpus: String { "\(packageRoot)/../shared/corpus" }
}

extension Linter {
    /// Scans a fixture (a file or a folder) with paths shown relative to the fixture's folder.
    func lintFixture(_ path: String, threads: Int = 1) -> LintResult {
        var isDir: ObjCBool = false
        FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
        let base = isDir.boolValue ? path : (path as NSString).deletingLastPathComponent
        var linter = self
        let configFile = "\(path)/\(ConfigurationFile.defaultFileName)"
        if isDir.boolValue, FileManager.default.fileExists(atPath: configFile) {
            do {
                linter.configuration = try ConfigurationFile.load(path: configFile, into: configuration)
            } catch {
                fatalError("\(error)")
            }
        }
        linter.configuration.threads = threads
        return linter.lint([path], displayBase: base, root: isDir.boolValue ? path : nil)
    }
}
