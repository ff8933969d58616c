import AnchorGeometry
import Foundation

/// Wall-clock and thread-CPU times of repeated runs, milliseconds. The CPU time is what to
/// compare on a busy machine, where other processes stretch wall-clock times.
struct BenchTiming: Codable {
    var minMs: Double
    var medianMs: Double
    var cpuMinMs: Double
    var cpuMedianMs: Double

    /// CPU time consumed by the calling thread so far, milliseconds.
    static func threadCPUms() -> Double {
        Double(threadCPUNanoseconds()) / 1e6
    }

    /// Runs `body` once to warm up, then `repeats` timed times; returns the last result.
    static func measure<T>(repeats: Int, _ body: () throws -> T) rethrows -> (T, BenchTiming) {
        var result = try body()
        var times: [Double] = [], cpu: [Double] = []
        for _ in 0..<repeats {
            let c0 = threadCPUms()
            let t0 = DispatchTime.now().uptimeNanoseconds
            result = try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            cpu.append(threadCPUms() - c0)
        }
        times.sort()
        cpu.sort()
        return (result, BenchTiming(minMs: times[0], medianMs: times[times.count / 2],
                                    cpuMinMs: cpu[0], cpuMedianMs: cpu[cpu.count / 2]))
    }
}
