import AnchorGeometry
import AnchorImaging
import AnchorModels
import Foundation

/// Scores a frame analysis against the ground truth of a synthetic Si(111)-7×7 scene — the
/// acceptance measurements of the registration (adatom recall at OKS 0.95, defect precision
/// and recall, faulted-half decision, corner-hole error).
///
/// Truth and result are compared in image space (pixels) and converted to nm with the scene's
/// true local pixel size, so the comparison does not depend on which lattice cell either side
/// calls (0, 0).
public struct SceneEvaluation: Sendable, Codable {
    public var seed: UInt64
    public var registered: Bool
    public var error: String?
    /// Truth adatoms whose centre is inside the frame (every one the generator lists), and how
    /// many were located within the OKS 0.95 tolerance (s = 2.688 nm, k = 0.1: 0.086 nm).
    public var adatoms: Int = 0
    public var adatomHits: Int = 0
    public var adatomRecall: Double = 0
    /// The same recall for the positions H predicts, before local refinement.
    public var predictedHits: Int = 0
    /// Defect classification against the truth's missing adatoms.
    public var truePositives: Int = 0
    public var falsePositives: Int = 0
    public var falseNegatives: Int = 0
    /// Faulted half named right (nil: undecided).
    public var faultedCorrect: Bool?
    /// Corner-hole errors |H(P_m) − truth| in units of the lattice constant.
    public var cornerHoleMedian: Double = .nan
    public var cornerHoleP95: Double = .nan
    /// Median distance of the measured (inlier) anchor positions from the true corner holes,
    /// in lattice constants: how well the anchors themselves are localised, before H.
    public var anchorLocalisationMedian: Double = .nan
    /// Root-mean-square of the same distances (tails count), in lattice constants.
    public var anchorLocalisationRMS: Double = .nan
    public var homographyRepresentable: Bool = true
    /// Normalised neighbour corner-hole distance spread before / after correction (Fig. 7c).
    public var spreadBefore: Double = .nan
    public var spreadAfter: Double = .nan
    public var milliseconds: Double = 0
    /// The distortion model the registration chose (`DistortionModelKind` raw value), nil
    /// when no selection ran.
    public var distortionChosen: String?
    /// Truth adatoms within half a lattice constant of the frame edge, and how many of them
    /// were located (within the OKS 0.95 tolerance).
    public var edgeAdatoms: Int = 0
    public var edgeHits: Int = 0
    /// Frame side, pixels (for timing by frame size).
    public var size: Int = 0

    /// JSON keys (the demo's evaluation.json): snake_case like every other output file;
    /// `error`, `faulted_correct` and `distortion_chosen` are null when absent.
    enum CodingKeys: String, CodingKey {
        case seed, registered, error, adatoms
        case adatomHits = "adatom_hits", adatomRecall = "adatom_recall", predictedHits = "predicted_hits"
        case truePositives = "true_positives", falsePositives = "false_positives", falseNegatives = "false_negatives"
        case faultedCorrect = "faulted_correct", cornerHoleMedian = "corner_hole_median_a", cornerHoleP95 = "corner_hole_p95_a"
        case anchorLocalisationMedian = "anchor_localisation_median_a", anchorLocalisationRMS = "anchor_localisation_rms_a"
        case homographyRepresentable = "homography_representable"
        case spreadBefore = "neighbour_spread_before", spreadAfter = "neighbour_spread_after"
        case milliseconds = "time_ms", distortionChosen = "distortion_chosen"
        case edgeAdatoms = "edge_adatoms", edgeHits = "edge_hits", size = "size_px"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(seed, forKey: .seed)
        try c.encode(registered, forKey: .registered)
        try c.encode(error, forKey: .error)
        try c.encode(adatoms, forKey: .adatoms)
        try c.encode(adatomHits, forKey: .adatomHits)
        try c.encode(adatomRecall, forKey: .adatomRecall)
        try c.encode(predictedHits, forKey: .predictedHits)
        try c.encode(truePositives, forKey: .truePositives)
        try c.encode(falsePositives, forKey: .falsePositives)
        try c.encode(falseNegatives, forKey: .falseNegatives)
        try c.encode(faultedCorrect, forKey: .faultedCorrect)
        try c.encode(cornerHoleMedian, forKey: .cornerHoleMedian)
        try c.encode(cornerHoleP95, forKey: .cornerHoleP95)
        try c.encode(anchorLocalisationMedian, forKey: .anchorLocalisationMedian)
        try c.encode(anchorLocalisationRMS, forKey: .anchorLocalisationRMS)
        try c.encode(homographyRepresentable, forKey: .homographyRepresentable)
        try c.encode(spreadBefore, forKey: .spreadBefore)
        try c.encode(spreadAfter, forKey: .spreadAfter)
        try c.encode(milliseconds, forKey: .milliseconds)
        try c.encode(distortionChosen, forKey: .distortionChosen)
        try c.encode(edgeAdatoms, forKey: .edgeAdatoms)
        try c.encode(edgeHits, forKey: .edgeHits)
        try c.encode(size, forKey: .size)
    }

