import AnchorGeometry
import AnchorImaging
import AnchorModels

/// The choice between the measured lattice basis and its centred conventional counterpart,
/// for models whose cell is centred (a site at the anchor + (½, ½), like the B column of
/// `perovskite-001`).
///
/// Where the centre column looks like the corner column (HAADF SrTiO3: Sr 1, Ti–O 0.47), the
/// image's strongest period is the half cell — the A–B square, a/√2 long and turned by 45° —
/// and `LatticeEstimator` measures it. Mapped onto the model's cell it puts the model's
/// centre site on an empty place and the scale off by √2. Its counterpart (b1 − b2, b1 + b2)
/// is the conventional cell: twice the area, with a measured column at its centre.
///
/// The choice is made by what the model's sites explain in the cell average of each basis
/// (the anchor placed on the average's extremum, as the rough placement does): the basis is
/// kept when its centre site shows a column, or when another of the model's sites does (the
/// measured cell then already holds the model's motif beyond the anchor, so it is no half
/// cell: `perovskite-110` in HAADF, whose centre O column is faint but whose B column at
/// (½, 0) shows — doubling that cell gave the diagonal cell a1 ± a2, with the B column left
/// just under the stray limit); the counterpart is taken only when its centre
/// site does and its average holds no column away from the model's sites (a frame of another
/// projection, e.g. SrTiO3 down [110] with `perovskite-001`, then keeps its measured basis and
/// its verdict).
enum CentredCellChoice {
    /// Depth of the centre site over the anchor's (both from the cell average's median, in
    /// the anchor's contrast) at which the centre counts as a column.
    static let centreColumn = 0.2
    /// Depth of an extremum away from every model site, over the anchor's, above which the
    /// counterpart's cell holds a column the model does not have.
    static let strayColumn = 0.3

    /// True when `lattice` has a site (anchor or object) at the first anchor + (½, ½)
    /// (fractional, modulo the lattice).
    static func isCentred(_ lattice: LatticeModel) -> Bool {
        guard let anchor = lattice.sites.first(where: { $0.role == .anchor }) else { return false }
        return lattice.sites.contains { s in
            let du = s.u - anchor.u - 0.5, dv = s.v - anchor.v - 0.5
            return abs(du - du.rounded()) < 1e-3 && abs(dv - dv.rounded()) < 1e-3
        }
    }

    /// What the model's sites explain in the cell average of one basis.
    struct Explanation: Equatable {
        /// Depth of the centre site over the anchor's (1: as strong as the anchor).
        var centre: Double
        /// Depth of the strongest local extremum farther than a quarter of the shortest site
        /// distance from every model site, over the anchor's.
        var stray: Double
        /// Depth of the strongest model site other than the anchor and the centre site, over
        /// the anchor's (0 when the model has none): a column there means the measured cell
        /// already holds the model's motif beyond its anchor — it is no half cell.
        var offCentre: Double = 0
    }

