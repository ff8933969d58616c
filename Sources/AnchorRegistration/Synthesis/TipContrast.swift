/// How the tip images the surface in one synthetic frame: apparent heights, blur and the
/// instrument's gain and offset. Two frames of a pair differ in these (the paper's Fig. 6d:
/// "the same scanning area … acquired under different tip conditions").
///
/// Heights are relative to a corner adatom of the unfaulted half (1) before `heightScale`.
public struct TipContrast: Sendable, Hashable, Codable {
    /// Apparent height of a centre adatom relative to a corner adatom (< 1: corner adatoms
    /// brighter, as commonly reported in filled states).
    public var centreToCorner: Double
    /// Apparent height of faulted-half adatoms relative to unfaulted ones (> 1 in filled
    /// states: the faulted half is brighter).
    public var faultedToUnfaulted: Double
    /// Depth of a corner hole (positive number; the hole is a dip of this size).
    public var cornerHoleDepth: Double
    /// Dip left where an adatom is missing (0: flat).
    public var vacancyDepth: Double
    /// Partial inversion of the adatom contrast, 0…1: heights h become
    /// (1 − k)·h + k·(h_max + h_min − h), so at 1 centre adatoms are brightest.
    public var adatomInversion: Double
    /// Gaussian σ of one adatom's apparent shape before tip blur, nm.
    public var adatomSigma: Double
    /// Gaussian σ of a corner hole before tip blur, nm.
    public var cornerHoleSigma: Double
    /// Gaussian σ of the tip blur, nm (convolved analytically with every feature).
    public var blurSigma: Double
    /// Height of a unit feature in the output, nm.
    public var heightScale: Double
    /// Constant added to the output (nm).
    public var offset: Double

    public init(centreToCorner: Double = 0.8, faultedToUnfaulted: Double = 1.15,
                cornerHoleDepth: Double = 1.2, vacancyDepth: Double = 0.15,
                adatomInversion: Double = 0, adatomSigma: Double = 0.17,
                cornerHoleSigma: Double = 0.3, blurSigma: Double = 0.08,
                heightScale: Double = 0.08, offset: Double = 0) {
        self.centreToCorner = centreToCorner
        self.faultedToUnfaulted = faultedToUnfaulted
        self.cornerHoleDepth = cornerHoleDepth
        self.vacancyDepth = vacancyDepth
        self.adatomInversion = adatomInversion
        self.adatomSigma = adatomSigma
        self.cornerHoleSigma = cornerHoleSigma
        self.blurSigma = blurSigma
        self.heightScale = heightScale
        self.offset = offset
    }

    /// The default filled-state contrast.
    public static let filledStates = TipContrast()

    enum CodingKeys: String, CodingKey {
        case centreToCorner = "centre_to_corner", faultedToUnfaulted = "faulted_to_unfaulted"
        case cornerHoleDepth = "corner_hole_depth", vacancyDepth = "vacancy_depth"
        case adatomInversion = "adatom_inversion", adatomSigma = "adatom_sigma_nm"
        case cornerHoleSigma = "corner_hole_sigma_nm", blurSigma = "blur_sigma_nm"
        case heightScale = "height_scale_nm", offset = "offset_nm"
    }
}