    public init(seed: UInt64, registered: Bool, error: String?) {
        self.seed = seed
        self.registered = registered
        self.error = error
    }

    /// Evaluates `analysis` of `scene`.
    public static func evaluate(_ analysis: FrameAnalysis, scene: SyntheticSTMScene, milliseconds: Double) -> SceneEvaluation {
        var e = SceneEvaluation(seed: scene.truth.parameters.seed, registered: true, error: nil)
        e.milliseconds = milliseconds
        e.homographyRepresentable = scene.distortion.isHomography
        e.spreadBefore = analysis.registration.metrics.neighbourSpreadBefore
        e.spreadAfter = analysis.registration.metrics.neighbourSpreadAfter
        e.distortionChosen = analysis.registration.distortion?.chosen.rawValue
        e.size = scene.truth.width
        let a = 2.688
        let nmPerPx = scene.truth.pixelSizeTrueAtCentre
        let tolNm = AnchorRegistration.Metrics.tolerance(threshold: 0.95, scale: a, k: 0.1)
        let located = analysis.sites
        guard !located.isEmpty else { return e }
        let tree = KDTree(located.map(\.image))
        let predictedTree = KDTree(located.map(\.predicted))
        // Every truth adatom whose centre is inside the frame counts (the generator lists
        // exactly those), edge sites included.
        let w = Double(scene.truth.width) - 0.5, hgt = Double(scene.truth.height) - 0.5
        for t in scene.truth.adatoms {
            guard t.image.x >= -0.5, t.image.y >= -0.5, t.image.x < w, t.image.y < hgt else { continue }
            e.adatoms += 1
            let edgePx = 0.5 * a / nmPerPx
            let nearEdge = min(t.image.x + 0.5, t.image.y + 0.5, w - t.image.x, hgt - t.image.y) < edgePx
            if nearEdge { e.edgeAdatoms += 1 }
            guard let hit = tree.nearest(to: t.image) else { continue }
            let s = located[hit.index]
            let dNm = hit.distance * nmPerPx
            if dNm <= tolNm {
                e.adatomHits += 1
                if nearEdge { e.edgeHits += 1 }
            }
            if let p = predictedTree.nearest(to: t.image), p.distance * nmPerPx <= tolNm { e.predictedHits += 1 }
            if dNm <= 0.3 * 0.768 {
                switch (s.present, t.present) {
                case (false, false): e.truePositives += 1
                case (false, true): e.falsePositives += 1
                case (true, false): e.falseNegatives += 1
                default: break
                }
            }
        }
        e.adatomRecall = e.adatoms > 0 ? Double(e.adatomHits) / Double(e.adatoms) : 0
        if let faulted = analysis.halves?.faultedGroup {
            // Vote over the located sites' nearest truth adatoms.
            let truthTree = KDTree(scene.truth.adatoms.map(\.image))
            var agree = 0, disagree = 0
            for s in located where s.group != nil {
                guard let hit = truthTree.nearest(to: s.image), hit.distance * nmPerPx < 0.2,
                      let tf = scene.truth.adatoms[hit.index].faulted else { continue }
                if (s.group == faulted) == tf { agree += 1 } else { disagree += 1 }
            }
            e.faultedCorrect = agree > disagree
        }
        // The corner holes where the chosen distortion model (H and any field) puts them.
        let holeTree = KDTree(scene.truth.cornerHoles.map(\.image))
        var errs: [Double] = []
        for anchor in analysis.registration.anchors where (anchor.domain ?? 0) == 0 {
            let p = analysis.registration.predictedImage(ofModel: anchor.model)
            if let hit = holeTree.nearest(to: p) { errs.append(hit.distance * nmPerPx / a) }
        }
        var local: [Double] = []
        for anchor in analysis.registration.anchors where anchor.inlier {
            if let hit = holeTree.nearest(to: anchor.image) { local.append(hit.distance * nmPerPx / a) }
        }
        local.sort()
        if !local.isEmpty {
            e.anchorLocalisationMedian = local[local.count / 2]
            e.anchorLocalisationRMS = (local.reduce(0) { $0 + $1 * $1 } / Double(local.count)).squareRoot()
        }
        errs.sort()
        if !errs.isEmpty {
            e.cornerHoleMedian = errs[errs.count / 2]
            e.cornerHoleP95 = errs[min(errs.count - 1, Int(0.95 * Double(errs.count)))]
        }
        return e
    }

