#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard output and standard error, written with `write(2)` (unbuffered: every call is whole
/// before the process exits, which it does without tearing anything down).
enum Console {
    static func standardOutput(_ text: String) { emit(Array(text.utf8), to: STDOUT_FILENO) }

    static func standardOutput(bytes: [UInt8]) { emit(bytes, to: STDOUT_FILENO) }

    static func standardError(_ text: String) { emit(Array(text.utf8), to: STDERR_FILENO) }

    /// Ends the process with `status` at once: the graph and the findings are not freed object by
    /// object (that would cost more than the scan of a large organisation's last stage).
    static func terminate(_ status: Int32) -> Never { exit(status) }

    private static func emit(_ bytes: [UInt8], to fd: Int32) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
