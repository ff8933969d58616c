import RealModule
import AnchorGeometry
import AnchorImaging

/// Two primitive lattice vectors of a periodic image, in pixels (x right, y down), found from
/// the image itself — the step that makes registration fully automatic where the paper asks
/// the user for scale, rotation and shear (its Eq. 1 parameters).
public struct LatticeEstimate: Sendable, Equatable {
    /// First primitive vector, pixels.
    public var a1: Point2
    /// Second primitive vector, pixels.
    public var a2: Point2
    /// Autocorrelation at the primitive vectors (0…1): how periodic the image is.
    public var quality: Double

    public init(a1: Point2, a2: Point2, quality: Double) {
        self.a1 = a1
        self.a2 = a2
        self.quality = quality
    }

    /// Area of one cell in pixels².
    public var cellArea: Double { abs(a1.cross(a2)) }
}

/// Errors of the automatic lattice estimate.
public enum LatticeError: Error, Equatable, Sendable, CustomStringConvertible {
    case noPeriodicity(String)
    case invalidParameter(name: String, reason: String)

    public var description: String {
        switch self {
        case .noPeriodicity(let s): return "no lattice found in the image: \(s)"
        case .invalidParameter(let n, let r): return "invalid parameter \(n): \(r)"
        }
    }
}

