/// Building blocks shared by the sampling estimators: the seeded minimal-sample drawer, the
/// adaptive iteration count, order statistics, and the common finishing stage (inlier
/// classification, least squares + LM over the inliers, re-classification).
enum RobustSampling {
    /// Four distinct indices in 0..<n, uniformly, from the seeded generator.
    @inlinable @inline(__always)
    static func draw(_ n: Int, _ rng: inout SeededGenerator) -> (Int, Int, Int, Int) {
        let un = UInt64(n)
        @inline(__always) func pick() -> Int { Int(rng.next().multipliedFullWidth(by: un).high) }
        let a = pick()
        var b = pick(); while b == a { b = pick() }
        var c = pick(); while c == a || c == b { c = pick() }
        var d = pick(); while d == a || d == b || d == c { d = pick() }
        return (a, b, c, d)
    }

    /// Iterations needed so that, with probability `confidence`, at least one sample of four
    /// was all inliers when a fraction `inlierRatio` of the data are inliers:
    /// ⌈log(1 − confidence) / log(1 − inlierRatio⁴)⌉, clamped to [0, cap].
    static func requiredIterations(inlierRatio: Double, confidence: Double, cap: Int) -> Int {
        let w4 = pow4(min(max(inlierRatio, 0), 1))
        if w4 >= 1 { return 0 }
        if w4 <= 0 { return cap }
        let num = log(1 - confidence), den = log(1 - w4)
        guard den < 0 else { return cap }
        let k = (num / den).rounded(.up)
        return k >= Double(cap) ? cap : max(0, Int(k))
    }

    @inline(__always) static func pow4(_ x: Double) -> Double { let y = x * x; return y * y }
    @inline(__always) static func log(_ x: Double) -> Double { _log(x) }

    /// Smallest threshold (normalised units, where the image points have mean distance √2
    /// from their centroid) — keeps exactly fitting points inliers when the median is 0.
    static let thresholdFloor = 1e-8

    /// Squared errors of `h` (normalised coordinates) for every correspondence into `out`.
    static func squaredErrors(_ h: Homography, _ data: NormalizedCorrespondences, into out: UnsafeMutablePointer<Double>) {
        data.xy.withUnsafeBufferPointer { xyb in
            let xy = xyb.baseAddress!
            for i in 0..<data.count { out[i] = h.squaredError(xy[4 * i], xy[4 * i + 1], xy[4 * i + 2], xy[4 * i + 3]) }
        }
    }

    static func inlierIndices(_ h: Homography, _ data: NormalizedCorrespondences, thresholdSquared t2: Double) -> [Int] {
        data.xy.withUnsafeBufferPointer { xyb in
            let xy = xyb.baseAddress!
            var out: [Int] = []
            out.reserveCapacity(data.count)
            for i in 0..<data.count where h.squaredError(xy[4 * i], xy[4 * i + 1], xy[4 * i + 2], xy[4 * i + 3]) <= t2 {
                out.append(i)
            }
            return out
        }
    }

    /// The common finishing stage. From the best hypothesis `hn` (normalised coordinates) and
    /// the inlier threshold `threshold` (normalised units): classify inliers; when `refine`,
    /// fit DLT + LM over them and re-classify until the inlier set stops changing (at most
    /// eight rounds); then report residuals and inliers in the caller's image units.
    ///
    /// With `rescale` (the threshold was derived from the data, not given), each refit also
    /// re-estimates the noise scale and sets τ = `keepFactor`·(1 + 5/(n − 4))·σ̂. The first
    /// threshold comes from a minimal-sample hypothesis (generous: its residuals include the
    /// extrapolation error of a 4-point fit); the refit is a least-squares fit, so its
    /// residuals give an honest scale: σ̂² = median(r²) / (2 ln 2) (the median of σ²·χ²₂),
    /// inflated by 2m / (2m − 8) for the 8 parameters fitted to m points; the median over all
    /// points keeps it robust to < 50 % outliers. Rousseeuw & Leroy's small-sample factor
    /// 1 + 5/(n − 4) absorbs the scatter of a median from few points (without it 0.3 % of
    /// good points were dropped at n = 16; with it 0.006 %). Letting τ shrink to this value
    /// (rather than only grow) rejects near outliers — pairs one lattice period off — that the
    /// generous first threshold admits (measured: 87 % instead of 76 % rejected at σ = 0.15).
    static func finish(_ hn: Homography, data: NormalizedCorrespondences, model: [Point2], image: [Point2],
                       threshold: Double, refine: Bool, iterations: Int, rescale: Bool = false) throws -> HomographyFit {
        var tau = max(threshold, thresholdFloor)
        var t2 = tau * tau
        var h = hn
        var inliers = inlierIndices(h, data, thresholdSquared: t2)
        guard inliers.count >= 4 else {
            throw GeometryError.noConsensus(reason: "only \(inliers.count) of \(data.count) correspondences lie within the threshold; 4 are needed")
        }
        if refine {
            var e = rescale ? [Double](repeating: 0, count: data.count) : []
            for _ in 0..<8 {
                guard let fitted = try? Homography.normalizedLeastSquares(data, indices: inliers, polish: true) else { break }
                if rescale {
                    let med = e.withUnsafeMutableBufferPointer { eb in
                        squaredErrors(fitted, data, into: eb.baseAddress!)
                        return OrderStatistics.select(in: UnsafeMutableBufferPointer(start: eb.baseAddress!, count: data.count), rank: data.count / 2)
                    }
                    let m = Double(inliers.count)
                    let sigma2 = med / (2 * 0.6931471805599453) * (2 * m) / max(2 * m - 8, 1)
                    let smallSample = 1 + 5 / Double(max(data.count - 4, 1))
                    tau = max(keepFactor * smallSample * sigma2.squareRoot(), thresholdFloor)
                    t2 = tau * tau
                }
                let next = inlierIndices(fitted, data, thresholdSquared: t2)
                guard next.count >= 4 else { break }
                h = fitted
                if next == inliers { break }
                inliers = next
            }
        }
        let homography = try data.denormalize(h).checkedEstimate()
        let tauImage = tau / data.imageNormalization.scale
        return report(homography, model: model, image: image, threshold: tauImage, iterations: iterations)
    }

    /// √(χ²₂ quantile at 0.9999) = √(−2 ln 10⁻⁴): a point with Gaussian noise σ per
    /// coordinate lies beyond keepFactor·σ with probability 10⁻⁴, so good points are kept.
    static let keepFactor = (-2 * _log(1e-4)).squareRoot()

    /// Residuals, inlier mask and RMS of `h` on the original coordinates.
    static func report(_ h: Homography, model: [Point2], image: [Point2], threshold: Double?, iterations: Int) -> HomographyFit {
        var residuals = [Double](repeating: 0, count: model.count)
        var mask = [Bool](repeating: true, count: model.count)
        var sum = 0.0, k = 0
        for i in model.indices {
            var r = h.apply(model[i]).distance(to: image[i])
            if r.isNaN { r = .infinity }
            residuals[i] = r
            if let threshold, !(r <= threshold) { mask[i] = false; continue }
            sum += r * r; k += 1
        }
        // Every fit leaves ≥ 4 inliers in normalised coordinates; the guard only covers a
        // classification flipped by rounding at the threshold.
        let rms = k > 0 ? (sum / Double(k)).squareRoot()
            : (residuals.map { $0 * $0 }.reduce(0, +) / Double(max(residuals.count, 1))).squareRoot()
        return HomographyFit(homography: h, inliers: mask, residuals: residuals, rms: rms,
                             iterations: iterations, threshold: threshold ?? 0)
    }
}
