/// The result of a robust homography fit.
public struct HomographyFit: Sendable, Equatable, Codable {
    /// H, model → image, scaled to m33 = 1 (unless m33 is zero).
    public var homography: Homography
    /// `inliers[i]` is true when correspondence i lies within `threshold` of its prediction.
    public var inliers: [Bool]
    /// Reprojection distance ‖H(modelᵢ) − imageᵢ‖ of every correspondence, in image units.
    public var residuals: [Double]
    /// Root-mean-square of `residuals` over the inliers, in image units.
    public var rms: Double
    /// Hypotheses drawn by the sampler, including the LMedS scale pass when RANSAC, MSAC or
    /// MAGSAC++ derive their threshold (0 for `dlt` and for exactly four points).
    public var iterations: Int
    /// The inlier threshold that was applied, in image units (given or derived from the data;
    /// 0 when none was applied: `dlt`, or exactly four points).
    public var threshold: Double

    public init(homography: Homography, inliers: [Bool], residuals: [Double], rms: Double, iterations: Int, threshold: Double) {
        self.homography = homography
        self.inliers = inliers
        self.residuals = residuals
        self.rms = rms
        self.iterations = iterations
        self.threshold = threshold
    }

    /// Number of inliers.
    public var inlierCount: Int { inliers.reduce(0) { $0 + ($1 ? 1 : 0) } }
}
