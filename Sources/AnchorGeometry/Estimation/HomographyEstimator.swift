/// The estimators `Homography.estimateRobust(from:to:using:options:)` offers.
///
/// All but `dlt` draw minimal samples of four correspondences (deterministically, from
/// `RobustEstimationOptions.seed`), score the hypotheses, and — the step the paper lacks —
/// finish with a Levenberg–Marquardt minimisation of the reprojection error over the inliers,
/// re-classifying inliers until the set is stable.
public enum HomographyEstimator: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    /// Normalised DLT on all correspondences (plus LM polish when `refine`); no outlier
    /// rejection: every correspondence is an inlier and `options.threshold` is ignored. The
    /// least-squares optimum when there are no outliers.
    case dlt
    /// Least median of squares (Rousseeuw 1984), the paper's choice: the hypothesis with the
    /// smallest order statistic k = max(4, ⌊n/2⌋ + 1) of the squared residuals; inliers within
    /// 4.29 σ̂ of a robust scale estimate. Needs no threshold and tolerates up to ~50 % outliers
    /// (n − k − 1 of n).
    case lmeds
    /// RANSAC (Fischler & Bolles 1981): the hypothesis with the most inliers within the threshold.
    case ransac
    /// MSAC (Torr & Zisserman 2000): the hypothesis minimising Σ min(r², τ²), which prefers
    /// tighter fits among hypotheses with equally many inliers.
    case msac
    /// MAGSAC++ (Barath et al., CVPR 2020): hypotheses scored by the σ-marginalised loss and
    /// polished by σ-consensus++ iteratively reweighted least squares, so the result depends
    /// little on the exact threshold (which only bounds the noise scale, σ_max = τ / 3.03).
    case magsac

    /// The default: `lmeds` — threshold-free, robust to 50 % outliers, and (with LM over its
    /// inliers) as accurate as least squares when there are none. See docs/estimation.md.
    public static let `default`: HomographyEstimator = .lmeds

    public var description: String { rawValue }
}
