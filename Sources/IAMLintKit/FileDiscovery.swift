import Foundation

/// What a discovered file will be read as.
public enum InputKind: String, Sendable {
    case yaml
    case json
    case awsConfig
    case awsCredentials
}

/// A file found by discovery: its absolute path, the path findings show, and how to read it.
public struct DiscoveredFile: Sendable {
    public var absolutePath: String
    public var displayPath: String
    public var kind: InputKind
}

/// A file or folder that discovery passed over, and why (shown with `--verbose`).
public struct SkippedInput: Sendable, Hashable {
    public var path: String
    public var reason: String
}

/// Walks the scanned paths without following symbolic links, in a deterministic order.
public struct FileDiscovery {
    static let skippedDirectories: Set<String> = [
        ".git", ".hg", ".svn", ".build", ".swiftpm", "node_modules", ".terraform", ".venv", "venv",
        "__pycache__", ".tox", ".idea", ".vscode",
    ]

    public var displayBase: String

    public init(displayBase: String) {
        self.displayBase = displayBase
    }

    /// The files under `paths`, sorted by display path, and what was skipped.
    public func discover(_ paths: [String]) -> (files: [DiscoveredFile], skipped: [SkippedInput]) {
        var files: [DiscoveredFile] = []
        var skipped: [SkippedInput] = []
        for path in paths {
            let absolute = Self.absolute(path)
            visit(absolute, name: (absolute as NSString).lastPathComponent, explicit: true, files: &files, skipped: &skipped)
        }
        var seen = Set<String>()
        files = files.filter { seen.insert($0.absolutePath).inserted }.sorted { $0.displayPath < $1.displayPath }
        return (files, skipped.sorted { $0.path < $1.path })
    }

    /// `name` is the path's last component (Foundation's path functions are slow on Linux: the
    /// walk passes each entry's name down instead of taking the path apart again).
    private func visit(_ path: String, name: String, explicit: Bool, files: inout [DiscoveredFile], skipped: inout [SkippedInput]) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            skipped.append(SkippedInput(path: display(path), reason: "cannot be read: \(String(cString: strerror(errno)))"))
            return
        }
        let type = info.st_mode & S_IFMT
        if type == S_IFLNK {
            skipped.append(SkippedInput(path: display(path), reason: "symbolic link, not followed"))
            return
        }
        if type == S_IFDIR {
            if !explicit && Self.skippedDirectories.contains(name) { return }
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
                skipped.append(SkippedInput(path: display(path), reason: "directory cannot be read"))
                return
            }
            for child in names.sorted() {
                visit(path == "/" ? "/\(child)" : "\(path)/\(child)", name: child, explicit: false, files: &files, skipped: &skipped)
            }
            return
        }
        guard type == S_IFREG else {
            skipped.append(SkippedInput(path: display(path), reason: "not a regular file"))
            return
        }
        if let kind = Self.classify(name: name) {
            files.append(DiscoveredFile(absolutePath: path, displayPath: display(path), kind: kind))
        } else if explicit {
            skipped.append(SkippedInput(path: display(path), reason: "not a CloudFormation, JSON, YAML or AWS CLI file"))
        }
    }

    /// How a file will be read, from its name; nil for files iamlint does not read.
    public static func classify(_ path: String) -> InputKind? {
        classify(name: (path as NSString).lastPathComponent)
    }

    /// `classify(_:)` for a file's last path component.
    static func classify(name fileName: String) -> InputKind? {
        let name = fileName.lowercased()
        if name == ".iamlint.yml" || name == ".lint-baseline" { return nil }
        let ext = (name as NSString).pathExtension
        switch ext {
        case "yaml", "yml", "template", "cfn": return .yaml
        case "json", "tfstate": return .json
        default: break
        }
        if name == "credentials" || (ext == "ini" && name.contains("cred")) { return .awsCredentials }
        if name == "config" || ext == "ini" || ext == "cfg" && name.contains("aws") { return .awsConfig }
        return nil
    }

    static func absolute(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (joined as NSString).standardizingPath
    }

    /// The path relative to the display base when inside it, else absolute.
    func display(_ absolute: String) -> String {
        let base = displayBase.hasSuffix("/") ? displayBase : displayBase + "/"
        if absolute.hasPrefix(base) { return String(absolute.dropFirst(base.count)) }
        if absolute + "/" == base { return "." }
        return absolute
    }
}