    /// Measures `basis` (image pixels, mapped to the model's a1, a2) on `image`: the cell
    /// average is folded, the anchor put on its extremum, and the model's sites read off.
    /// `nil` when the average is empty or flat.
    static func explanation(of basis: (Point2, Point2), image: Image, lattice: LatticeModel, dark: Bool) -> Explanation? {
        let bins = 24
        guard let average = try? CellAverage(image: image, a1: basis.0, a2: basis.1, bins: bins,
                                             step: CellAverage.samplingStep(a1: basis.0, a2: basis.1)),
              let f = average.extremum(dark: dark),
              let anchor = lattice.sites.first(where: { $0.role == .anchor }) else { return nil }
        let smooth = MotifEvidence.periodicBoxBlur(average.values, bins: bins)
        let finite = smooth.filter(\.isFinite)
        guard finite.count > bins * bins / 2 else { return nil }
        let centre = median(finite)
        let sign = dark ? 1.0 : -1.0
        func depth(_ v: Double) -> Double { sign * (centre - v) }
        // Fractional position in the average of a model site: the anchor sits at f.
        func bin(_ u: Double, _ v: Double) -> Double {
            let fu = f.x + u - anchor.u, fv = f.y + v - anchor.v
            let iu = Int(((fu - fu.rounded(.down)) * Double(bins)).rounded(.down)) % bins
            let iv = Int(((fv - fv.rounded(.down)) * Double(bins)).rounded(.down)) % bins
            return smooth[iv * bins + iu]
        }
        let anchorDepth = depth(bin(anchor.u, anchor.v))
        guard anchorDepth > 0, anchorDepth.isFinite else { return nil }
        let centreDepth = depth(bin(anchor.u + 0.5, anchor.v + 0.5))
        var offCentre = 0.0
        for s in lattice.sites where s.name != anchor.name {
            let du = s.u - anchor.u, dv = s.v - anchor.v
            let atOrigin = abs(du - du.rounded()) < 1e-3 && abs(dv - dv.rounded()) < 1e-3
            let atCentre = abs(du - 0.5 - (du - 0.5).rounded()) < 1e-3 && abs(dv - 0.5 - (dv - 0.5).rounded()) < 1e-3
            guard !atOrigin, !atCentre else { continue }
            let d = depth(bin(s.u, s.v))
            if d.isFinite { offCentre = max(offCentre, d) }
        }
        let a1 = lattice.a1, a2 = lattice.a2
        let shortest = min(a1.length, a2.length, (a1 + a2).length, (a1 - a2).length)
        var stray = 0.0
        for jv in 0..<bins {
            for ju in 0..<bins {
                let v = smooth[jv * bins + ju]
                guard v.isFinite, depth(v) > stray, MotifEvidence.isLocalExtremum(smooth, bins: bins, ju, jv, sign: sign) else { continue }
                // Model fractional coordinates of this bin (the anchor at its own site).
                let p = Point2((Double(ju) + 0.5) / Double(bins) - f.x + anchor.u, (Double(jv) + 0.5) / Double(bins) - f.y + anchor.v)
                let near = lattice.sites.contains { MotifEvidence.cellDistance(p, $0.fractional, a1: a1, a2: a2) < 0.25 * shortest }
                if !near { stray = depth(v) }
            }
        }
        return Explanation(centre: centreDepth.isFinite ? centreDepth / anchorDepth : 0, stray: stray / anchorDepth,
                           offCentre: offCentre / anchorDepth)
    }

    /// The basis to place the model with: `basis` itself, or — for a centred model whose
    /// centre site and other non-anchor sites `basis` leaves empty — its conventional
    /// counterpart (b1 − b2, b1 + b2),
    /// aligned to the model like `basis` (first vector nearest `preferredDirection`), when
    /// that one explains the cell average (see the type's description).
    ///
    /// - Parameters:
    ///   - basis: image vectors (pixels, x right, y down) that the model's a1, a2 map to.
    ///   - image: the frame the basis was measured on (levelled), pixels.
    static func choose(_ basis: (Point2, Point2), image: Image, lattice: LatticeModel, dark: Bool,
                       preferredDirection: Point2) -> (Point2, Point2) {
        guard isCentred(lattice),
              let measured = explanation(of: basis, image: image, lattice: lattice, dark: dark),
              measured.centre < centreColumn,
              measured.offCentre < centreColumn else { return basis }
        let (b1, b2) = basis
        let counterpart = LatticeEstimator.alignBasis(LatticeEstimate(a1: b1 - b2, a2: b1 + b2, quality: 1),
                                                      toModel: lattice.a1, lattice.a2, preferredDirection: preferredDirection)
        guard let other = explanation(of: counterpart, image: image, lattice: lattice, dark: dark),
              other.centre >= centreColumn, other.stray < strayColumn else { return basis }
        return counterpart
    }
}
