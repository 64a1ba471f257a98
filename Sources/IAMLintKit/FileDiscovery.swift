#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import IAMLintCore

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
        var walk = Walk(displayBase: displayBase)
        for path in paths {
            walk.visit(Self.absolute(path))
        }
        var seen = Set<String>()
        let files = walk.files.filter { seen.insert($0.absolutePath).inserted }.sorted { $0.displayPath < $1.displayPath }
        return (files, walk.skipped.sorted { $0.path < $1.path })
    }

    /// One walk: `opendir`/`readdir` with the entry type from `d_type` (an `lstat` only where the
    /// file system does not give it), so a folder of files costs no `stat` call per file and no
    /// Foundation path objects.
    private struct Walk {
        let base: String
        var files: [DiscoveredFile] = []
        var skipped: [SkippedInput] = []

        init(displayBase: String) {
            base = displayBase.hasSuffix("/") ? displayBase : displayBase + "/"
        }

        /// The type of a scanned path (a path named on the command line, or an entry whose type
        /// `readdir` did not give).
        private enum EntryType {
            case directory, regular, symbolicLink, other
            case unreadable(Int32)

            init(mode: mode_t) {
                switch mode & S_IFMT {
                case S_IFDIR: self = .directory
                case S_IFREG: self = .regular
                case S_IFLNK: self = .symbolicLink
                default: self = .other
                }
            }

            init(dirent type: UInt8) {
                switch Int(type) {
                case Int(DT_DIR): self = .directory
                case Int(DT_REG): self = .regular
                case Int(DT_LNK): self = .symbolicLink
                default: self = .other
                }
            }

            static func lstat(_ path: String) -> EntryType {
                var info = stat()
                guard Glibc.lstat(path, &info) == 0 else { return .unreadable(errno) }
                return EntryType(mode: info.st_mode)
            }
        }

        /// A path named on the command line: read even when its folder name is one that is
        /// normally skipped, and reported when iamlint does not read its kind of file.
        mutating func visit(_ path: String) {
            visit(path, name: Substring(path.utf8.lastIndex(of: UInt8(ascii: "/")).map { path[path.index(after: $0)...] } ?? path[...]),
                  type: .lstat(path), explicit: true)
        }

        private mutating func visit(_ path: String, name: Substring, type: EntryType, explicit: Bool) {
            switch type {
            case .unreadable(let code):
                skipped.append(SkippedInput(path: display(path), reason: "cannot be read: \(String(cString: strerror(code)))"))
            case .symbolicLink:
                skipped.append(SkippedInput(path: display(path), reason: "symbolic link, not followed"))
            case .directory:
                if !explicit && FileDiscovery.skippedDirectories.contains(String(name)) { return }
                guard let entries = Self.entries(of: path) else {
                    skipped.append(SkippedInput(path: display(path), reason: "directory cannot be read"))
                    return
                }
                let prefix = path == "/" ? "/" : path + "/"
                for entry in entries {
                    let child = prefix + entry.name
                    visit(child, name: entry.name[...], type: entry.type ?? .lstat(child), explicit: false)
                }
            case .other:
                skipped.append(SkippedInput(path: display(path), reason: "not a regular file"))
            case .regular:
                if let kind = FileDiscovery.classify(name: name) {
                    files.append(DiscoveredFile(absolutePath: path, displayPath: display(path), kind: kind))
                } else if explicit {
                    skipped.append(SkippedInput(path: display(path), reason: "not a CloudFormation, JSON, YAML or AWS CLI file"))
                }
            }
        }

        /// The entries of a folder other than `.` and `..`, sorted by name, with their type where
        /// `readdir` gives it; nil when the folder cannot be opened.
        private static func entries(of path: String) -> [(name: String, type: EntryType?)]? {
            guard let dir = opendir(path) else { return nil }
            defer { closedir(dir) }
            var entries: [(name: String, type: EntryType?)] = []
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: &entry.pointee.d_name) { raw -> String? in
                    let bytes = raw.bindMemory(to: UInt8.self)
                    let length = bytes.firstIndex(of: 0) ?? bytes.count
                    if length == 1 && bytes[0] == UInt8(ascii: ".") { return nil }
                    if length == 2 && bytes[0] == UInt8(ascii: ".") && bytes[1] == UInt8(ascii: ".") { return nil }
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[..<length]), as: UTF8.self)
                }
                guard let name else { continue }
                let type = entry.pointee.d_type
                entries.append((name, type == UInt8(DT_UNKNOWN) ? nil : EntryType(dirent: type)))
            }
            entries.sort { $0.name < $1.name }
            return entries
        }

        /// The path relative to the display base when inside it, else absolute.
        private func display(_ absolute: String) -> String {
            if absolute.hasPrefix(base) { return String(absolute.dropFirst(base.count)) }
            if absolute + "/" == base { return "." }
            return absolute
        }
    }

    /// How a file will be read, from its name; nil for files iamlint does not read.
    public static func classify(_ path: String) -> InputKind? {
        if path.hasSuffix("/") { return classifyUnicode(path) }
        return classify(name: Substring(path.utf8.lastIndex(of: UInt8(ascii: "/")).map { path[path.index(after: $0)...] } ?? path[...]))
    }

    /// `classify` for a file name (no `/`). ASCII names are checked on their bytes; any other
    /// name goes through Foundation's lowercasing and path-extension rules as before.
    static func classify(name: Substring) -> InputKind? {
        guard let lowered = ASCIIName(name) else { return classifyUnicode(String(name)) }
        if lowered.equals(".iamlint.yml") || lowered.equals(".lint-baseline") { return nil }
        let ext = lowered.pathExtension
        if ext.equals("yaml") || ext.equals("yml") || ext.equals("template") || ext.equals("cfn") { return .yaml }
        if ext.equals("json") || ext.equals("tfstate") { return .json }
        if lowered.equals("credentials") || (ext.equals("ini") && lowered.contains("cred")) { return .awsCredentials }
        if lowered.equals("config") || ext.equals("ini") || ext.equals("cfg") && lowered.contains("aws") { return .awsConfig }
        return nil
    }

    /// The rules on whole strings: full Unicode lowercasing and `NSString`'s `lastPathComponent`
    /// and `pathExtension` (as `PathText` gives them), for names with bytes outside ASCII.
    /// `classify(name:)` must agree with it on ASCII names.
    static func classifyUnicode(_ path: String) -> InputKind? {
        let name = PathText.lastComponent(path).lowercased()
        if name == ".iamlint.yml" || name == ".lint-baseline" { return nil }
        let ext = PathText.pathExtension(name)
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
        let joined = path.hasPrefix("/") ? path : PathText.currentDirectory + "/" + path
        return PathText.standardized(joined)
    }
}

