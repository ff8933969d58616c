/// A hypothesis score for the consensus-type estimators (RANSAC, MSAC, MAGSAC++): lower is
/// better. `evaluate` may give up (return nil) as soon as the partial cost reaches `bound`.
protocol HypothesisScore {
    func evaluate(_ h: Homography, xy: UnsafePointer<Double>, count n: Int, bound: Double) -> (cost: Double, inliers: Int)?
}

/// The sampling loop shared by RANSAC, MSAC and MAGSAC++: seeded minimal samples, degenerate
/// samples skipped, the iteration budget adapted to the best inlier ratio so far.
enum ConsensusSampler {
    struct Result {
        var hypothesis: Homography
        var cost: Double
        var inliers: Int
        var iterations: Int
    }

    static func run<S: HypothesisScore>(_ data: NormalizedCorrespondences, options: RobustEstimationOptions, score: S) throws -> Result {
        let n = data.count
        var rng = SeededGenerator(seed: options.seed)
        var best = Homography.identity, bestCost = Double.infinity, bestInliers = 0, found = false
        var budget = options.maxIterations
        var iterations = 0
        data.xy.withUnsafeBufferPointer { xyb in
            let xy = xyb.baseAddress!
            while iterations < budget {
                iterations += 1
                let (a, b, c, d) = RobustSampling.draw(n, &rng)
                guard MinimalSolver.sampleIsUsable(xy, a, b, c, d) else { continue }
                let h = MinimalSolver.solve(xy, a, b, c, d)
                guard let s = score.evaluate(h, xy: xy, count: n, bound: bestCost), s.cost < bestCost else { continue }
                best = h; bestCost = s.cost; bestInliers = s.inliers; found = true
                budget = min(options.maxIterations, max(iterations,
                    RobustSampling.requiredIterations(inlierRatio: Double(s.inliers) / Double(n),
                                                      confidence: options.confidence, cap: options.maxIterations)))
            }
        }
        guard found else {
            throw GeometryError.degenerateConfiguration(
                reason: "none of \(iterations) samples of four correspondences was in general position (no three collinear, consistent orientation)")
        }
        return Result(hypothesis: best, cost: bestCost, inliers: bestInliers, iterations: iterations)
    }

    /// The inlier threshold in normalised units: the given one, or 4.29 σ̂ from an LMedS search
    /// (the data-driven rule documented on `RobustEstimationOptions.threshold`).
    static func threshold(_ data: NormalizedCorrespondences, options: RobustEstimationOptions) throws -> (value: Double, iterations: Int) {
        if let t = options.threshold { return (t * data.imageNormalization.scale, 0) }
        let s = try LMedSEstimator.search(data, options: options)
        return (LMedSEstimator.threshold(s), s.iterations)
    }
}
