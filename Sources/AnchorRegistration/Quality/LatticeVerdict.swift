import AnchorGeometry
import AnchorImaging
import AnchorModels

/// The verdict on a lattice registration (`register`, `locate`, `match`): does the frame show
/// the model, and well enough to say where it is? Decided from evidence in the frame only,
/// after the registration, at a cost of about a millisecond on a 512² frame (one fold of
/// ≤ 30 000 samples, k linear fits):
///
/// 1. **Anchors**: how many the fit places in the frame and the fraction of them that fit.
/// 2. **Held-out residual** (`HeldOutResidual`): 5-fold cross-validation of H over the
///    fitted anchors, in cells (anchor spacings).
/// 3. **Scan geometry against the calibration** (`ScanGeometry`): the fast-axis pixel size
///    against the file's, and the slow-axis drift the fit implies.
/// 4. **Motif** (`MotifEvidence`): the frame's own cell average, folded through the fit,
///    against the model's cell — anchor on the extremum and no second one like it, object
///    sites bright, the cell's symmetries, and no period of two cells.
///
/// Each finding is `doubtful` past its first limit and `refused` past its second; the
/// limits are in `Limits` and documented in docs/registration.md with the figures they were
/// chosen from.
public enum LatticeVerdict {
    /// The limits of each finding: (doubtful beyond, refused beyond).
    public enum Limits {
        /// Anchors the fit places in the frame: refused below 4 (no homography), doubtful
        /// below 8 (too few to judge the rest).
        public static let anchorsInView = (doubtful: 8, refused: 4)
        /// Inliers over anchors in view. The registrar itself refuses below 0.5 unless asked
        /// to keep a poor fit.
        public static let inlierFraction = (doubtful: 0.55, refused: 0.4)
        /// Median held-out residual, cells.
        public static let heldOutResidualCells = (doubtful: 0.05, refused: 0.12)
        /// |fast-axis pixel size / file's − 1| (calibrated files): scanners' lateral
        /// calibration is good to a few per cent; the registrar's own prior allows 30 %.
        public static let fastAxisScale = (doubtful: 0.1, refused: 0.25)
        /// Slow-axis drift per frame, fraction of the field. Real frames drift: the real
        /// `Si_7x7_028.sxm` shows 0.3 (aspect 0.75); beyond the refusal limit no scanner
        /// explains it (a 35° shear is 0.7).
        public static let slowAxisDrift = (doubtful: 0.2, refused: 0.55)
        /// Fraction of the cell more extreme than the anchor site.
        public static let anchorRank = (doubtful: 0.03, refused: 0.1)
        /// Depth of the strongest other extremum like the anchor, over the anchor's.
        public static let secondExtremum = (doubtful: 0.7, refused: 0.85)
        /// Fraction of the object sites brighter than the cell median (below these): all 12
        /// adatoms of a resolved Si(111)-7×7 frame are; a lattice of other atoms folded into
        /// the 7×7 cell puts about half of them on dark ground.
        public static let objectsAboveMedian = (doubtful: 0.85, refused: 0.7)
        /// Mean height of the object sites above the cell median, in standard deviations of
        /// the cell average (below these). 100 random synthetic Si(111)-7×7 frames: 0.60 and
        /// more; the real `image_with_defects.dat`: 1.23; other structures read as 7×7:
        /// −0.05 to 0.45.
        public static let objectContrast = (doubtful: 0.5, refused: 0.35)
        /// Lowest correlation of the cell average with its symmetric images (below these).
        public static let symmetry = (doubtful: 0.6, refused: 0.3)
        /// Difference between interleaved sub-lattices of cells, in cell-average contrast.
        public static let superstructure = (doubtful: 0.3, refused: 0.5)
        /// Pixels between the model's closest sites below which the motif's findings are at
        /// most doubtful (the frame does not resolve the motif).
        public static let motifResolution = 5.0
    }