/// Estimates the primitive lattice vectors of an image from the peaks of its autocorrelation.
///
/// Method: the normalised autocorrelation ρ (see `Autocorrelation`) of a periodic image has
/// peaks near 1 at every lattice vector and weaker ones at the shifts that map only part of the
/// motif onto itself (e.g. the 2×2 adatom motif inside a 7×7 cell). Peaks whose height is at
/// least `relativeHeight` of the strongest are kept, the shortest two independent ones seed a
/// basis, Lagrange–Gauss reduction makes it the shortest basis, and a least-squares fit of the
/// basis to every strong peak that indexes as an integer combination refines it (far peaks
/// pin the vectors down to a small fraction of a pixel).
public enum LatticeEstimator {
    /// - Parameters:
    ///   - image: the image (levelled or not; the mean is removed).
    ///   - spacingRange: expected primitive-vector lengths in pixels, when known (from the
    ///     file's pixel size and the model's lattice constant); `nil` searches 3 px to a third
    ///     of the shorter side.
    ///   - relativeHeight: fraction of the strongest peak a lattice peak must reach (default
    ///     0.5: sub-period motif peaks of Si(111)-7×7 stay below it).
    ///   - minimumQuality: the strongest peak must reach this correlation (default 0.1; white
    ///     noise gives about 0.01).
    ///   - modelBasis: the model's lattice vectors (model units), when known: bases whose
    ///     shape (angle within 20°, length ratio within 35 %) cannot be the model's under a
    ///     plausible drift are not considered.
    /// - Throws: `LatticeError.noPeriodicity` when fewer than two independent peaks stand out.
    public static func estimate(
        _ image: Image, spacingRange: ClosedRange<Double>? = nil, relativeHeight: Double = 0.5,
        minimumQuality: Double = 0.1, modelBasis: (Point2, Point2)? = nil
    ) throws -> LatticeEstimate {
        let shortSide = min(image.width, image.height)
        let upper = spacingRange.map { min($0.upperBound, Double(shortSide) / 2.2) } ?? Double(shortSide) / 3
        let lower = max(spacingRange?.lowerBound ?? 3, 2)
        guard upper > lower else {
            throw LatticeError.invalidParameter(
                name: "spacingRange", reason: "no room for a lattice period in a \(image.width)×\(image.height) image")
        }
        // Store enough shifts to see a few multiples of the longest expected vector.
        let reach = min(Int((3.2 * upper).rounded(.up)), shortSide / 2)
        let ac = try Autocorrelation(image: image, maxShift: reach, highPassPeriod: upper)
        let all = ac.peaks(minRadius: lower * 0.8, threshold: 0.05)
        guard let top = all.first(where: { $0.shift.length <= upper * 1.2 }) else {
            throw LatticeError.noPeriodicity("the autocorrelation has no peak between \(Int(lower)) and \(Int(upper)) px")
        }
        guard top.value >= minimumQuality else {
            throw LatticeError.noPeriodicity(
                "the strongest autocorrelation peak is \(top.value), below \(minimumQuality)")
        }
        let strong = all.filter { $0.value >= relativeHeight * top.value }
        // Multiples of one strong direction (a scan streak, a step, rows of one lattice
        // direction) would fill the candidate list and hide the second direction: keep a peak
        // only when no shorter kept peak points within 8° of its direction.
        var candidates: [(shift: Point2, value: Double)] = []
        for p in strong where p.shift.length >= lower * 0.8 && p.shift.length <= upper * 1.2 {
            let parallelShorter = candidates.contains { c in
                abs(c.shift.cross(p.shift)) < 0.14 * c.shift.length * p.shift.length && c.shift.length < p.shift.length
            }
            if !parallelShorter { candidates.append(p) }
            if candidates.count == 16 { break }
        }
        guard !candidates.isEmpty else {
            throw LatticeError.noPeriodicity("no strong autocorrelation peak in the expected spacing range")
        }
        // Candidate bases: every reduced pair of strong peaks. Motif peaks (partial
        // self-overlap inside a cell, like the adatoms of Si(111)-7×7) and super-cells (two
        // true vectors combined) make wrong bases as plausible as the true one by peak height
        // alone. What decides is coherence: folding the image with the true basis averages
        // every cell onto the same pattern, so the cell average keeps the image's contrast;
        // a motif basis averages incoherently and loses it. Of the coherent bases the one with
        // the smallest cell is primitive (a super-cell is coherent too, but twice as large).
        let cand = candidates
        var bases: [(Point2, Point2)] = []
        for i in cand.indices {
            for j in cand.indices where j > i {
                let p = cand[i].shift, q = cand[j].shift
                guard abs(p.cross(q)) > 0.5 * p.length * q.length else { continue }
                let (b1, b2) = reduceBasis(p, q)
                guard b1.length >= lower * 0.8, b2.length <= upper * 1.2 * 1.01 else { continue }
                let area = abs(b1.cross(b2))
                if bases.contains(where: { abs(abs($0.0.cross($0.1)) - area) < 0.02 * area
                    && sameLattice($0, (b1, b2)) }) { continue }
                bases.append((b1, b2))
            }
        }
        // Coherence is measured on the image without structure longer than the longest
        // expected period (tilt, bow, terraces), which no lattice can explain.
        let background = try smoothBackground(image, sigma: upper / 2)
        var detail = image
        background.pixels.withUnsafeBufferPointer { bg in
            detail.pixels.withUnsafeMutableBufferPointer { d in
                for i in d.indices { d[i] -= bg[i] }
            }
        }
        let imageVariance = variance(detail)
        var scored: [(basis: (Point2, Point2), coherence: Double, area: Double)] = []
        for b in bases {
            if let (m1, m2) = modelBasis, !shapeMatches(b, m1, m2) { continue }
            let area = abs(b.0.cross(b.1))
            let bins = max(8, min(48, Int((area.squareRoot() / 2).rounded())))
            guard let avg = try? CellAverage(image: detail, a1: b.0, a2: b.1, bins: bins,
                                             step: CellAverage.samplingStep(a1: b.0, a2: b.1)) else { continue }
            scored.append((b, avg.coherentVariance / max(imageVariance, .leastNormalMagnitude), area))
        }
        let maxCoherence = scored.map(\.coherence).max() ?? 0
        let best = scored.filter { $0.coherence >= 0.7 * maxCoherence }
            .min { $0.area != $1.area ? $0.area < $1.area : $0.coherence > $1.coherence }?.basis
        guard var (b1, b2) = best else {
            throw LatticeError.noPeriodicity("no two independent autocorrelation peaks form a lattice (a line pattern, or no 2-D lattice)")
        }
        (b1, b2) = try primitive(b1, b2, image: detail, minimumLength: lower * 0.8)

        // Least-squares refinement on every strong peak that indexes cleanly.
        var sxx = [[Double]](repeating: [0, 0], count: 2)
        var rhsX = [0.0, 0.0], rhsY = [0.0, 0.0]
        let det = b1.cross(b2)
        var used = 0
        for p in strong {
            let u = p.shift.cross(b2) / det, v = b1.cross(p.shift) / det
            let iu = u.rounded(), iv = v.rounded()
            if iu == 0 && iv == 0 { continue }
            if abs(u - iu) > 0.12 || abs(v - iv) > 0.12 { continue }
            sxx[0][0] += iu * iu; sxx[0][1] += iu * iv; sxx[1][1] += iv * iv
            rhsX[0] += iu * p.shift.x; rhsX[1] += iv * p.shift.x
            rhsY[0] += iu * p.shift.y; rhsY[1] += iv * p.shift.y
            used += 1
        }
        sxx[1][0] = sxx[0][1]
        let d = sxx[0][0] * sxx[1][1] - sxx[0][1] * sxx[1][0]
        if used >= 2, abs(d) > 1e-9 {
            let ax = (sxx[1][1] * rhsX[0] - sxx[0][1] * rhsX[1]) / d
            let bx = (sxx[0][0] * rhsX[1] - sxx[1][0] * rhsX[0]) / d
            let ay = (sxx[1][1] * rhsY[0] - sxx[0][1] * rhsY[1]) / d
            let by = (sxx[0][0] * rhsY[1] - sxx[1][0] * rhsY[0]) / d
            b1 = Point2(ax, ay)
            b2 = Point2(bx, by)
        }
        let quality = min(ac.value(dx: Int(b1.x.rounded()), dy: Int(b1.y.rounded())),
                          ac.value(dx: Int(b2.x.rounded()), dy: Int(b2.y.rounded())))
        return LatticeEstimate(a1: b1, a2: b2, quality: quality)
    }

