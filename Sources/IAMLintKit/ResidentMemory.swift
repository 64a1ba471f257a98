#if canImport(Glibc)
import Glibc
#endif

/// The process's resident memory, given back where a scan frees much at once.
enum ResidentMemory {
    /// Returns the whole free pages of the heap to the operating system (glibc's `malloc_trim`).
    /// glibc keeps memory freed in the middle of its heap resident, for later allocations; a scan
    /// frees megabytes at a time (the facts the rules derived, the rules' lists once joined),
    /// while what it allocates next is one large array that cannot reuse scattered holes, so
    /// without this the freed memory stays resident beside it to the end. A no-op elsewhere.
    static func releaseFreePages() {
        #if canImport(Glibc)
        _ = trim?(0)
        #endif
    }

    #if canImport(Glibc)
    /// `malloc_trim`, looked up once (its header is not part of the `Glibc` module).
    private static let trim: (@convention(c) (Int) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    }()
    #endif
}
