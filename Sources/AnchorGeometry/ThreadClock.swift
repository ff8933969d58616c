#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU time consumed by the calling thread, nanoseconds. Timing fits by thread CPU time
/// rather than wall time keeps throughput figures meaningful on a machine shared with other
/// work (the Python benchmarks use `time.thread_time()` the same way).
@inline(__always)
package func threadCPUNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}
