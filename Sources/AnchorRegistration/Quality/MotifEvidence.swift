import AnchorGeometry
import AnchorImaging
import AnchorModels

/// How well the frame's own cell average (folded through the finished registration, see
/// `ModelCellFold`) shows the model's motif. A wrong structure can be registered — a lattice
/// of the right period is always found somewhere — but its cell average then does not look
/// like the model's cell.
///
/// All numbers are dimensionless; "depth" is measured from the cell average's median in the
/// anchor's contrast (down for dark anchors).
struct MotifEvidence: Sendable, Equatable {
    /// Fraction of the cell that is more extreme (darker for dark anchors) than the anchor
    /// site: 0 when the anchor sits on the cell's extremum, as it must.
    var anchorRank: Double
    /// Depth of the most extreme local extremum of the anchor's contrast that is not at a
    /// model site (more than `exclusion` from every anchor and object site), over the anchor's
    /// depth. Near 1: the cell holds a second feature like the anchor that the model does not
    /// have (a centred lattice folded with its conventional cell, the second hollow of a
    /// honeycomb given a one-site model).
    var secondExtremum: Double
    /// With object sites (bright, as `SiteLocator` expects them; faint ones left out): the
    /// fraction of them brighter than the cell average's median, and their mean height above
    /// it in standard deviations of the cell average. `nil` without such object sites.
    var objectsAboveMedian: Double?
    var objectContrast: Double?
    /// Lowest correlation between the cell average and its image under each symmetry of the
    /// model's cell (rotations and mirrors about the anchor that map the lattice and its sites
    /// onto themselves; for si111-7x7 the 3-fold rotations, the mirrors and the inversion that
    /// swaps the two halves). `nil` when the model has no such symmetry.
    var symmetry: Double?
    /// How much the four interleaved sub-lattices of cells differ (noise removed), in units
    /// of the cell average's own contrast: 0 when the model's cell is the image's period;
    /// large when the image only repeats every second cell.
    var superstructure: Double
    /// Distance (fraction of |a1|) within which an extremum counts as the anchor's.
    var exclusion: Double

    /// Measures the motif of `fold` against `lattice`'s sites. `darkAnchor`: the anchors are
    /// minima (the default of lattice models) rather than maxima. `faintObjects`: object
    /// sites (by name) the model does not expect to show in the anchors' contrast
    /// (`MaterialModel.faintSites`, e.g. pure O columns in HAADF): left out of the object
    /// checks, still counted as model sites for `secondExtremum`.
    init(fold: ModelCellFold, lattice: LatticeModel, darkAnchor: Bool, faintObjects: Set<String> = []) {
        let bins = fold.bins
        let smooth = Self.periodicBoxBlur(fold.cell, bins: bins)
        let finite = smooth.filter(\.isFinite)
        let centre = median(finite)
        let spread = Self.standardDeviation(finite)
        let sign = darkAnchor ? 1.0 : -1.0
        // Depth of a value below (dark) or above (bright) the median.
        func depth(_ v: Double) -> Double { sign * (centre - v) }
        let anchors = lattice.sites.filter { $0.role == .anchor }
        let objects = lattice.sites.filter { $0.role == .object }

        // Anchor on the extremum.
        let anchorDepth = anchors.map { depth(fold.value(atU: $0.u, v: $0.v, of: smooth)) }.max() ?? 0
        anchorRank = Double(finite.filter { depth($0) > anchorDepth }.count) / Double(max(1, finite.count))

        // The strongest extremum of the anchor's contrast away from every anchor: a quarter
        // of the shortest distance between two anchors of neighbouring cells, at most.
        let a1 = lattice.a1, a2 = lattice.a2
        let shortest = min(a1.length, a2.length, (a1 + a2).length, (a1 - a2).length)
        exclusion = 0.25 * shortest / a1.length
        var second = 0.0
        for jv in 0..<bins {
            for ju in 0..<bins {
                let v = smooth[jv * bins + ju]
                guard v.isFinite else { continue }
                let d = depth(v)
                guard d > second, Self.isLocalExtremum(smooth, bins: bins, ju, jv, sign: sign) else { continue }
                let f = Point2((Double(ju) + 0.5) / Double(bins), (Double(jv) + 0.5) / Double(bins))
                // A feature at one of the model's object sites is one the model has (the second
                // sublattice of a honeycomb, the B column of a perovskite): not counted.
                let near = (anchors + objects).contains { Self.cellDistance(f, $0.fractional, a1: a1, a2: a2) < 0.25 * shortest }
                if !near { second = d }
            }
        }
        secondExtremum = anchorDepth > 0 ? second / anchorDepth : .infinity

        let shownObjects = objects.filter { !faintObjects.contains($0.name) }
        if shownObjects.isEmpty {
            objectsAboveMedian = nil
            objectContrast = nil
        } else {
            let values = shownObjects.map { fold.value(atU: $0.u, v: $0.v, of: smooth) }
            objectsAboveMedian = Double(values.filter { $0 > centre }.count) / Double(values.count)
            let mean = values.reduce(0, +) / Double(values.count)
            objectContrast = spread > 0 ? (mean - centre) / spread : 0
        }

        symmetry = Self.symmetryCorrelation(smooth, bins: bins, lattice: lattice, fold: fold)
        superstructure = Self.superstructure(fold)
    }

