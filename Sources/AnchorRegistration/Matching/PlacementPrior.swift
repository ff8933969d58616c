import AnchorGeometry

/// What an experiment tells the matcher about how the model sits in the image before any
/// point is paired: ranges for the linear part of the paper's Eq. 1 (scale, rotation, shear).
/// The translation is never part of the prior; the rough matcher searches it.
///
/// Scale is in image units per model unit (pixels per nm for an STM frame; 1 when model and
/// image share a unit). Rotation is in degrees, counter-clockwise in an x-right, y-up frame
/// (clockwise on screen, since image y points down) — the sense of `Homography.rotation`.
/// Shear is the dimensionless a of Eq. 1's shear matrix [[1, a], [0, 1]].
///
/// The defaults describe an instrument whose scale is known to ±30 % but whose orientation
/// is unknown (rotation 0 ± 180°), with up to 0.2 shear (thermal drift in room-temperature
/// SPM). Narrowing the ranges makes the search faster and less ambiguous.
public struct PlacementPrior: Sendable, Hashable, Codable {
    /// Expected rotation θ0 in degrees.
    public var rotationDegrees: Double
    /// Half-width Δθ of the rotation range in degrees; 180 means any orientation.
    public var rotationToleranceDegrees: Double
    /// Expected scale s0 (image units per model unit), applied to both axes.
    public var scale: Double
    /// Relative half-width Δs of the scale range: each axis's scale lies in s0·[1 − Δs, 1 + Δs]
    /// independently (so aspect-ratio errors up to that much are covered).
    public var scaleTolerance: Double
    /// Expected shear a0.
    public var shear: Double
    /// Half-width of the shear range.
    public var shearTolerance: Double

    public init(
        rotationDegrees: Double = 0, rotationToleranceDegrees: Double = 180,
        scale: Double = 1, scaleTolerance: Double = 0.3,
        shear: Double = 0, shearTolerance: Double = 0.2
    ) {
        self.rotationDegrees = rotationDegrees
        self.rotationToleranceDegrees = rotationToleranceDegrees
        self.scale = scale
        self.scaleTolerance = scaleTolerance
        self.shear = shear
        self.shearTolerance = shearTolerance
    }

    /// Checks every field; the message names the offending one.
    /// - Throws: `MatchingError.invalidPrior`.
    public func validate() throws {
        func fail(_ s: String) -> MatchingError { .invalidPrior(reason: s) }
        guard rotationDegrees.isFinite else { throw fail("rotation must be finite, got \(rotationDegrees)") }
        guard rotationToleranceDegrees.isFinite, rotationToleranceDegrees >= 0 else {
            throw fail("rotation tolerance must be ≥ 0 degrees, got \(rotationToleranceDegrees)")
        }
        guard scale.isFinite, scale > 0 else { throw fail("scale must be positive, got \(scale)") }
        guard scaleTolerance.isFinite, scaleTolerance >= 0, scaleTolerance < 1 else {
            throw fail("scale tolerance must lie in [0, 1), got \(scaleTolerance)")
        }
        guard shear.isFinite, shearTolerance.isFinite, shearTolerance >= 0 else {
            throw fail("shear and shear tolerance must be finite (tolerance ≥ 0), got \(shear) ± \(shearTolerance)")
        }
    }
}
