import Foundation

/// Times of the whole process, for the "whole process" line a command prints beside the
/// in-process analysis time (which leaves out start-up, decoding the model, writing files).
enum ProcessClock {
    /// CPU time of every thread of the process since it started, milliseconds.
    static func cpuMs() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) * 1e3 + Double(ts.tv_nsec) / 1e6
    }

    /// Wall time since the process started, milliseconds (from /proc, to the kernel's clock
    /// tick of 10 ms); `nil` where /proc is missing.
    static func wallMs() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let uptime = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name (which may hold spaces) start at field 3; the start
        // time is field 22, in clock ticks after boot.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]),
              let up = Double(uptime.split(separator: " ").first ?? "") else { return nil }
        let hz = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard hz > 0 else { return nil }
        return max(0, (up - ticks / hz) * 1e3)
    }

    /// "whole process 412 ms wall, 380 ms CPU" for the summary line.
    static func summary() -> String {
        let cpu = cpuMs()
        if let wall = wallMs() { return String(format: "whole process %.0f ms wall, %.0f ms CPU", wall, cpu) }
        return String(format: "whole process %.0f ms CPU", cpu)
    }
}