    /// Periodic 3×3 mean of a bins×bins cell (NaN bins left out).
    static func periodicBoxBlur(_ a: [Double], bins: Int) -> [Double] {
        var out = [Double](repeating: .nan, count: a.count)
        for j in 0..<bins {
            for i in 0..<bins {
                var s = 0.0, n = 0
                for dj in -1...1 {
                    for di in -1...1 {
                        let v = a[((j + dj + bins) % bins) * bins + (i + di + bins) % bins]
                        if v.isFinite { s += v; n += 1 }
                    }
                }
                if n > 0 { out[j * bins + i] = s / Double(n) }
            }
        }
        return out
    }

    static func isLocalExtremum(_ a: [Double], bins: Int, _ i: Int, _ j: Int, sign: Double) -> Bool {
        let v = a[j * bins + i]
        for dj in -1...1 {
            for di in -1...1 where di != 0 || dj != 0 {
                let w = a[((j + dj + bins) % bins) * bins + (i + di + bins) % bins]
                if w.isFinite, sign * (v - w) > 0 { return false }
            }
        }
        return true
    }

    /// Shortest model distance (model units) between fractional positions `f` and `g` over
    /// lattice translations.
    static func cellDistance(_ f: Point2, _ g: Point2, a1: Point2, a2: Point2) -> Double {
        var d = f - g
        d = Point2(d.x - d.x.rounded(), d.y - d.y.rounded())
        var best = Double.infinity
        for i in -1...1 {
            for j in -1...1 {
                let m = a1 * (d.x + Double(i)) + a2 * (d.y + Double(j))
                best = min(best, m.length)
            }
        }
        return best
    }

