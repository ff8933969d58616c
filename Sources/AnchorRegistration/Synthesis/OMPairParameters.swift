import AnchorGeometry

/// Parameters of a synthetic optical-microscope photograph pair of a four-terminal square
/// device (issue 5, the paper's Fig. 4). Lengths of the device in µm; image sizes in pixels;
/// intensities as fractions of the 0…255 range.
public struct OMPairParameters: Sendable, Hashable, Codable {
    public var seed: UInt64
    public var width: Int
    public var height: Int
    /// Side of the active square, µm (the model is `device4:side`).
    public var side: Double
    /// Dark (reduced, Ti³⁺) fraction of the active area in the first photograph, 0…1.
    public var darkFractionBefore: Double
    /// Change of the dark fraction from the first to the second photograph, in fraction
    /// units (−0.0304 = 3.04 percentage points less dark area).
    public var darkFractionChange: Double
    /// Scale of the square in the image as a fraction of min(width, height) per side:
    /// drawn uniformly from this range for each frame.
    public var squareSizeRange: ClosedRange<Double>
    /// Camera rotation range, degrees (each frame draws its own). Keep within ±45° so that
    /// the four-fold symmetric square is not ambiguous about which electrode is T1.
    public var maxRotationDegrees: Double
    /// Perspective: relative scale change across the device, up to this value.
    public var maxPerspective: Double
    /// Illumination gradient: relative brightness change from the image centre to a corner.
    public var illuminationGradient: Double
    /// White noise σ per channel (fraction of 255).
    public var noise: Double
    /// Optical blur σ, pixels.
    public var blurSigma: Double
    /// How much darker a fully dark (reduced) part of the layer is than the light layer,
    /// 0…1 (0.4: 40 % less light, brownish).
    public var darkContrast: Double
    /// Samples per side of the grid over the active area on which the dark pattern is
    /// defined (bilinearly interpolated for rendering) and the true fractions are measured.
    public var truthGridSize: Int

    public init(seed: UInt64, width: Int = 1024, height: Int = 768, side: Double = 40,
                darkFractionBefore: Double = 0.3, darkFractionChange: Double = -0.0304,
                squareSizeRange: ClosedRange<Double> = 0.28...0.38, maxRotationDegrees: Double = 30,
                maxPerspective: Double = 0.04, illuminationGradient: Double = 0.2, noise: Double = 0.02,
                blurSigma: Double = 0.8, darkContrast: Double = 0.4, truthGridSize: Int = 512) {
        self.seed = seed
        self.width = width
        self.height = height
        self.side = side
        self.darkFractionBefore = darkFractionBefore
        self.darkFractionChange = darkFractionChange
        self.squareSizeRange = squareSizeRange
        self.maxRotationDegrees = maxRotationDegrees
        self.maxPerspective = maxPerspective
        self.illuminationGradient = illuminationGradient
        self.noise = noise
        self.blurSigma = blurSigma
        self.darkContrast = darkContrast
        self.truthGridSize = truthGridSize
    }

    /// Checks every range.
    /// - Throws: `SynthesisError.invalidParameter` naming the first bad value.
    public func validate() throws {
        func bad(_ n: String, _ r: String) -> SynthesisError { .invalidParameter(name: n, reason: r) }
        guard (64...8192).contains(width), (64...8192).contains(height) else {
            throw bad("size", "\(width)×\(height); each side 64…8192 px")
        }
        guard side.isFinite, side > 0, side <= 1e6 else { throw bad("side", "\(side) µm; must be positive and at most 1e6 µm (1 m)") }
        guard darkFractionBefore.isFinite, (0.02...0.98).contains(darkFractionBefore) else {
            throw bad("dark fraction", "\(darkFractionBefore); use 0.02…0.98")
        }
        let after = darkFractionBefore + darkFractionChange
        guard darkFractionChange.isFinite, (0.02...0.98).contains(after) else {
            throw bad("dark fraction change", "\(darkFractionChange) gives \(after) after; keep it within 0.02…0.98")
        }
        guard squareSizeRange.lowerBound > 0.05, squareSizeRange.upperBound <= 0.4 else {
            throw bad("square size", "\(squareSizeRange); the device (2.2 × the square) must fit: use 0.05…0.4")
        }
        guard maxRotationDegrees.isFinite, (0...180).contains(maxRotationDegrees) else {
            throw bad("rotation", "\(maxRotationDegrees)°; use 0…180")
        }
        guard maxPerspective.isFinite, (0...0.2).contains(maxPerspective) else {
            throw bad("perspective", "\(maxPerspective); use 0…0.2")
        }
        guard illuminationGradient.isFinite, (0...0.8).contains(illuminationGradient) else {
            throw bad("illumination gradient", "\(illuminationGradient); use 0…0.8")
        }
        guard noise.isFinite, noise >= 0, noise < 1 else { throw bad("noise", "\(noise); use 0…1") }
        guard darkContrast.isFinite, (0.05...0.75).contains(darkContrast) else {
            throw bad("dark contrast", "\(darkContrast); use 0.05…0.75")
        }
        guard (32...4096).contains(truthGridSize) else { throw bad("truth grid", "\(truthGridSize); use 32…4096") }
        guard blurSigma.isFinite, blurSigma >= 0, blurSigma < 20 else { throw bad("blur", "\(blurSigma) px; use 0…20") }
    }

    enum CodingKeys: String, CodingKey {
        case seed, width, height, side = "side_um", darkFractionBefore = "dark_fraction_before"
        case darkFractionChange = "dark_fraction_change", squareSizeRange = "square_size_range"
        case maxRotationDegrees = "max_rotation_deg", maxPerspective = "max_perspective"
        case illuminationGradient = "illumination_gradient", noise, blurSigma = "blur_sigma_px"
        case truthGridSize = "truth_grid_size", darkContrast = "dark_contrast"
    }
}