    /// Judges `registration` of `image` (for its calibration) to `model`, folding `levelled`
    /// (the image the registration worked on) for the motif.
    ///
    /// Evidence keys (all in `Verdict.evidence`): `anchors_in_view`, `anchors_paired`,
    /// `inliers`, `inlier_fraction`, `held_out_residual_cells`,
    /// `held_out_residual_p90_cells`, `fast_axis_scale` (calibrated files),
    /// `slow_axis_stretch`, `slow_axis_shear`, `slow_axis_drift`, `pixel_aspect`,
    /// `motif_anchor_rank`, `motif_second_extremum`, `motif_objects_above_median`,
    /// `motif_object_contrast`, `motif_symmetry`, `motif_superstructure`, `motif_samples`,
    /// `motif_site_separation_px`.
    public static func judge(_ registration: Registration, levelled: Image, image: Image, model: AnchorModel) -> Verdict {
        var v = Verdict()
        guard let lattice = model.lattice else { return v }
        let r = registration
        let centre = Point2(Double(image.width - 1) / 2, Double(image.height - 1) / 2)
        let unitPerPixel = (r.pixelSize[0] + r.pixelSize[1]) / 2
        let cellPixels = model.nearestAnchorDistance / unitPerPixel

        // 1. Anchors.
        let inView = r.metrics.anchorsInView ?? r.metrics.anchors
        let inliers = r.anchors.filter(\.inlier).count
        v.evidence["anchors_in_view"] = Double(inView)
        v.evidence["anchors_paired"] = Double(r.anchors.count)
        v.evidence["inliers"] = Double(inliers)
        if inView < Limits.anchorsInView.refused {
            v.add(.refused, "too_few_anchors", "only \(inView) model anchors fall in the frame; at least \(Limits.anchorsInView.refused) are needed to fit a homography")
        } else if inView < Limits.anchorsInView.doubtful {
            v.add(.doubtful, "few_anchors", "only \(inView) model anchors fall in the frame (fewer than \(Limits.anchorsInView.doubtful)): too few to judge the fit")
        }
        let fraction = inView > 0 ? Double(inliers) / Double(inView) : 0
        v.evidence["inlier_fraction"] = fraction
        judge(&v, fraction, below: Limits.inlierFraction, code: "inlier_fraction_low",
              "%.0f%% of the model anchors in view fit (limit %.0f%%): much of the frame does not follow the model", scale: 100)

        // 2. Held-out residual of H (main domain, scan-line field removed) over the inliers.
        let main = r.anchors.filter { $0.inlier && ($0.domain ?? 0) == 0 }
        let corrected = main.map { $0.image - r.scanLineDisplacement(at: $0.image) }
        if let res = HeldOutResidual.residuals(model: main.map(\.model), image: corrected), cellPixels > 0 {
            let sorted = res.sorted()
            let med = sorted[sorted.count / 2] / cellPixels
            let p90 = sorted[min(sorted.count - 1, Int(0.9 * Double(sorted.count)))] / cellPixels
            v.evidence["held_out_residual_cells"] = med
            v.evidence["held_out_residual_p90_cells"] = p90
            judge(&v, med, above: Limits.heldOutResidualCells, code: "held_out_residual_high",
                  "anchors left out of the fit are predicted %.3f cell off (median; limit %.3f): the lattice does not follow the model")
        }

        // 3. Scan geometry against the calibration.
        var filePixel: Point2? = nil
        if let ps = image.pixelSize, let f = image.unit.factor(to: model.unit), ps.x > 0, ps.y > 0 {
            filePixel = Point2(ps.x * f, ps.y * f)
        }
        if let g = ScanGeometry(homography: r.homography, centre: centre, filePixelSize: filePixel) {
            v.evidence["slow_axis_stretch"] = g.slowStretch
            v.evidence["slow_axis_shear"] = g.slowShear
            v.evidence["slow_axis_drift"] = g.slowDrift
            v.evidence["pixel_aspect"] = g.aspect
            if let s = g.fastScale {
                v.evidence["fast_axis_scale"] = s
                judge(&v, abs(s - 1), above: Limits.fastAxisScale, code: "scale_off_calibration",
                      "the lattice makes the fast-axis pixel %.0f%% off the file's calibration (limit %.0f%%): the lattice constant is not the model's", scale: 100)
            }
            let what = filePixel == nil ? "square pixels (no calibration in the file)" : "the file's calibration"
            judge(&v, g.slowDrift, above: Limits.slowAxisDrift, code: "aspect_shear_unexplained",
                  "against \(what) the fit needs a slow-axis drift of %.0f%% of the field (stretch \(pct(g.slowStretch)), shear \(pct(g.slowShear)); limit %.0f%%): more than drift explains — a different lattice, or very strong drift", scale: 100)
        }

        // 4. Motif of the frame's own cell average. Its details are evidence only where the
        // frame resolves them: with the model's closest sites less than `motifResolution` px
        // apart (Si(111)-7×7 at 10–14 px per cell: adatoms 2.5–3.5 px apart) the motif's
        // findings are at most doubtful.
        let separation = Self.closestSiteSeparation(lattice) / unitPerPixel
        v.evidence["motif_site_separation_px"] = separation
        let motifCap: Verdict.Status = separation >= Limits.motifResolution ? .refused : .doubtful
        if let fold = ModelCellFold(image: levelled, registration: r, lattice: lattice) {
            let m = MotifEvidence(fold: fold, lattice: lattice, darkAnchor: (model.anchorContrast ?? .dark) != .bright,
                                  faintObjects: MaterialModel.faintSites(ofModelNamed: model.name))
            v.evidence["motif_samples"] = Double(fold.samples)
            v.evidence["motif_anchor_rank"] = m.anchorRank
            v.evidence["motif_second_extremum"] = m.secondExtremum
            v.evidence["motif_superstructure"] = m.superstructure
            let kind = (model.anchorContrast ?? .dark) == .bright ? "brightest" : "darkest"
            judge(&v, m.anchorRank, above: Limits.anchorRank, cap: motifCap, code: "motif_anchor_not_extreme",
                  "%.0f%% of the frame's cell average is \(kind.dropLast(3))er than the anchor site (limit %.0f%%): the anchors are not on the \(kind) feature", scale: 100)
            judge(&v, m.secondExtremum, above: Limits.secondExtremum, cap: motifCap, code: "motif_extra_anchor_feature",
                  "the cell average holds a second feature %.0f%% as deep as the anchor where the model has none (limit %.0f%%): a centred or two-site lattice the model does not describe", scale: 100)
            if let f = m.objectsAboveMedian {
                v.evidence["motif_objects_above_median"] = f
                v.evidence["motif_object_contrast"] = m.objectContrast ?? .nan
                judge(&v, f, below: Limits.objectsAboveMedian, cap: motifCap, code: "motif_objects_not_bright",
                      "only %.0f%% of the model's object sites are brighter than the cell average's median (limit %.0f%%): the image's motif is not the model's", scale: 100)
                judge(&v, m.objectContrast ?? .nan, below: Limits.objectContrast, cap: motifCap, code: "motif_objects_faint",
                      "the model's object sites stand only %.2f standard deviations of the cell average above its median (limit %.2f): the image does not show them")
            }
            if let s = m.symmetry {
                v.evidence["motif_symmetry"] = s
                judge(&v, s, below: Limits.symmetry, cap: motifCap, code: "motif_symmetry_broken",
                      "the cell average correlates only %.2f with its images under the model's symmetries (limit %.2f)")
            }
            judge(&v, m.superstructure, above: Limits.superstructure, cap: motifCap, code: "motif_superstructure",
                  "neighbouring cells differ by %.2f of the cell contrast (limit %.2f): the image repeats every second model cell — a centred or larger cell than the model's")
        }
        return v
    }

