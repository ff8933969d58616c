import AnchorGeometry

/// What the user may tell the registration; everything is optional because the lattice, its
/// scale, orientation and shear are estimated from the image itself.
public struct RegistrationOptions: Sendable {
    /// Point-extraction strategy (`nil`: the model's default).
    public var extractor: ExtractorKind?
    /// The anchor lattice constant in pixels, overriding the estimate (and the file's pixel
    /// size).
    public var spacingPixels: Double?
    /// Direction of the model's first lattice vector in the image, degrees from the image x
    /// axis (clockwise on screen, since y points down), overriding the estimate.
    public var rotationDegrees: Double?
    /// Shear a_x of Eq. 1 to apply on top of the rotation and scale when `rotationDegrees` and
    /// `spacingPixels` are both given (otherwise the estimate carries its own shear).
    public var shear: Double?
    /// The robust estimator of the fine stage.
    public var estimator: HomographyEstimator
    /// Largest number of re-pairing rounds after the first fit.
    public var maxIterations: Int
    /// Per-keypoint constant k of the OKS metric (s is the lattice constant).
    public var oksK: Double
    /// Remove a plane and per-line offsets before extraction (SPM images need it).
    public var level: Bool
    /// Fraction of the model anchors in the frame that must end up as inliers (default 0.5):
    /// below it the registration throws `RegistrationError.poorFit` instead of returning a
    /// homography nobody should trust.
    public var minimumInlierFraction: Double
    /// Return the fit even when it is poor (the metrics then say how poor).
    public var allowPoorFit: Bool
    /// Move every anchor to where its neighbourhood best matches the average motif of all
    /// anchors, then refit (`AnchorMotifRefinement`; default on: it halves the scatter of the
    /// corner-hole positions on noisy frames).
    public var refineAnchors: Bool
    /// When the standard registration refuses the frame, try the tolerant path (local median
    /// levelling, lattice search by period octave, H plus scan-line offsets, several lattice
    /// domains) before giving up. Default on.
    public var tolerantFallback: Bool
    /// Let the distortion models compete (H, H + scan-line field, H + smooth field) by held-out
    /// anchor residual and use the chosen one (`DistortionSelection`). Default on; off keeps
    /// the homography alone on the standard path.
    public var selectDistortion: Bool = true
    /// Told, in a short sentence, when a long search begins: the tolerant path, and each of
    /// its period ranges (a 4096² frame takes about a second per range). nil: silent.
    public var progress: (@Sendable (String) -> Void)? = nil

    public init(extractor: ExtractorKind? = nil, spacingPixels: Double? = nil, rotationDegrees: Double? = nil,
                shear: Double? = nil, estimator: HomographyEstimator = .default, maxIterations: Int = 8,
                oksK: Double = 0.1, level: Bool = true, minimumInlierFraction: Double = 0.5,
                allowPoorFit: Bool = false, refineAnchors: Bool = true,
                tolerantFallback: Bool = true) {
        self.extractor = extractor
        self.spacingPixels = spacingPixels
        self.rotationDegrees = rotationDegrees
        self.shear = shear
        self.estimator = estimator
        self.maxIterations = maxIterations
        self.oksK = oksK
        self.level = level
        self.minimumInlierFraction = minimumInlierFraction
        self.allowPoorFit = allowPoorFit
        self.refineAnchors = refineAnchors
        self.tolerantFallback = tolerantFallback
    }
}

/// The point-extraction strategies (the paper's P_e detection, Fig. 1a).
public enum ExtractorKind: String, Sendable, Codable, CaseIterable {
    /// The paper's: difference-of-Gaussians keypoints kept where the image is darker than its
    /// mean.
    case darkKeypoints = "dark-keypoints"
    /// Laplacian-of-Gaussian blobs of the anchors' polarity, sub-pixel.
    case blobs
    /// Blur, Otsu threshold, contour and quadrilateral fit (device images).
    case rectangle
}

/// Why a registration failed.
public enum RegistrationError: Error, Sendable, CustomStringConvertible {
    case unsupportedModel(String)
    case noLattice(String)
    case tooFewAnchors(found: Int, needed: Int)
    case fitFailed(String)
    case noMatch(String)
    case poorFit(inliers: Int, anchorsInView: Int, minimumFraction: Double)
    case invalidParameter(name: String, reason: String)

    public var description: String {
        switch self {
        case .unsupportedModel(let s): return "model not usable here: \(s)"
        case .noLattice(let s): return "could not find the model's lattice in the image: \(s)"
        case .tooFewAnchors(let f, let n): return "only \(f) anchors could be paired with the model; at least \(n) are needed"
        case .fitFailed(let s): return "the homography fit failed: \(s)"
        case .noMatch(let s): return "the frames could not be matched: \(s)"
        case .poorFit(let inliers, let inView, let f):
            return "only \(inliers) of the \(inView) model anchors in the frame fit one homography (at least \(Int(f * 100)) % must): "
                + "the image does not show this model, or its distortion is beyond a homography (pass --allow-poor-fit to see the fit anyway)"
        case .invalidParameter(let n, let r): return "invalid parameter \(n): \(r)"
        }
    }
}
