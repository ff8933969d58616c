/// RANSAC (Fischler & Bolles 1981): the hypothesis with the most correspondences within the
/// threshold τ; ties go to the smaller sum of squared inlier errors.
enum RANSACEstimator {
    struct Score: HypothesisScore {
        let t2: Double
        func evaluate(_ h: Homography, xy: UnsafePointer<Double>, count n: Int, bound: Double) -> (cost: Double, inliers: Int)? {
            // cost = outliers + Σ_inliers e/τ² / (n + 1): the count dominates, the fit breaks ties.
            var outliers = 0, fit = 0.0
            let maxOutliers = bound.isFinite ? Int(bound) : n
            for i in 0..<n {
                let e = h.squaredError(xy[4 * i], xy[4 * i + 1], xy[4 * i + 2], xy[4 * i + 3])
                if e <= t2 { fit += e } else { outliers += 1; if outliers > maxOutliers { return nil } }
            }
            return (Double(outliers) + fit / t2 / Double(n + 1), n - outliers)
        }
    }

    static func fit(model: [Point2], image: [Point2], data: NormalizedCorrespondences,
                    options: RobustEstimationOptions) throws -> HomographyFit {
        let (tau, pre) = try ConsensusSampler.threshold(data, options: options)
        let r = try ConsensusSampler.run(data, options: options, score: Score(t2: tau * tau))
        return try RobustSampling.finish(r.hypothesis, data: data, model: model, image: image,
                                         threshold: tau, refine: options.refine, iterations: pre + r.iterations,
                                         rescale: options.threshold == nil)
    }
}
