#if canImport(Glibc)
import Glibc
#endif

/// The process's resident memory, given back where a scan frees much at once.
public enum ResidentMemory {
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

    /// Has glibc map every allocation of a megabyte or more on its own (`mallopt(M_MMAP_THRESHOLD)`),
    /// so that freeing one gives its pages back at once. By default glibc raises that threshold
    /// each time such a block is freed (up to 32 MB), after which the large arrays of a scan
    /// (the lists and tables the loaders, the graph and the rules grow by doubling) come from
    /// the heap, and each one outgrown leaves a hole there that stays resident: about 13 MB of
    /// the peak at 100,000 principals. A no-op elsewhere.
    ///
    /// A process-wide setting: the command-line tool makes it when it starts, a library user
    /// decides for its own process.
    public static func mapLargeAllocations() {
        #if canImport(Glibc)
        // M_MMAP_THRESHOLD; a fixed threshold also keeps glibc from adjusting it.
        _ = mallopt?(-3, 1 << 20)
        #endif
    }

    /// Gives back the whole pages inside `start..<end`, memory that stays allocated but holds no
    /// value (the emptied slots of an array): they read as zeros if touched again. A no-op
    /// elsewhere.
    static func releasePages(_ start: UnsafeRawPointer, _ end: UnsafeRawPointer) {
        #if canImport(Glibc)
        let mask = ~UInt(pageSize - 1)
        let first = (UInt(bitPattern: start) + UInt(pageSize - 1)) & mask
        let last = UInt(bitPattern: end) & mask
        guard last > first, let region = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(region, Int(last - first), Int32(MADV_DONTNEED))
        #endif
    }

    #if canImport(Glibc)
    private static let pageSize: Int = max(4096, sysconf(Int32(_SC_PAGESIZE)))

    /// `mallopt`, looked up once (its header is not part of the `Glibc` module).
    private static let mallopt: (@convention(c) (Int32, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    }()

    /// `malloc_trim`, looked up once (its header is not part of the `Glibc` module).
    private static let trim: (@convention(c) (Int) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    }()
    #endif
}
