#if os(Linux)
/// glibc's `int mallopt(int param, int value)` (malloc.h, which the Glibc module does not
/// export). Two `int` arguments and an `int` result pass the same way in Swift's and C's
/// calling conventions on Linux.
@_silgen_name("mallopt")
private func glibcMallopt(_ param: Int32, _ value: Int32) -> Int32
#endif

/// Process-wide allocator settings for the CLI.
///
/// Image buffers (1 MB for a 512² float frame, several per frame) are above glibc's default
/// mmap threshold, so each is mapped fresh and pays a page fault per 4 KB page on first touch,
/// and freed ones are unmapped or trimmed from the heap. Keeping large blocks in the heap lets
/// a freed buffer serve the next image of the same size: on 512² Si(111)-7×7 frames the
/// kernel's page-fault work was about a tenth of the analysis time.
public enum AllocatorTuning {
    public static func apply() {
        #if os(Linux)
        let mmapThreshold: Int32 = -3, trimThreshold: Int32 = -1  // M_MMAP_THRESHOLD, M_TRIM_THRESHOLD
        _ = glibcMallopt(mmapThreshold, 32 << 20)  // glibc's largest accepted value on 64-bit
        _ = glibcMallopt(trimThreshold, 128 << 20)
        #endif
    }
}
