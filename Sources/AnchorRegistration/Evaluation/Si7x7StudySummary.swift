import Foundation

/// The pooled figures of the Si(111)-7×7 acceptance study over many `SceneEvaluation`s:
/// success rate, pooled adatom recall at OKS 0.95, defect precision/recall, faulted-half
/// accuracy, corner-hole error percentiles (lattice constants) and per-frame thread-CPU time.
/// Shared by `anchorreg-bench si7x7` and the tests that check the study's arithmetic.
public struct Si7x7StudySummary: Sendable, Codable, Equatable {
    public var frames: Int
    public var registered: Int
    /// Adatoms located within OKS 0.95 over all registered frames, and their total.
    public var adatomHits: Int
    public var adatoms: Int
    public var truePositives: Int
    public var falsePositives: Int
    public var falseNegatives: Int
    /// Registered frames whose faulted half was decided, and decided right.
    public var faultedDecided: Int
    public var faultedRight: Int

    public init(_ e: [SceneEvaluation]) {
        let ok = e.filter(\.registered)
        frames = e.count
        registered = ok.count
        adatomHits = ok.reduce(0) { $0 + $1.adatomHits }
        adatoms = ok.reduce(0) { $0 + $1.adatoms }
        truePositives = ok.reduce(0) { $0 + $1.truePositives }
        falsePositives = ok.reduce(0) { $0 + $1.falsePositives }
        falseNegatives = ok.reduce(0) { $0 + $1.falseNegatives }
        let decided = ok.filter { $0.faultedCorrect != nil }
        faultedDecided = decided.count
        faultedRight = decided.filter { $0.faultedCorrect == true }.count
    }

    /// Pooled adatom recall (0 when no adatom was in any registered frame).
    public var adatomRecall: Double { Double(adatomHits) / Double(max(1, adatoms)) }
    public var defectPrecision: Double { Double(truePositives) / Double(max(1, truePositives + falsePositives)) }
    public var defectRecall: Double { Double(truePositives) / Double(max(1, truePositives + falseNegatives)) }

    /// The value at rank ⌊q·n⌋ of the finite values sorted ascending (NaN when none): the
    /// study's percentile convention, q = 1 gives the largest.
    public static func percentile(_ xs: [Double], _ q: Double) -> Double {
        let s = xs.filter(\.isFinite).sorted()
        return s.isEmpty ? .nan : s[min(s.count - 1, Int(q * Double(s.count)))]
    }

    /// The study's text report, one figure a line, and one line per failed frame.
    public static func report(_ e: [SceneEvaluation]) -> String {
        let s = Si7x7StudySummary(e)
        let ok = e.filter(\.registered)
        let pct = percentile
        let linear = ok.filter(\.homographyRepresentable)
        var out = "frames \(s.frames), registered \(s.registered) (\(String(format: "%.1f", 100 * Double(s.registered) / Double(max(1, s.frames)))) %)\n"
        out += String(format: "adatom recall@OKS0.95 (pooled) %.4f over %d adatoms; per-frame min %.4f\n", s.adatomRecall, s.adatoms, ok.map(\.adatomRecall).min() ?? .nan)
        out += String(format: "defects: precision %.3f recall %.3f (tp %d fp %d fn %d)\n", s.defectPrecision, s.defectRecall, s.truePositives, s.falsePositives, s.falseNegatives)
        out += "faulted half right on \(s.faultedRight) of \(s.registered) registered frames (\(s.faultedDecided) decided)\n"
        out += String(format: "corner-hole error (homography-representable frames, %d): median of medians %.4f a, median of p95 %.4f a, worst p95 %.4f a\n",
                      linear.count, pct(linear.map(\.cornerHoleMedian), 0.5), pct(linear.map(\.cornerHoleP95), 0.5), pct(linear.map(\.cornerHoleP95), 1.0))
        out += String(format: "neighbour corner-hole distance spread (homography-representable): before median %.4f, after median %.4f, after worst %.4f\n",
                      pct(linear.map(\.spreadBefore), 0.5), pct(linear.map(\.spreadAfter), 0.5), pct(linear.map(\.spreadAfter), 1.0))
        out += String(format: "measured anchors from the true corner holes (homography-representable): median of medians %.4f a, worst %.4f a\n",
                      pct(linear.map(\.anchorLocalisationMedian), 0.5), pct(linear.map(\.anchorLocalisationMedian), 1.0))
        let creep = Si7x7StudySummary(ok.filter { !$0.homographyRepresentable })
        let creepFrames = ok.filter { !$0.homographyRepresentable }
        out += String(format: "with creep (%d): median of medians %.4f a, median of p95 %.4f a, adatom recall %.4f\n", creepFrames.count,
                      pct(creepFrames.map(\.cornerHoleMedian), 0.5), pct(creepFrames.map(\.cornerHoleP95), 0.5), creep.adatomRecall)
        out += String(format: "thread-CPU per frame: median %.1f ms, p90 %.1f ms\n", pct(e.map(\.milliseconds), 0.5), pct(e.map(\.milliseconds), 0.9))
        for f in e where !f.registered { out += "  seed \(f.seed) failed: \(f.error ?? "")\n" }
        return out
    }
}
