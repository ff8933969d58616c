/// Least median of squares (Rousseeuw 1984) — the robust regression the paper uses.
///
/// Each hypothesis from a minimal sample is scored by the median of the squared reprojection
/// errors over all n correspondences (the order statistic k = max(4, ⌊n/2⌋ + 1), 0-based, of
/// Rousseeuw & Leroy's maximal-breakdown LMS); the smallest median wins. It identifies up to
/// n − k − 1 outliers (1 of 6, 2 of 7, 23 of 50). Inliers are those within 4.29 σ̂ (√ of the
/// χ²₂ 0.9999 quantile), σ̂ from an order statistic of the residuals outside the winning sample
/// (see `search`), unless a threshold is given; the finishing stage then re-estimates σ̂ from
/// each least-squares refit.
///
/// Iterations: LMedS tolerates up to 50 % outliers, so it draws enough samples to meet one
/// clean sample at that contamination with the asked confidence (107 for 0.999), or
/// enumerates all C(n, 4) quadruples when that is fewer (n ≤ 8). A hypothesis is abandoned as
/// soon as more than n − k − 1 of its errors exceed the best median so far, so most
/// hypotheses cost far less than n evaluations and no sorting.
enum LMedSEstimator {
    struct Search {
        var hypothesis: Homography
        /// The winning order statistic (the LMS criterion), squared normalised units.
        var medianSquared: Double
        /// Noise scale σ̂² (per coordinate, squared normalised units) from the residuals outside
        /// the winning sample (the sample's own residuals are zero by construction).
        var sigmaSquared: Double
        var iterations: Int
    }

    /// keepFactor · σ̂ in normalised units: the data-driven inlier threshold (≈ 4.3 σ̂).
    static func threshold(_ s: Search) -> Double {
        max(RobustSampling.keepFactor * s.sigmaSquared.squareRoot(), RobustSampling.thresholdFloor)
    }

    static func fit(model: [Point2], image: [Point2], data: NormalizedCorrespondences,
                    options: RobustEstimationOptions) throws -> HomographyFit {
        let s = try search(data, options: options)
        let tau = options.threshold.map { $0 * data.imageNormalization.scale }
            ?? threshold(s)
        return try RobustSampling.finish(s.hypothesis, data: data, model: model, image: image,
                                         threshold: tau, refine: options.refine, iterations: s.iterations,
                                         rescale: options.threshold == nil)
    }

    /// The hypothesis with the least median squared error (normalised coordinates).
    static func search(_ data: NormalizedCorrespondences, options: RobustEstimationOptions) throws -> Search {
        let n = data.count
        // The order statistic h = ⌊n/2⌋ + ⌊(p + 1)/2⌋ of Rousseeuw & Leroy with p = 4 sample
        // points (0-based k = ⌊n/2⌋ + 1), never below 4: the four sample points fit exactly,
        // so any k < 4 would score every hypothesis 0. OpenCV's plain ⌊n/2⌋ does that for
        // n ≤ 7 and, for small sets, gives a median (hence a threshold) far too small.
        let k = min(max(4, n / 2 + 1), n - 1)
        let planned = RobustSampling.requiredIterations(inlierRatio: 0.5, confidence: options.confidence, cap: options.maxIterations)
        let exhaustive = binomial4(n) <= Double(planned)
        var best = Homography.identity, bestMedian = Double.infinity, found = false
        var bestSample = (0, 1, 2, 3)
        var iterations = 0
        var errors = [Double](repeating: 0, count: n)
        var rng = SeededGenerator(seed: options.seed)
        data.xy.withUnsafeBufferPointer { xyb in
            errors.withUnsafeMutableBufferPointer { eb in
                let xy = xyb.baseAddress!, e = eb.baseAddress!
                let allowedBad = n - k - 1
                func consider(_ a: Int, _ b: Int, _ c: Int, _ d: Int) {
                    iterations += 1
                    guard MinimalSolver.sampleIsUsable(xy, a, b, c, d) else { return }
                    let h = MinimalSolver.solve(xy, a, b, c, d)
                    var bad = 0
                    for i in 0..<n {
                        let err = h.squaredError(xy[4 * i], xy[4 * i + 1], xy[4 * i + 2], xy[4 * i + 3])
                        e[i] = err
                        if err >= bestMedian { bad += 1; if bad > allowedBad { return } }
                    }
                    let med = OrderStatistics.select(in: UnsafeMutableBufferPointer(start: e, count: n), rank: k)
                    if med < bestMedian { bestMedian = med; best = h; bestSample = (a, b, c, d); found = true }
                }
                if exhaustive {
                    for a in 0..<n { for b in (a + 1)..<n { for c in (b + 1)..<n { for d in (c + 1)..<n { consider(a, b, c, d) } } } }
                } else {
                    while iterations < planned {
                        let (a, b, c, d) = RobustSampling.draw(n, &rng)
                        consider(a, b, c, d)
                    }
                }
            }
        }
        guard found else {
            throw GeometryError.degenerateConfiguration(
                reason: "none of \(iterations) samples of four correspondences was in general position (no three collinear, consistent orientation)")
        }
        // Scale: the j-th smallest of the m = n − 4 residuals outside the sample, j = ⌊(m − 1)/2⌋
        // (their lower median), divided by the χ²₂ quantile that order statistic estimates,
        // −2 ln(1 − (j + 1)/(m + 1)) — for large n the familiar median / (2 ln 2). Not the LMS
        // criterion itself: as the minimum over all hypotheses it is biased low, and for small n
        // (n = 9: the 2nd smallest of 5) it would set a threshold that throws good points away.
        // The price: for n < 10 the scale tolerates ⌊(n − 5)/2⌋ outliers rather than n − k − 1.
        // An exact fit (LMS criterion at rounding level) needs no scale at all.
        var others: [Double] = []
        others.reserveCapacity(n - 4)
        data.xy.withUnsafeBufferPointer { xyb in
            let xy = xyb.baseAddress!
            for i in 0..<n where i != bestSample.0 && i != bestSample.1 && i != bestSample.2 && i != bestSample.3 {
                others.append(best.squaredError(xy[4 * i], xy[4 * i + 1], xy[4 * i + 2], xy[4 * i + 3]))
            }
        }
        let m = others.count
        let j = (m - 1) / 2
        let ej = others.withUnsafeMutableBufferPointer { OrderStatistics.select(in: $0, rank: j) }
        let quantile = -2 * RobustSampling.log(1 - Double(j + 1) / Double(m + 1))
        let exact = bestMedian <= RobustSampling.thresholdFloor * RobustSampling.thresholdFloor
        let sigma2 = exact ? 0 : ej / quantile
        return Search(hypothesis: best, medianSquared: bestMedian, sigmaSquared: sigma2, iterations: iterations)
    }

    static func binomial4(_ n: Int) -> Double {
        let m = Double(n)
        return m * (m - 1) * (m - 2) * (m - 3) / 24
    }
}
