/// Least median of squares (Rousseeuw 1984) — the robust regression the paper uses.
///
/// Each hypothesis from a minimal sample is scored by the median of the squared reprojection
/// errors over all n correspondences (the ⌊n/2⌋-th order statistic, as OpenCV); the smallest
/// median wins. Inliers are those within 2.5 σ̂ with σ̂ = 1.4826·(1 + 5/(n − 4))·√median,
/// unless a threshold is given.
///
/// Iterations: LMedS tolerates up to 50 % outliers, so it draws enough samples to meet one
/// clean sample at that contamination with the asked confidence (107 for 0.999), or
/// enumerates all C(n, 4) quadruples when that is fewer (n ≤ 9). A hypothesis is abandoned as
/// soon as more than n − ⌊n/2⌋ − 1 of its errors exceed the best median so far, so most
/// hypotheses cost far less than n evaluations and no sorting.
enum LMedSEstimator {
    struct Search {
        var hypothesis: Homography
        var medianSquared: Double
        var iterations: Int
    }

    static func fit(model: [Point2], image: [Point2], data: NormalizedCorrespondences,
                    options: RobustEstimationOptions) throws -> HomographyFit {
        let s = try search(data, options: options)
        let tau = options.threshold.map { $0 * data.imageNormalization.scale }
            ?? 2.5 * RobustSampling.lmedsScale(medianSquared: s.medianSquared, count: data.count)
        return try RobustSampling.finish(s.hypothesis, data: data, model: model, image: image,
                                         threshold: tau, refine: options.refine, iterations: s.iterations)
    }

    /// The hypothesis with the least median squared error (normalised coordinates).
    static func search(_ data: NormalizedCorrespondences, options: RobustEstimationOptions) throws -> Search {
        let n = data.count
        let k = n / 2
        let planned = RobustSampling.requiredIterations(inlierRatio: 0.5, confidence: options.confidence, cap: options.maxIterations)
        let exhaustive = binomial4(n) <= Double(planned)
        var best = Homography.identity, bestMedian = Double.infinity, found = false
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
                    let med = RobustSampling.select(e, n, k)
                    if med < bestMedian { bestMedian = med; best = h; found = true }
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
        return Search(hypothesis: best, medianSquared: bestMedian, iterations: iterations)
    }

    static func binomial4(_ n: Int) -> Double {
        let m = Double(n)
        return m * (m - 1) * (m - 2) * (m - 3) / 24
    }
}
