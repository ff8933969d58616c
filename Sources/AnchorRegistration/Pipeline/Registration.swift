import AnchorGeometry

/// The outcome of registering one image to an anchor model (the paper's Fig. 1a, end to end).
///
/// Spaces: `homography` and `affine` map **model** coordinates (model units, e.g. nm) to
/// **image** pixels (centres at integers, x right, y down). `reconstructed` holds the paper's
/// P_t = H⁻¹(P_e): the detected anchors mapped back into model units, to be compared with P_m.
public struct Registration: Sendable, Codable {
    /// One anchor correspondence.
    public struct Anchor: Sendable, Codable, Equatable {
        /// The model anchor P_m (model units).
        public var model: Point2
        /// The detected anchor P_e it was paired with (image pixels).
        public var image: Point2
        /// P_t = H⁻¹(P_e) (model units).
        public var reconstructed: Point2
        /// Kept by the robust estimator.
        public var inlier: Bool
        /// Reprojection distance ‖H(P_m) − P_e‖ in pixels.
        public var residual: Double
    }

    /// Wall-clock time of each stage, milliseconds.
    public struct Timings: Sendable, Codable, Equatable {
        public var level = 0.0
        public var lattice = 0.0
        public var extract = 0.0
        public var vote = 0.0
        public var rough = 0.0
        public var fine = 0.0
        public var sites = 0.0
        public var total = 0.0
        /// CPU time of the analysing thread over `total`'s span (ms): what to compare on a
        /// busy machine.
        public var cpuTotal = 0.0
        public init() {}
    }

    /// Accuracy of P_t against P_m over the inlier anchors.
    public struct Metrics: Sendable, Codable, Equatable {
        /// Mean Euclidean distance |P_t − P_m| (model units) — the paper's MAE.
        public var mae: Double
        /// Fraction with OKS > 0.95 (s = `oksScale`, k = `oksK`).
        public var recall: Double
        /// RMS reprojection residual of the inliers (pixels).
        public var rmsPixels: Double
        public var oksScale: Double
        public var oksK: Double
        public var anchors: Int
        public var inliers: Int
        /// Standard deviation of the distances between neighbouring anchors, each divided by
        /// the mean distance (the paper's Fig. 7c): in the raw image (P_e, pixels) and after
        /// correction (P_t, model units). 0 means a perfectly regular lattice.
        public var neighbourSpreadBefore: Double
        public var neighbourSpreadAfter: Double
    }

    /// H: model units → image pixels.
    public var homography: Homography
    /// The rough placement A (paper Eq. 1) that started the fine matching: model → image.
    public var affine: Homography
    public var anchors: [Anchor]
    public var metrics: Metrics
    /// Model units per image pixel along the image x and y axes at the image centre, as
    /// measured by H (what the lattice says the calibration is).
    public var pixelSize: [Double]
    /// The model's unit (e.g. "nm").
    public var unit: String
    /// Name of the point-extraction strategy used.
    public var extractor: String
    /// Number of points the extractor found, and how many survived the vote filter.
    public var detectedPoints: Int
    public var filteredPoints: Int
    /// The extractor's points and those the vote filter kept (image pixels), for overlays.
    public var detected: [Point2]
    public var filtered: [Point2]
    /// Re-pairing rounds until the pairs stopped changing.
    public var iterations: Int
    public var timings: Timings

    /// H⁻¹: image pixels → model units.
    public func imageToModel() throws -> Homography { try homography.inverse() }
}