/// An ASCII file name, lowercased, as bytes (no allocation for names up to the inline size).
struct ASCIIName {
    private var bytes: [UInt8]

    /// Nil when the name has a byte outside ASCII.
    init?(_ name: Substring) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(name.utf8.count)
        for byte in name.utf8 {
            guard byte < 0x80 else { return nil }
            bytes.append(ASCII.lower(byte))
        }
        self.bytes = bytes
    }

    private init(bytes: ArraySlice<UInt8>) {
        self.bytes = Array(bytes)
    }

    func equals(_ other: StaticString) -> Bool {
        other.withUTF8Buffer { $0.elementsEqual(bytes) }
    }

    func contains(_ other: StaticString) -> Bool {
        other.withUTF8Buffer { needle in
            guard needle.count <= bytes.count else { return false }
            for start in 0...(bytes.count - needle.count) where bytes[start..<(start + needle.count)].elementsEqual(needle) {
                return true
            }
            return false
        }
    }

    /// What `NSString.pathExtension` gives for the name: the text after the last `.`, or empty
    /// when there is no `.`, or the only `.` starts the name (`.yaml`), or the name is `..`.
    var pathExtension: ASCIIName {
        guard let dot = bytes.lastIndex(of: UInt8(ascii: ".")), dot > 0, bytes != [0x2E, 0x2E] else {
            return ASCIIName(bytes: [])
        }
        return ASCIIName(bytes: bytes[(dot + 1)...])
    }
}
