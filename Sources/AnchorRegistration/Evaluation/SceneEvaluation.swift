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
            guard let hit = tree.nearest(to: t.image) else { continue }
            let s = located[hit.index]
            let dNm = hit.distance * nmPerPx
            if dNm <= tolNm { e.adatomHits += 1 }
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
}
