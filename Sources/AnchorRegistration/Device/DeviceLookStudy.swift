import AnchorGeometry
import AnchorImaging
import AnchorModels
import Foundation

/// Device alignment measured against the truth of synthetic pairs over the looks of
/// `OMPairLook` (issue 11's acceptance): for each pair, the verdict, the corner errors as a
/// fraction of the square's side, and the error of the dark-fraction change. The logic of a
/// benchmark, kept in the library so that a test can run it on a few small pairs and a
/// benchmark tool on hundreds.
public enum DeviceLookStudy {
    /// One pair's outcome.
    public struct Record: Sendable, Codable {
        public var seed: UInt64
        public var look: String
        public var jpegQuality: Int?
        public var blurSigma: Double
        /// The alignment's verdict ("ok", "doubtful", "refused"; "error" when it threw).
        public var status: String
        public var reasons: [String]
        /// Per corner C1–C4 of both frames, |measured − true| / side × 100 (%); empty on error.
        public var cornerErrorsPct: [Double]
        /// |measured − true| dark-fraction change, percentage points; nil on error.
        public var changeErrorPoints: Double?

        enum CodingKeys: String, CodingKey {
            case seed, look, jpegQuality = "jpeg_quality", blurSigma = "blur_sigma_px", status, reasons
            case cornerErrorsPct = "corner_errors_pct", changeErrorPoints = "change_error_points"
        }
    }

    /// A row of the table by look.
    public struct Row: Sendable, Codable {
        public var look: String
        public var pairs: Int
        public var refused: Int
        public var doubtful: Int
        /// 95th percentile and maximum of the corner errors, % of the side.
        public var cornerP95Pct: Double
        public var cornerMaxPct: Double
        /// 95th percentile and maximum of the change error, points.
        public var changeP95Points: Double
        public var changeMaxPoints: Double

        enum CodingKeys: String, CodingKey {
            case look, pairs, refused, doubtful, cornerP95Pct = "corner_p95_pct", cornerMaxPct = "corner_max_pct"
            case changeP95Points = "change_p95_points", changeMaxPoints = "change_max_points"
        }
    }

    /// Generates the pair of `parameters`, aligns it to its truth model and compares.
    public static func run(_ parameters: OMPairParameters) -> Record {
        var rec = Record(seed: parameters.seed, look: parameters.look.label, jpegQuality: parameters.jpegQuality,
                         blurSigma: parameters.blurSigma, status: "error", reasons: [], cornerErrorsPct: [], changeErrorPoints: nil)
        do {
            let p = try OMPairGenerator().generate(parameters)
            let frames = [AlignmentFrame(name: "before", luminance: p.before.luminance(), colour: p.before),
                          AlignmentFrame(name: "after", luminance: p.after.luminance(), colour: p.after)]
            let r = try DeviceAlignment.align(frames, model: p.truth.model)
            rec.status = r.quality.status.rawValue
            rec.reasons = r.quality.reasons.map(\.message)
            for k in 0..<2 {
                let truth = p.truth.anchorsInImage[k]
                let side = truth[0].distance(to: truth[1])
                for pair in r.registrations[k].pairs {
                    guard let i = ["C1", "C2", "C3", "C4"].firstIndex(of: pair.name) else { continue }
                    rec.cornerErrorsPct.append(pair.image.distance(to: truth[i]) / side * 100)
                }
            }
            if let c = r.change { rec.changeErrorPoints = abs(c.darkFractionChangePoints - p.truth.darkFractionChangePoints) }
        } catch {
            rec.reasons = ["\(error)"]
        }
        return rec
    }

    /// The table by look (and a last row "all").
    public static func table(_ records: [Record]) -> [Row] {
        let looks = Array(Set(records.map(\.look))).sorted()
        func row(_ name: String, _ rs: [Record]) -> Row {
            let corners = rs.flatMap(\.cornerErrorsPct)
            let changes = rs.compactMap(\.changeErrorPoints)
            return Row(look: name, pairs: rs.count,
                       refused: rs.filter { $0.status == "refused" || $0.status == "error" }.count,
                       doubtful: rs.filter { $0.status == "doubtful" }.count,
                       cornerP95Pct: percentile(corners, 0.95), cornerMaxPct: corners.max() ?? .nan,
                       changeP95Points: percentile(changes, 0.95), changeMaxPoints: changes.max() ?? .nan)
        }
        return looks.map { l in row(l, records.filter { $0.look == l }) } + [row("all", records)]
    }

    /// Nearest-rank percentile (NaN for no values).
    static func percentile(_ v: [Double], _ q: Double) -> Double {
        guard !v.isEmpty else { return .nan }
        let s = v.sorted()
        return s[min(s.count - 1, Int((q * Double(s.count)).rounded(.up)) - 1 < 0 ? 0 : Int((q * Double(s.count)).rounded(.up)) - 1)]
    }
}