    /// The image blurred by a Gaussian of `sigma` pixels, computed on a copy binned by
    /// k = ⌊σ/4⌋ and interpolated back (bilinear): what is removed here is structure longer
    /// than the longest lattice period, which the binned blur represents to well under a
    /// percent, at about 1/k³ of the cost of the full-resolution blur.
    static func smoothBackground(_ image: Image, sigma: Double) throws -> Image {
        let k = max(1, min(Int(sigma / 4), min(image.width, image.height) / 8))
        guard k > 1 else { return try image.gaussianBlurred(sigma: sigma, truncate: 3) }
        let small = try image.binned(by: k).gaussianBlurred(sigma: sigma / Double(k), truncate: 3)
        var out = image
        let sw = small.width, sh = small.height, w = image.width
        let kk = Double(k), shift = (kk - 1) / 2
        // Bilinear weights along x are the same for every row: computed once.
        var x0s = [Int](repeating: 0, count: w), fxs = [Float](repeating: 0, count: w)
        for x in 0..<w {
            let sx = min(max((Double(x) - shift) / kk, 0), Double(sw - 1))
            let ix = min(Int(sx), max(sw - 2, 0))
            x0s[x] = ix
            fxs[x] = Float(sx - Double(ix))
        }
        small.pixels.withUnsafeBufferPointer { sp in
            out.pixels.withUnsafeMutableBufferPointer { op in
                for y in 0..<image.height {
                    let sy = min(max((Double(y) - shift) / kk, 0), Double(sh - 1))
                    let iy = min(Int(sy), max(sh - 2, 0))
                    let fy = Float(sy - Double(iy))
                    let r0 = iy * sw, r1 = min(iy + 1, sh - 1) * sw
                    for x in 0..<w {
                        let ix = x0s[x], fx = fxs[x], ix1 = min(ix + 1, sw - 1)
                        let top = sp[r0 + ix] + fx * (sp[r0 + ix1] - sp[r0 + ix])
                        let bottom = sp[r1 + ix] + fx * (sp[r1 + ix1] - sp[r1 + ix])
                        op[y * w + x] = top + fy * (bottom - top)
                    }
                }
            }
        }
        return out
    }