    static func standardDeviation(_ x: [Double]) -> Double {
        guard x.count >= 2 else { return 0 }
        let m = x.reduce(0, +) / Double(x.count)
        return (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)).squareRoot()
    }

    /// The model's point symmetries about the cell origin: integer matrices G (entries −1…1,
    /// acting on fractional coordinates) that keep the lattice metric (Gᵀ Γ G = Γ) and map every
    /// site onto a site of the same role modulo the lattice. The identity is left out.
    static func pointSymmetries(of lattice: LatticeModel) -> [(Int, Int, Int, Int)] {
        let a1 = lattice.a1, a2 = lattice.a2
        let g11 = a1.dot(a1), g12 = a1.dot(a2), g22 = a2.dot(a2)
        let tol = 1e-6 * max(g11, g22)
        var ops: [(Int, Int, Int, Int)] = []
        let r = -1...1
        for a in r { for b in r { for c in r { for d in r {
            guard a * d - b * c != 0, abs(a * d - b * c) == 1, !(a == 1 && b == 0 && c == 0 && d == 1) else { continue }
            // Columns of G are the images of the fractional unit vectors: e1 → (a, c), e2 → (b, d).
            let (fa, fb, fc, fd) = (Double(a), Double(b), Double(c), Double(d))
            // Gᵀ Γ G
            let n11 = fa * (g11 * fa + g12 * fc) + fc * (g12 * fa + g22 * fc)
            let n12 = fa * (g11 * fb + g12 * fd) + fc * (g12 * fb + g22 * fd)
            let n22 = fb * (g11 * fb + g12 * fd) + fd * (g12 * fb + g22 * fd)
            guard abs(n11 - g11) < tol, abs(n12 - g12) < tol, abs(n22 - g22) < tol else { continue }
            let maps = lattice.sites.allSatisfy { s in
                let u = fa * s.u + fb * s.v, v = fc * s.u + fd * s.v
                return lattice.sites.contains { t in
                    guard t.role == s.role else { return false }
                    let du = u - t.u, dv = v - t.v
                    return abs(du - du.rounded()) < 1e-3 && abs(dv - dv.rounded()) < 1e-3
                }
            }
            if maps { ops.append((a, b, c, d)) }
        }}}}
        return ops
    }

    /// Lowest Pearson correlation between the cell average and its image under each of the
    /// model's point symmetries (see `pointSymmetries`), over the bin centres.
    static func symmetryCorrelation(_ smooth: [Double], bins: Int, lattice: LatticeModel, fold: ModelCellFold) -> Double? {
        let ops = pointSymmetries(of: lattice)
        guard !ops.isEmpty else { return nil }
        var lowest = Double.infinity
        for (a, b, c, d) in ops {
            var x: [Double] = [], y: [Double] = []
            x.reserveCapacity(bins * bins)
            y.reserveCapacity(bins * bins)
            for jv in 0..<bins {
                for ju in 0..<bins {
                    let v0 = smooth[jv * bins + ju]
                    let u = (Double(ju) + 0.5) / Double(bins), v = (Double(jv) + 0.5) / Double(bins)
                    var gu = Double(a) * u + Double(b) * v, gv = Double(c) * u + Double(d) * v
                    gu -= gu.rounded(.down)
                    gv -= gv.rounded(.down)
                    let v1 = fold.value(atU: gu, v: gv, of: smooth)
                    if v0.isFinite, v1.isFinite { x.append(v0); y.append(v1) }
                }
            }
            lowest = min(lowest, pearson(x, y))
        }
        return lowest.isFinite ? lowest : nil
    }

    static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        guard x.count >= 3 else { return .nan }
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            sxy += (x[i] - mx) * (y[i] - my)
            sxx += (x[i] - mx) * (x[i] - mx)
            syy += (y[i] - my) * (y[i] - my)
        }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : .nan
    }

    /// RMS amplitude of the differences between the four interleaved sub-lattices of cells
    /// (the quadrants of the doubled fold), over the standard deviation of the cell average.
    ///
    /// The quadrants q₀₀, q₁₀, q₀₁, q₁₁ split into their mean and three differences —
    /// doubled along a1 (q₀₀ − q₁₀ + q₀₁ − q₁₁)/4, along a2, and centred
    /// (q₀₀ + q₁₁ − q₁₀ − q₀₁)/4. Noise and defects make these differ from zero too; their
    /// squared amplitude is therefore estimated as the product of the same difference from
    /// the upper and from the lower half of the frame, whose noise is independent: a real
    /// superstructure repeats in both halves, noise does not.
    static func superstructure(_ fold: ModelCellFold) -> Double {
        let bins = fold.bins
        let cell = fold.cell
        func differences(_ q: [[Double]], _ k: Int) -> (Double, Double, Double)? {
            let a = q[0][k], b = q[1][k], c = q[2][k], d = q[3][k]
            guard a.isFinite, b.isFinite, c.isFinite, d.isFinite else { return nil }
            return ((a - b + c - d) / 4, (a + b - c - d) / 4, (a + d - b - c) / 4)
        }
        var power = 0.0, used = 0
        for k in 0..<(bins * bins) {
            guard let t = differences(fold.halfQuadrants[0], k), let u = differences(fold.halfQuadrants[1], k) else { continue }
            power += t.0 * u.0 + t.1 * u.1 + t.2 * u.2
            used += 1
        }
        guard used >= bins * bins / 2 else { return 0 }
        let cellSD = standardDeviation(cell.filter(\.isFinite))
        guard cellSD > 0 else { return .infinity }
        return (max(0, power) / Double(used)).squareRoot() / cellSD
    }
}