    /// Shortest distance (model units) between two sites of the cell, or between a site and
    /// its copy in the next cell (one-site lattices: the shortest lattice vector).
    static func closestSiteSeparation(_ lattice: LatticeModel) -> Double {
        var best = Double.infinity
        for (i, s) in lattice.sites.enumerated() {
            for t in lattice.sites[i...] {
                let d = MotifEvidence.cellDistance(s.fractional, t.fractional, a1: lattice.a1, a2: lattice.a2)
                if d > 1e-9 { best = min(best, d) }
            }
        }
        let a1 = lattice.a1, a2 = lattice.a2
        return min(best, a1.length, a2.length, (a1 + a2).length, (a1 - a2).length)
    }

    /// A signed percentage for a message that then goes through `String(format:)` (its `%` doubled).
    private static func pct(_ x: Double) -> String { String(format: "%+.0f%%%%", 100 * x) }

    /// Adds a finding when `value` exceeds the limits (`doubtful` past the first, `refused`
    /// past the second). `format` gets the value and the limit crossed, times `scale`.
    private static func judge(_ v: inout Verdict, _ value: Double, above limits: (doubtful: Double, refused: Double),
                              cap: Verdict.Status = .refused, code: String, _ format: String, scale: Double = 1) {
        guard value.isFinite else {
            v.add(cap, code, String(format: format, Double.nan, limits.refused * scale))
            return
        }
        if value > limits.refused {
            v.add(cap, code, String(format: format, value * scale, limits.refused * scale))
        } else if value > limits.doubtful {
            v.add(.doubtful, code, String(format: format, value * scale, limits.doubtful * scale))
        }
    }

    private static func judge(_ v: inout Verdict, _ value: Double, below limits: (doubtful: Double, refused: Double),
                              cap: Verdict.Status = .refused, code: String, _ format: String, scale: Double = 1) {
        guard value.isFinite else {
            v.add(cap, code, String(format: format, Double.nan, limits.refused * scale))
            return
        }
        if value < limits.refused {
            v.add(cap, code, String(format: format, value * scale, limits.refused * scale))
        } else if value < limits.doubtful {
            v.add(.doubtful, code, String(format: format, value * scale, limits.doubtful * scale))
        }
    }
}