    /// Reduces a super-cell to the primitive cell: when the average cell is (nearly) invariant
    /// under a fractional translation t = (p/n, q/n)·[b1 b2] with n = 2 or 3 — the image repeats
    /// at t as well — t is a lattice vector and the basis shrinks. Catches √3×√3 and 2×1 super
    /// cells that the autocorrelation peaks alone can suggest.
    static func primitive(_ a: Point2, _ b: Point2, image: Image, minimumLength: Double) throws -> (Point2, Point2) {
        var (b1, b2) = (a, b)
        for _ in 0..<3 {
            let bins = 36
            // Every pixel: the fractional-translation test compares bin with bin, and a strided
            // fold leaves bins of a large super-cell empty or thin.
            guard let avg = try? CellAverage(image: image, a1: b1, a2: b2, bins: bins) else { break }
            let base = avg.values.filter(\.isFinite)
            guard base.count > bins * bins / 2 else { break }
            var best: (Point2, Double)? = nil
            for (p, q, n) in [(1, 0, 2), (0, 1, 2), (1, 1, 2), (1, 1, 3), (2, 1, 3), (1, 2, 3), (2, 2, 3)] {
                let du = p * bins / n, dv = q * bins / n
                var xs: [Double] = [], ys: [Double] = []
                for iv in 0..<bins {
                    for iu in 0..<bins {
                        let x = avg.value(iu, iv), y = avg.value(iu + du, iv + dv)
                        if x.isFinite && y.isFinite { xs.append(x); ys.append(y) }
                    }
                }
                let r = correlation(xs, ys)
                let t = b1 * (Double(p) / Double(n)) + b2 * (Double(q) / Double(n))
                if r > 0.85, t.length >= minimumLength, r > (best?.1 ?? -1) { best = (t, r) }
            }
            guard let (t, _) = best else { break }
            // The lattice spanned by b1, b2 and t: reduce the three-vector set to a basis.
            let candidates = [(t, b1), (t, b2), (t, b1 - b2)]
            var replaced = false
            for (u, v) in candidates {
                let (c1, c2) = reduceBasis(u, v)
                let area = abs(c1.cross(c2)), old = abs(b1.cross(b2))
                if area > 0.1 * old && area < 0.9 * old {
                    // (c1, c2) must contain b1 and b2.
                    let det = c1.cross(c2)
                    let ok = [b1, b2].allSatisfy { w in
                        let uu = w.cross(c2) / det, vv = c1.cross(w) / det
                        return abs(uu - uu.rounded()) < 0.05 && abs(vv - vv.rounded()) < 0.05
                    }
                    if ok {
                        (b1, b2) = (c1, c2)
                        replaced = true
                        break
                    }
                }
            }
            if !replaced { break }
        }
        return (b1, b2)
    }

