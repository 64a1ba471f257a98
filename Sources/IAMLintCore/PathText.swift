#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Path arithmetic on `/`-separated strings, with the results `NSString`'s path methods give (so
/// that display paths and baseline keys stay what they were when iamlint used Foundation), without
/// linking Foundation.
public enum PathText {
    /// The process's working directory (`getcwd`), or `.` if it cannot be read.
    public static var currentDirectory: String {
        guard let cwd = getcwd(nil, 0) else { return "." }
        defer { free(cwd) }
        return String(cString: cwd)
    }

    /// The last component: `a/b/` → `b`, `/` → `/`, `` → ``.
    public static func lastComponent(_ path: String) -> String {
        let trimmed = trimmingTrailingSlashes(path)
        if trimmed == "/" || trimmed.isEmpty { return trimmed }
        guard let slash = trimmed.lastIndex(of: "/") else { return trimmed }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    /// The path without its last component: `/tmp/x` → `/tmp`, `/tmp` → `/`, `x` → ``.
    public static func parent(_ path: String) -> String {
        let trimmed = trimmingTrailingSlashes(path)
        if trimmed == "/" { return "/" }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        if slash == trimmed.startIndex { return "/" }
        let head = trimmingTrailingSlashes(String(trimmed[..<slash]))
        return head.isEmpty ? "/" : head
    }

    /// `component` appended with one `/` between: `/tmp` + `x` → `/tmp/x`, `` + `x` → `x`.
    public static func appending(_ path: String, _ component: String) -> String {
        if path.isEmpty { return component }
        if component.isEmpty { return path }
        return path.hasSuffix("/") ? path + component : path + "/" + component
    }

    /// The text after the last `.` of the last component; empty when there is none or the only
    /// `.` starts the component (`.yaml`).
    public static func pathExtension(_ path: String) -> String {
        let name = lastComponent(path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex, name != ".." else { return "" }
        return String(name[name.index(after: dot)...])
    }

    /// An absolute path with `.`, `..`, repeated slashes and symbolic links resolved component by
    /// component, as `NSString.standardizingPath` does on Linux: a `..` takes away the component
    /// before it as resolved so far, and the part of a path that does not exist is kept as written.
    public static func standardized(_ path: String) -> String {
        guard path.hasPrefix("/") else { return lexicallyStandardized(path) }
        var resolved = "/"
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": resolved = parent(resolved)
            default:
                resolved = appending(resolved, String(component))
                var info = stat()
                if lstat(resolved, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK, let target = realpath(resolved, nil) {
                    resolved = String(cString: target)
                    free(target)
                }
            }
        }
        return resolved
    }

    /// `.` and empty components dropped, `..` taking away the component before it (never above
    /// the root of an absolute path), no trailing slash.
    public static func lexicallyStandardized(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                if let last = parts.last, last != ".." { parts.removeLast() } else if !absolute { parts.append(part) }
            default: parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    private static func trimmingTrailingSlashes(_ path: String) -> String {
        var text = Substring(path)
        while text.count > 1 && text.hasSuffix("/") { text = text.dropLast() }
        return String(text)
    }
}

extension StringProtocol {
    /// The text without leading and trailing blanks (spaces, tabs and other non-newline
    /// whitespace), what Foundation's `trimmingCharacters(in: .whitespaces)` gives.
    public func trimmingBlanks() -> String {
        let isBlank: (Character) -> Bool = { $0.isWhitespace && !$0.isNewline }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(self[first...last])
    }
}
