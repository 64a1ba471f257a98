#if canImport(Glibc)
import Glibc
#endif

/// Giving freed memory back to the operating system.
public enum FreeMemory {
    #if canImport(Glibc)
    private typealias Trim = @convention(c) (Int) -> Int32

    /// glibc's `malloc_trim`, looked up once (the Glibc module does not declare it).
    private static let trim: Trim? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: Trim.self)
    }()
    #endif

    /// Returns the free pages of every malloc arena to the system (glibc's `malloc_trim(0)`);
    /// nothing where there is no such call. Memory a thread freed stays with that thread's
    /// arena otherwise, counted in the process's resident size although no other thread
    /// reuses it.
    public static func returnToSystem() {
        #if canImport(Glibc)
        _ = trim?(0)
        #endif
    }
}
