#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file-system questions asked outside the scan itself (paths on the command line, rule
/// folders, rule packs), answered with `stat(2)` so that nothing here needs Foundation.
public enum FileSystem {
    /// Whether `path` names a directory (symbolic links followed).
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether anything exists at `path` (symbolic links followed).
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// The regular files under `directory`, as paths relative to it, sorted; symbolic links to
    /// directories are not followed. Nil when `directory` cannot be read.
    public static func regularFiles(under directory: String) -> [String]? {
        guard let top = names(in: directory) else { return nil }
        var files: [String] = []
        var pending = top.map { ($0, "\(directory)/\($0)") }
        while let (relative, full) = pending.popLast() {
            var info = stat()
            guard lstat(full, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFREG: files.append(relative)
            case S_IFDIR: pending += (names(in: full) ?? []).map { ("\(relative)/\($0)", "\(full)/\($0)") }
            case S_IFLNK where !isDirectory(full) && exists(full): files.append(relative)
            default: continue
            }
        }
        return files.sorted()
    }

    /// The whole file's bytes, in an array of about the file's size.
    public static func readBytes(_ path: String) throws(FileSystemError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError(errno: errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var info = stat()
        if fstat(fd, &info) == 0, info.st_size > 0, info.st_size < Int.max / 2 { bytes.reserveCapacity(Int(info.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(errno: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return bytes
    }

    /// Writes `text` to `path` through a temporary file in the same folder renamed over it, so a
    /// reader never sees half a report.
    public static func writeText(_ text: String, to path: String) throws(FileSystemError) {
        let temporary = "\(path).iamlint-\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystemError(errno: errno) }
        var failure: Int32 = 0
        var utf8 = Array(text.utf8)
        utf8.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if close(fd) != 0 && failure == 0 { failure = errno }
        if failure == 0 && rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw FileSystemError(errno: failure)
        }
    }

    /// The entry names of `directory` without `.` and `..`, unsorted.
    private static func names(in directory: String) -> [String]? {
        guard let handle = opendir(directory) else { return nil }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

/// A failed file-system call, described by the C library (`strerror`).
public struct FileSystemError: Error, CustomStringConvertible, Sendable {
    public let code: Int32

    public init(errno code: Int32) {
        self.code = code
    }

    public var description: String { String(cString: strerror(code)) }
}