    static func correlation(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        guard n > 2 else { return 0 }
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            sxy += (x[i] - mx) * (y[i] - my)
            sxx += (x[i] - mx) * (x[i] - mx)
            syy += (y[i] - my) * (y[i] - my)
        }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
    }

    /// True when some equivalent basis of `b` has the model basis's angle within 20° and
    /// its length ratio within 35 %.
    static func shapeMatches(_ b: (Point2, Point2), _ m1: Point2, _ m2: Point2) -> Bool {
        let (c1, c2) = alignBasis(LatticeEstimate(a1: b.0, a2: b.1, quality: 1), toModel: m1, m2)
        let angle = { (u: Point2, v: Point2) in Double.atan2(y: abs(u.cross(v)), x: u.dot(v)) }
        let ratio = (c2.length / c1.length) / (m2.length / m1.length)
        return abs(angle(c1, c2) - angle(m1, m2)) < 20 * .pi / 180 && abs(Double.log(ratio)) < 0.3
    }

    /// True when both vectors of `b` are integer combinations of `a` (within 5 % of a cell):
    /// the lattice of `b` lies inside that of `a` — the same lattice when the cell areas are
    /// equal.
    static func sameLattice(_ a: (Point2, Point2), _ b: (Point2, Point2)) -> Bool {
        let det = a.0.cross(a.1)
        for p in [b.0, b.1] {
            let u = p.cross(a.1) / det, v = a.0.cross(p) / det
            if abs(u - u.rounded()) > 0.05 || abs(v - v.rounded()) > 0.05 { return false }
        }
        return true
    }

    static func variance(_ image: Image) -> Double {
        var sum = 0.0, sum2 = 0.0, n = 0.0
        for v in image.pixels where v.isFinite {
            sum += Double(v)
            sum2 += Double(v) * Double(v)
            n += 1
        }
        guard n > 1 else { return 0 }
        let m = sum / n
        return max(0, sum2 / n - m * m)
    }

    /// Lagrange–Gauss reduction: the shortest basis of the lattice spanned by `u`, `v`, with
    /// |b1| ≤ |b2| and |b1·b2| ≤ |b1|²/2 (angle between 60° and 120°).
    public static func reduceBasis(_ u: Point2, _ v: Point2) -> (Point2, Point2) {
        var a = u, b = v
        if a.lengthSquared > b.lengthSquared { swap(&a, &b) }
        for _ in 0..<64 {
            let mu = (a.dot(b) / a.lengthSquared).rounded()
            b = b - a * mu
            if b.lengthSquared >= a.lengthSquared { break }
            swap(&a, &b)
        }
        return (a, b)
    }

    /// Chooses, among the equivalent bases of the image lattice `estimate`, the one whose
    /// shape best matches the model basis (`m1`, `m2`, model units): the same angle between the
    /// vectors, the same handedness, and — among the symmetric choices — the first vector
    /// closest in direction to `preferredDirection` (image x axis by default, so two frames of
    /// one surface index their cells the same way).
    ///
    /// Returns the image vectors (b1, b2) that the model vectors map to.
    public static func alignBasis(
        _ estimate: LatticeEstimate, toModel m1: Point2, _ m2: Point2,
        preferredDirection: Point2 = Point2(1, 0)
    ) -> (Point2, Point2) {
        let e1 = estimate.a1, e2 = estimate.a2
        var candidates: [Point2] = []
        for i in -2...2 {
            for j in -2...2 where i != 0 || j != 0 {
                candidates.append(e1 * Double(i) + e2 * Double(j))
            }
        }
        let modelAngle = Double.atan2(y: m1.cross(m2), x: m1.dot(m2))
        let modelRatio = m2.length / m1.length
        let shortest = min(e1.length, e2.length)
        candidates = candidates.filter { $0.length < 2.5 * shortest * max(1, modelRatio) }
        let cellArea = abs(e1.cross(e2))
        var shaped: [(c1: Point2, c2: Point2, shape: Double)] = []
        for c1 in candidates {
            for c2 in candidates {
                let cross = c1.cross(c2)
                // Must be a primitive basis with the model's handedness.
                guard abs(abs(cross) - cellArea) < 1e-6 * cellArea, (cross > 0) == (m1.cross(m2) > 0) else { continue }
                let angle = Double.atan2(y: cross, x: c1.dot(c2))
                let ratio = c2.length / c1.length
                shaped.append((c1, c2, abs(angle - modelAngle) + abs(Double.log(ratio / modelRatio))))
            }
        }
        guard let bestShape = shaped.map(\.shape).min() else { return (e1, e2) }
        // Bases equivalent under the lattice's symmetry differ in shape only by the estimate's
        // noise; among them the direction decides.
        let tied = shaped.filter { $0.shape <= bestShape + 0.1 }
        let pick = tied.max { a, b in
            a.c1.dot(preferredDirection) / a.c1.length < b.c1.dot(preferredDirection) / b.c1.length
        }!
        return (pick.c1, pick.c2)
    }
}
