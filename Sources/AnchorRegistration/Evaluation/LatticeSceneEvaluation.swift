import AnchorGeometry
import AnchorModels
import Foundation

/// Scores a frame analysis (`FrameAnalysis.analyse`) against the ground truth of a synthetic
/// material frame (`LatticeSceneGenerator`): scale error, atom-position error and recall at
/// OKS 0.95, vacancy precision and recall, and the verdict.
///
/// Positions are compared in image pixels and converted to nm with the truth's local pixel
/// size at the image centre, so neither side's cell numbering matters. The located positions
/// are the registration's measured anchors (inliers) and the located object sites.
public struct LatticeSceneEvaluation: Sendable, Codable {
    public var material: String
    public var contrast: ImagingContrast
    public var seed: UInt64
    /// The model the frame was analysed with (differs from `material` in wrong-model runs).
    public var analysedWith: String
    /// Quality verdict status ("ok", "doubtful", "refused"), or "error: …" when it threw.
    public var status: String
    /// Relative error of the measured pixel size along image x and y against the true local
    /// pixel size at the centre, the larger of the two (0.005 = 0.5 %): the error of the
    /// lattice constant read from a calibrated frame.
    public var scaleError: Double = .nan
    /// Visible atomic sites present in the truth (|signal| ≥ `visibleSignal`, not vacant).
    public var sites: Int = 0
    /// Of those, located within the OKS 0.95 tolerance (scale a, k = 0.1: 0.032·a).
    public var hits: Int = 0
    public var recall: Double = 0
    /// Median and 95th percentile of the truth → nearest located distance, pm.
    public var medianErrorPm: Double = .nan
    public var p95ErrorPm: Double = .nan
    /// Vacancy classification of object sites: located as missing and truly vacant, etc.
    public var vacancyTruePositives: Int = 0
    public var vacancyFalsePositives: Int = 0
    public var vacancyFalseNegatives: Int = 0
    /// Point-defect census (`FrameAnalysis.pointDefects`, every shown column, anchors too)
    /// against the truth: a call is true when the truth site it pairs with (nearest within
    /// the pairing radius) has that state; a visible truth defect is found when the census
    /// column paired with it has its state. Zero without a census.
    public var censusVacancyTruePositives: Int = 0
    public var censusVacancyFalsePositives: Int = 0
    public var censusVacancyFalseNegatives: Int = 0
    public var censusSubstitutionTruePositives: Int = 0
    public var censusSubstitutionFalsePositives: Int = 0
    public var censusSubstitutionFalseNegatives: Int = 0
    /// Truth vacancies and substitutions at visible sites inside the frame.
    public var vacancies: Int = 0
    public var substitutions: Int = 0
    /// Thread-CPU time of the analysis, ms.
    public var milliseconds: Double = 0

    /// A site is visible in a contrast when its |signal| is at least this.
    public static let visibleSignal = 0.2

    public init(material: String, contrast: ImagingContrast, seed: UInt64, analysedWith: String, status: String) {
        self.material = material
        self.contrast = contrast
        self.seed = seed
        self.analysedWith = analysedWith
        self.status = status
    }