    /// The issue-10 acceptance figures over `evaluations` (text, one figure a line): adatom
    /// recall per frame and pooled, edge recall, corner-hole error on frames that a homography
    /// does not describe (median of the per-frame medians, 95th percentile of the per-frame
    /// 95th percentiles), the worst neighbour spread after correction, and which distortion
    /// model was chosen on frames a homography describes and on the others.
    public static func acceptanceSummary(_ evaluations: [SceneEvaluation]) -> String {
        let ok = evaluations.filter(\.registered)
        func q(_ xs: [Double], _ p: Double) -> Double {
            let s = xs.filter(\.isFinite).sorted()
            return s.isEmpty ? .nan : s[min(s.count - 1, Int(p * Double(s.count)))]
        }
        let recalls = ok.map(\.adatomRecall)
        let hits = ok.reduce(0) { $0 + $1.adatomHits }, total = ok.reduce(0) { $0 + $1.adatoms }
        let edge = ok.reduce(0) { $0 + $1.edgeHits }, edgeTotal = ok.reduce(0) { $0 + $1.edgeAdatoms }
        var out = String(format: "acceptance: recall per frame min %.4f, frames below 0.99: %d of %d; pooled %.4f; edge adatoms %.4f of %d\n",
                         recalls.min() ?? .nan, recalls.filter { $0 < 0.99 }.count, ok.count,
                         Double(hits) / Double(max(1, total)), Double(edge) / Double(max(1, edgeTotal)), edgeTotal)
        let bent = ok.filter { !$0.homographyRepresentable }
        out += String(format: "acceptance: non-homography frames (%d): corner-hole median of medians %.4f a, p95 of p95 %.4f a; spread after worst %.4f (all frames %.4f)\n",
                      bent.count, q(bent.map(\.cornerHoleMedian), 0.5), q(bent.map(\.cornerHoleP95), 0.95),
                      q(bent.map(\.spreadAfter), 1), q(ok.map(\.spreadAfter), 1))
        let linear = ok.filter(\.homographyRepresentable)
        var counts: [String: Int] = [:]
        for e in linear { counts[e.distortionChosen ?? "none", default: 0] += 1 }
        var bentCounts: [String: Int] = [:]
        for e in bent { bentCounts[e.distortionChosen ?? "none", default: 0] += 1 }
        let at512 = evaluations.filter { $0.size == 512 }.map(\.milliseconds)
        out += String(format: "acceptance: thread-CPU per 512² frame (%d frames): median %.1f ms\n", at512.count, q(at512, 0.5))
        out += "acceptance: chosen on homography frames (\(linear.count)): \(counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))\n"
        out += "acceptance: chosen on other frames (\(bent.count)): \(bentCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))\n"
        return out
    }
}
