import Foundation

/// A progress bar on standard error for work that takes more than a second.
///
/// By default (`.auto`) it draws only when stderr is a terminal (or `ANCHORREG_PROGRESS=1`
/// forces it); `--progress` forces it, `--quiet` silences it (`ProgressOptions`). On a
/// terminal it redraws one line at most ten times a second; elsewhere (a log file) it writes
/// a line at most once a second. It is safe to advance from several threads.
public final class ProgressBar: @unchecked Sendable {
    /// When the bar draws.
    public enum Policy: Sendable {
        /// When stderr is a terminal or `ANCHORREG_PROGRESS=1`.
        case auto
        /// Always (`--progress`).
        case always
        /// Never (`--quiet`).
        case never
    }

    private let total: Int
    private let label: String
    private let enabled: Bool
    private let lock = NSLock()
    private var done = 0
    private var lastDraw = 0.0
    private let start = Date()
    private let terminal = isatty(STDERR_FILENO) != 0

    public init(total: Int, label: String, enabled: Bool = true, policy: Policy = .auto) {
        self.total = max(total, 1)
        self.label = label
        let forced = ProcessInfo.processInfo.environment["ANCHORREG_PROGRESS"] == "1"
        switch policy {
        case .never: self.enabled = false
        case .always: self.enabled = enabled
        case .auto: self.enabled = enabled && (forced || terminal)
        }
    }

    /// Marks `n` more units as done.
    public func advance(by n: Int = 1) {
        guard enabled else { return }
        lock.lock()
        done += n
        let now = Date().timeIntervalSince(start)
        let shouldDraw = now - lastDraw >= (terminal ? 0.1 : 1) || done >= total
        if shouldDraw { lastDraw = now }
        let d = done
        lock.unlock()
        if shouldDraw { draw(d, elapsed: now) }
    }

    /// Ends the bar with a newline.
    public func finish() {
        guard enabled else { return }
        lock.lock()
        let d = done
        lock.unlock()
        draw(min(d, total), elapsed: Date().timeIntervalSince(start))
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// Writes `text` as a line of its own ("label: text"), for a stage that has no count of
    /// its own (the tolerant path's period ranges); nothing when the bar is off.
    public func note(_ text: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data(((terminal ? "\r\u{1B}[K" : "") + "\(label): \(text)\n").utf8))
    }

    private func draw(_ d: Int, elapsed: Double) {
        let width = 30
        let fraction = min(Double(d) / Double(total), 1)
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let eta = fraction > 0 ? elapsed / fraction - elapsed : 0
        let text = String(format: "%@ %@ %3.0f%% (%d/%d) %.1fs, ~%.0fs left",
                          label, bar, fraction * 100, d, total, elapsed, eta)
        // A terminal gets one line redrawn in place; a log file gets whole lines.
        FileHandle.standardError.write(Data((terminal ? "\r" + text + "  " : text + "\n").utf8))
    }
}