    /// Evaluates `analysis` of `scene`.
    public static func evaluate(_ analysis: FrameAnalysis, scene: SyntheticLatticeScene, milliseconds: Double) -> LatticeSceneEvaluation {
        let p = scene.truth.parameters
        var e = LatticeSceneEvaluation(material: p.material, contrast: p.contrast, seed: p.seed,
                                       analysedWith: analysis.model.name,
                                       status: analysis.registration.quality?.status.rawValue ?? "none")
        e.milliseconds = milliseconds
        let d = scene.distortion
        let cx = Double(d.width - 1) / 2, cy = Double(d.height - 1) / 2
        let fx = (d.modelPoint(x: cx + 0.5, y: cy) - d.modelPoint(x: cx - 0.5, y: cy)).length
        let fy = (d.modelPoint(x: cx, y: cy + 0.5) - d.modelPoint(x: cx, y: cy - 0.5)).length
        let measured = analysis.registration.pixelSize
        if measured.count == 2 {
            e.scaleError = max(abs(measured[0] / fx - 1), abs(measured[1] / fy - 1))
        }
        let nmPerPx = scene.truth.pixelSizeTrueAtCentreNm
        let a = scene.truth.latticeConstantNm
        let tolNm = Metrics.tolerance(threshold: 0.95, scale: a, k: 0.1)
        let anchors = analysis.registration.anchors.filter(\.inlier).map(\.image)
        let located = anchors + analysis.sites.map(\.image)
        let tree = KDTree(located)
        let siteTree = KDTree(analysis.sites.map(\.image))
        // Nearest distance between atomic sites in the truth, px: the radius that pairs a
        // located site with its truth site.
        let model = try? BuiltinModels.named(scene.truth.model)
        let nearestNm = model?.lattice.map { l in
            l.sites.indices.flatMap { i in l.sites.indices.compactMap { j -> Double? in
                var best = Double.infinity
                for di in -1...1 { for dj in -1...1 {
                    let r = (l.position(u: Double(di) + l.sites[j].u, v: Double(dj) + l.sites[j].v)
                             - l.position(u: l.sites[i].u, v: l.sites[i].v)).length
                    if r > 1e-9 { best = min(best, r) }
                } }
                return best
            } }.min() ?? a
        } ?? a
        let pairPx = 0.3 * nearestNm / nmPerPx
        let material = MaterialModel.named(p.material)
        var errors: [Double] = []
        for t in scene.truth.sites where t.atom {
            let visible = abs(material?.signal(of: t.site, in: p.contrast) ?? 0) >= visibleSignal
            guard visible else { continue }
            if t.state == .substitution { e.substitutions += 1 }
            if t.state == .vacancy {
                e.vacancies += 1
                if let s = siteTree.nearest(to: t.image), s.distance <= pairPx, !analysis.sites[s.index].present {
                    e.vacancyTruePositives += 1
                } else {
                    e.vacancyFalseNegatives += 1
                }
                continue
            }
            e.sites += 1
            if let s = siteTree.nearest(to: t.image), s.distance <= pairPx, !analysis.sites[s.index].present {
                e.vacancyFalsePositives += 1
            }
            guard let hit = tree.nearest(to: t.image) else { continue }
            let dNm = hit.distance * nmPerPx
            errors.append(dNm)
            if dNm <= tolNm { e.hits += 1 }
        }
        if let census = analysis.pointDefects {
            let truthAtoms = scene.truth.sites.filter(\.atom)
            let truthTree = KDTree(truthAtoms.map(\.image))
            let censusTree = KDTree(census.columns.map(\.image))
            for c in census.columns where c.state != .present {
                let truthState = truthTree.nearest(to: c.image).flatMap { $0.distance <= pairPx ? truthAtoms[$0.index].state : nil }
                switch (c.state, truthState == c.state.truthState) {
                case (.vacancy, true): break
                case (.vacancy, false): e.censusVacancyFalsePositives += 1
                case (.substitution, true): break
                case (.substitution, false): e.censusSubstitutionFalsePositives += 1
                default: break
                }
            }
            for t in truthAtoms where t.state != .present {
                guard abs(material?.signal(of: t.site, in: p.contrast) ?? 0) >= visibleSignal else { continue }
                let called = censusTree.nearest(to: t.image).flatMap { $0.distance <= pairPx ? census.columns[$0.index].state : nil }
                let found = called?.truthState == t.state
                if t.state == .vacancy {
                    if found { e.censusVacancyTruePositives += 1 } else { e.censusVacancyFalseNegatives += 1 }
                } else {
                    if found { e.censusSubstitutionTruePositives += 1 } else { e.censusSubstitutionFalseNegatives += 1 }
                }
            }
        }
        e.recall = e.sites > 0 ? Double(e.hits) / Double(e.sites) : 0
        errors.sort()
        if !errors.isEmpty {
            e.medianErrorPm = 1000 * errors[errors.count / 2]
            e.p95ErrorPm = 1000 * errors[min(errors.count - 1, Int(0.95 * Double(errors.count)))]
        }
        return e
    }
}

extension PointDefectCensus.State {
    /// The generator's state of the same name.
    var truthState: LatticeSiteState {
        switch self {
        case .present: return .present
        case .vacancy: return .vacancy
        case .substitution: return .substitution
        }
    }
}
