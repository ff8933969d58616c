import Foundation

/// A civil date and time without a time zone, as TIFF `DateTime` and Nanonis
/// `REC_DATE`/`REC_TIME` record it. AnchorReg reads such times as UTC: only differences
/// between frames of one instrument matter, and those are right whatever the zone.
public struct CivilDateTime: Sendable, Hashable, Codable, Comparable {
    /// Seconds since 1970-01-01 00:00:00 of the same (unknown) zone; may hold a fraction.
    public var secondsSinceEpoch: Double

    public init(secondsSinceEpoch: Double) {
        self.secondsSinceEpoch = secondsSinceEpoch
    }

    /// From calendar parts (proleptic Gregorian). Returns nil for a part out of range.
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Double = 0) {
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute),
              second.isFinite, second >= 0, second < 61 else { return nil }
        let days = Self.daysFromCivil(year, month, day)
        secondsSinceEpoch = Double(days) * 86400 + Double(hour * 3600 + minute * 60) + second
    }

    /// Parses TIFF's `YYYY:MM:DD HH:MM:SS` (a `-` or `/` between the date parts is accepted,
    /// as some writers use it, and so are fractional seconds).
    public init?(tiff text: String) {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\0")))
        let parts = t.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        let date = parts[0].split(whereSeparator: { $0 == ":" || $0 == "-" || $0 == "/" }).compactMap { Int($0) }
        let time = parts[1].split(separator: ":")
        guard date.count == 3, time.count == 3, let h = Int(time[0]), let m = Int(time[1]), let s = Double(time[2]) else {
            return nil
        }
        self.init(year: date[0], month: date[1], day: date[2], hour: h, minute: m, second: s)
    }

    /// Parses Nanonis `REC_DATE` (`DD.MM.YYYY`) and `REC_TIME` (`HH:MM:SS`).
    public init?(nanonisDate: String, time: String) {
        let d = nanonisDate.trimmingCharacters(in: .whitespaces).split(separator: ".").compactMap { Int($0) }
        let tp = time.trimmingCharacters(in: .whitespaces).split(separator: ":")
        guard d.count == 3, tp.count == 3, let h = Int(tp[0]), let m = Int(tp[1]), let s = Double(tp[2]) else { return nil }
        self.init(year: d[2], month: d[1], day: d[0], hour: h, minute: m, second: s)
    }

    /// TIFF's `YYYY:MM:DD HH:MM:SS` (whole seconds, the fraction dropped).
    public var tiffText: String {
        let total = secondsSinceEpoch.rounded(.down)
        var days = Int((total / 86400).rounded(.down))
        var rest = Int(total - Double(days) * 86400)
        if rest < 0 { rest += 86400; days -= 1 }
        let (y, mo, d) = Self.civilFromDays(days)
        return String(format: "%04d:%02d:%02d %02d:%02d:%02d", y, mo, d, rest / 3600, rest / 60 % 60, rest % 60)
    }

    public static func < (a: CivilDateTime, b: CivilDateTime) -> Bool { a.secondsSinceEpoch < b.secondsSinceEpoch }

    // Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// When and how a frame was recorded, as far as its file says: the start, the duration and
/// the direction of the slow scan axis.
public struct AcquisitionTiming: Sendable, Hashable, Codable {
    /// Where the start time came from, best first.
    public enum Source: String, Sendable, Hashable, Codable {
        /// Nanonis .sxm `REC_DATE`/`REC_TIME` (read as the start of the scan).
        case nanonisHeader = "sxm-rec-time"
        /// TIFF `DateTime` (tag 306, whole seconds), read as the start of the frame.
        case tiffDateTime = "tiff-datetime"
        /// The file's modification time: the last resort (copies may have changed it).
        case fileTime = "file-time"
    }

    /// Start of the frame (its first scan line).
    public var start: CivilDateTime
    /// Time to record the whole frame, seconds (`ACQ_TIME` in .sxm); nil when not recorded.
    public var duration: Double?
    /// True when the slow axis ran upwards (`SCAN_DIR = up`): the reader flips such frames so
    /// that row 0 is the top, and row 0 is then the *last* line recorded.
    public var slowAxisUp: Bool
    public var source: Source

    public init(start: CivilDateTime, duration: Double? = nil, slowAxisUp: Bool = false, source: Source) {
        self.start = start
        self.duration = duration
        self.slowAxisUp = slowAxisUp
        self.source = source
    }

    /// The timing a document's header records: .sxm `REC_DATE`/`REC_TIME`, `ACQ_TIME` and
    /// `SCAN_DIR`, or TIFF `DateTime`. Nil when the header holds no time.
    public static func fromHeader(of document: ImageDocument) -> AcquisitionTiming? {
        let m = document.metadata
        if let d = m["REC_DATE"], let t = m["REC_TIME"], let start = CivilDateTime(nanonisDate: d, time: t) {
            let duration = m["ACQ_TIME"].flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }.flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
            let up = m["SCAN_DIR"].map { $0.trimmingCharacters(in: .whitespaces).lowercased() == "up" } ?? false
            return AcquisitionTiming(start: start, duration: duration, slowAxisUp: up, source: .nanonisHeader)
        }
        if let text = m["tiff.datetime"], let start = CivilDateTime(tiff: text) {
            return AcquisitionTiming(start: start, source: .tiffDateTime)
        }
        return nil
    }

    /// The header's timing, or else the file's modification time at `path`.
    /// Nil only when neither exists.
    public static func of(document: ImageDocument, path: String) -> AcquisitionTiming? {
        if let t = fromHeader(of: document) { return t }
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: path),
              let date = attrs[.modificationDate] as? Date else { return nil }
        return AcquisitionTiming(start: CivilDateTime(secondsSinceEpoch: date.timeIntervalSince1970), source: .fileTime)
    }
}
