/// MSAC (Torr & Zisserman 2000): RANSAC with the truncated quadratic cost Σ min(e², τ²), so
/// among hypotheses with similar support the tighter fit wins.
enum MSACEstimator {
    struct Score: HypothesisScore {
        let t2: Double
        func evaluate(_ h: Homography, xy: UnsafePointer<Double>, count n: Int, bound: Double) -> (cost: Double, inliers: Int)? {
            var cost = 0.0, inliers = 0
            let limit = bound * t2
            for i in 0..<n {
                let e = h.squaredError(xy[4 * i], xy[4 * i + 1], xy[4 * i + 2], xy[4 * i + 3])
                if e <= t2 { cost += e; inliers += 1 } else { cost += t2 }
                if cost >= limit { return nil }
            }
            return (cost / t2, inliers)
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
