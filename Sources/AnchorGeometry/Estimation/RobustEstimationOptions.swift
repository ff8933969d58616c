/// Settings of a robust homography fit. The defaults suit microscopy point sets (a few to a
/// few hundred correspondences, localisation noise well under the structure's period).
public struct RobustEstimationOptions: Sendable, Equatable, Codable {
    /// Inlier threshold on the reprojection distance ‖H(model) − image‖, in image units
    /// (pixels). `nil` derives it from the data: 4.29 σ̂ (a good point with Gaussian noise σ
    /// per coordinate lies beyond 4.29 σ with probability 10⁻⁴), σ̂ first from the residuals
    /// of the best least-median hypothesis outside its sample, then re-estimated from each
    /// least-squares refit (robust median, degrees-of-freedom and small-sample corrections;
    /// the threshold only grows). See docs/estimation.md. Given thresholds are used as they
    /// are (never below 1e-8 of the image points' spread).
    public var threshold: Double?
    /// Probability that at least one all-inlier sample is drawn; sets the adaptive number of
    /// iterations. 0.999 (OpenCV's findHomography uses 0.995).
    public var confidence: Double
    /// Upper bound on sampled hypotheses (2000, OpenCV's default).
    public var maxIterations: Int
    /// Seed of the sampler: the same seed gives the same result on every platform.
    public var seed: UInt64
    /// Finish with Levenberg–Marquardt over the inliers (recommended; the paper's method
    /// corresponds to `false`).
    public var refine: Bool

    public init(threshold: Double? = nil, confidence: Double = 0.999, maxIterations: Int = 2000,
                seed: UInt64 = 0, refine: Bool = true) {
        self.threshold = threshold
        self.confidence = confidence
        self.maxIterations = maxIterations
        self.seed = seed
        self.refine = refine
    }

    /// Throws `GeometryError.invalidParameter` for a threshold ≤ 0 or non-finite, a
    /// confidence outside (0, 1), or fewer than one iteration.
    public func validate() throws {
        if let t = threshold, !(t > 0 && t.isFinite) {
            throw GeometryError.invalidParameter(name: "threshold", reason: "must be a positive finite distance in image units, got \(t)")
        }
        guard confidence > 0, confidence < 1 else {
            throw GeometryError.invalidParameter(name: "confidence", reason: "must lie strictly between 0 and 1, got \(confidence)")
        }
        guard maxIterations >= 1 else {
            throw GeometryError.invalidParameter(name: "maxIterations", reason: "must be at least 1, got \(maxIterations)")
        }
    }
}
