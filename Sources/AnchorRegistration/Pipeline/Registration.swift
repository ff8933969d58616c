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
        /// Reprojection distance ‖H(P_m) − P_e‖ in pixels (with the scan-line offsets and the
        /// domain's shift when the registration has them: the distance to `predictedImage`).
        public var residual: Double
        /// Index into `domains` of the lattice domain the anchor belongs to (`nil`: the only
        /// one, domain 0).
        public var domain: Int? = nil
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
        /// The verdict (`LatticeVerdict`).
        public var quality = 0.0
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
        /// With `scanLineOffsets`: the spread after correcting by H alone (what a plain
        /// homography would leave), to compare with `neighbourSpreadAfter`.
        public var neighbourSpreadAfterHomographyOnly: Double? = nil
        /// Model anchors the final fit places inside the frame (the denominator of the
        /// inlier-fraction test).
        public var anchorsInView: Int? = nil
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
    /// How the image was levelled before extraction (`"plane+lines"`, or
    /// `"plane+median-background+lines"` on the tolerant path, which levels every terrace).
    public var levelling: String = "plane+lines"
    /// Side (pixels) of the local median background window, when one was removed.
    public var backgroundWindow: Double? = nil
    /// Displacement of every scan line that the model adds to H (index = image row y): the
    /// line moves by `scanLineOffsets[y] + x · scanLineSlopes[y] + scanColumnProfile[x]` pixels. Drift and piezo
    /// creep move whole scan lines, which one homography cannot follow. `nil` when H alone
    /// describes the frame. See `ScanLineField`.
    public var scanLineOffsets: [Point2]? = nil
    /// Change of the scan-line displacement per pixel along the line (see `scanLineOffsets`).
    public var scanLineSlopes: [Point2]? = nil
    /// The fast-axis profile added to every line (index = image column x; no constant or
    /// linear part): the scanner's non-linearity along the line, e.g. piezo hysteresis.
    public var scanColumnProfile: [Point2]? = nil
    /// The smooth 2-D displacement field added to H when the distortion selection chose it
    /// (pixels, evaluated at H(P_m)); `nil` otherwise.
    public var smoothField: SmoothDisplacementField? = nil
    /// The distortion models that competed for this frame, each with its held-out anchor
    /// residual, and the one chosen (`nil` when no selection ran).
    public var distortion: DistortionSelection? = nil
    /// Lattice domains: regions (terraces across a step, or areas across a phase boundary)
    /// whose lattice is the same as domain 0's but shifted by a fraction of a cell. Empty or
    /// a single entry when the frame holds one domain.
    public var domains: [Domain] = []
    /// Whether the frame shows the model (`LatticeVerdict`): set by `LatticeRegistrar.register`
    /// at the end of registration; `nil` where no verdict was computed (a path called on its
    /// own, e.g. `registerTolerant`).
    public var quality: Verdict? = nil

    /// One lattice domain.
    public struct Domain: Sendable, Codable, Equatable {
        /// Shift of this domain's lattice in model units: its anchors sit at H(P_m + shift).
        public var shift: Point2
        /// The shift in fractions of the model's lattice vectors a1, a2 (each in −0.5…0.5).
        public var shiftCells: Point2
        /// Anchors paired to this domain, and how many of them fit.
        public var anchors: Int
        public var inliers: Int
        public init(shift: Point2, shiftCells: Point2, anchors: Int, inliers: Int) {
            self.shift = shift
            self.shiftCells = shiftCells
            self.anchors = anchors
            self.inliers = inliers
        }
    }

    /// The scan-line displacement at image point `p` (pixels); zero without a field.
    public func scanLineDisplacement(at p: Point2) -> Point2 {
        guard let o = scanLineOffsets, let g = scanLineSlopes else { return .zero }
        return ScanLineField.displacement(at: p, offsets: o, slopes: g, profile: scanColumnProfile ?? [])
    }

    /// The displacement the chosen distortion model adds to H at image point `p` (pixels):
    /// the scan-line field or the smooth field, zero for the homography alone.
    public func fieldDisplacement(at p: Point2) -> Point2 {
        scanLineDisplacement(at: p) + (smoothField?.displacement(at: p) ?? .zero)
    }

    /// Where the registration puts model point `m` (model units) of domain `domain` in the
    /// image (pixels): H(m + shift) plus the field displacement there (the full model).
    public func predictedImage(ofModel m: Point2, domain: Int = 0) -> Point2 {
        let shift = domain > 0 && domain < domains.count ? domains[domain].shift : .zero
        let p = homography.apply(m + shift)
        return p + fieldDisplacement(at: p)
    }

    /// The model point (model units, domain 0) the full model puts at image point `p`: the
    /// inverse of `predictedImage`, by fixed-point iteration m ← H⁻¹(p − d(H(m))) (the field
    /// is small and smooth, so a few rounds converge to far below a pixel).
    public func modelPoint(ofImage p: Point2, inverse: Homography) -> Point2 {
        var m = inverse.apply(p)
        guard scanLineOffsets != nil || smoothField != nil else { return m }
        for _ in 0..<4 { m = inverse.apply(p - fieldDisplacement(at: homography.apply(m))) }
        return m
    }

    /// H⁻¹: image pixels → model units.
    public func imageToModel() throws -> Homography { try homography.inverse() }
}
