import AnchorImaging

/// Puts the frames of a series in acquisition order and decides each frame's recording time.
public enum SeriesOrder {
    public struct Entry: Sendable, Equatable {
        public var file: String
        public var timing: AcquisitionTiming
        /// Time to record the frame, s.
        public var frameTime: Double
    }

    /// Sorted by start time (then file name); a frame's time to record is its header's
    /// (`ACQ_TIME`), else `frameTime` when given, else the median gap between consecutive
    /// starts (frames recorded back to back), else 0.
    public static func order(_ frames: [(file: String, timing: AcquisitionTiming)], frameTime: Double? = nil) -> [Entry] {
        let sorted = frames.sorted { ($0.timing.start, $0.file) < ($1.timing.start, $1.file) }
        let starts = sorted.map(\.timing.start.secondsSinceEpoch)
        let gaps = zip(starts.dropFirst(), starts).map { $0 - $1 }.filter { $0 > 0 }.sorted()
        let gap = gaps.isEmpty ? 0 : gaps[gaps.count / 2]
        return sorted.map { Entry(file: $0.file, timing: $0.timing, frameTime: $0.timing.duration ?? frameTime ?? gap) }
    }
}
