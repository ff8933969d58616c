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
    /// drawn uniformly from this range for each frame. Above 0.4 the electrodes run out of
    /// the frame.
    public var squareSizeRange: ClosedRange<Double>
    /// Film tone, electrode ends, grey or colour.
    public var look: OMPairLook
    /// Camera rotation range, degrees (each frame draws its own). Keep within ±45° so that
    /// the four-fold symmetric square is not ambiguous about which electrode is T1.
    public var maxRotationDegrees: Double
    /// Perspective: relative scale change across the device, up to this value.
    public var maxPerspective: Double
    /// Illumination gradient: relative brightness change from the image centre to a corner.
    public var illuminationGradient: Double
    /// Vignetting: relative brightness loss at the image corners (1 − v·r², r = 1 at a corner).
    public var vignetting: Double
    /// White-balance shift: each channel's gain is drawn from 1 ± this per photograph.
    public var whiteBalance: Double
    /// JPEG quality (1…100) the photographs are compressed at, as a camera would; nil: not
    /// compressed (the pixels are the rendering's).
    public var jpegQuality: Int?
    /// White noise σ per channel (fraction of 255).
    public var noise: Double
    /// Optical (defocus) blur σ, pixels.
    public var blurSigma: Double
    /// How much darker a fully dark (reduced) part of the layer is than the light layer,
    /// 0…1 (0.4: 40 % less light, brownish).
    public var darkContrast: Double
    /// Samples per side of the grid over the active area on which the dark pattern is
    /// defined (bilinearly interpolated for rendering) and the true fractions are measured.
    public var truthGridSize: Int

    public init(seed: UInt64, width: Int = 1024, height: Int = 768, side: Double = 40,
                darkFractionBefore: Double = 0.3, darkFractionChange: Double = -0.0304,
                squareSizeRange: ClosedRange<Double> = 0.28...0.38, look: OMPairLook = OMPairLook(),
                maxRotationDegrees: Double = 30,
                maxPerspective: Double = 0.04, illuminationGradient: Double = 0.2, vignetting: Double = 0.1,
                whiteBalance: Double = 0, jpegQuality: Int? = nil, noise: Double = 0.02,
                blurSigma: Double = 0.8, darkContrast: Double = 0.4, truthGridSize: Int = 512) {
        self.seed = seed
        self.width = width
        self.height = height
        self.side = side
        self.darkFractionBefore = darkFractionBefore
        self.darkFractionChange = darkFractionChange
        self.squareSizeRange = squareSizeRange
        self.look = look
        self.maxRotationDegrees = maxRotationDegrees
        self.maxPerspective = maxPerspective
        self.illuminationGradient = illuminationGradient
        self.vignetting = vignetting
        self.whiteBalance = whiteBalance
        self.jpegQuality = jpegQuality
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
        guard squareSizeRange.lowerBound > 0.05, squareSizeRange.upperBound <= 0.7 else {
            throw bad("square size", "\(squareSizeRange); the square must fit the frame at any rotation: use 0.05…0.7")
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
        guard vignetting.isFinite, (0...0.8).contains(vignetting) else {
            throw bad("vignetting", "\(vignetting); use 0…0.8")
        }
        guard whiteBalance.isFinite, (0...0.5).contains(whiteBalance) else {
            throw bad("white balance", "\(whiteBalance); use 0…0.5")
        }
        if let q = jpegQuality, !(1...100).contains(q) { throw bad("JPEG quality", "\(q); use 1…100") }
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
        case look, vignetting, whiteBalance = "white_balance", jpegQuality = "jpeg_quality"
        case illuminationGradient = "illumination_gradient", noise, blurSigma = "blur_sigma_px"
        case truthGridSize = "truth_grid_size", darkContrast = "dark_contrast"
    }

    /// Parameters of a random look (issue 11): film tone, electrode ends and grey/colour
    /// from `look` (random when nil), the device's bounding box (2.2 × the square with
    /// the electrodes) covering 10–60 % of the frame's area, rotation ±30°, perspective up to
    /// 5 %, illumination gradient 0–0.3, vignetting 0–0.4, white balance ±0–15 %, defocus blur
    /// σ 0.5–3 px, noise 1–3 %, JPEG at quality 70–95 for three pairs in four, dark contrast
    /// 0.3–0.5, dark fraction 0.15–0.6 before and a change of ±1–6 points.
    public static func random(seed: UInt64, width: Int = 1024, height: Int = 768, look: OMPairLook? = nil,
                              truthGridSize: Int = 512) -> OMPairParameters {
        var g = SeededGenerator(seed: seed, stream: 0x11)
        let drawn = OMPairLook(tone: OMPairLook.Tone.allCases[Int(g.uniform(0, 2.999))],
                               electrodes: OMPairLook.ElectrodeEnd.allCases[Int(g.uniform(0, 2.999))],
                               colour: g.uniform(0, 1) < 0.5)
        let area = g.uniform(0.1, 0.6)
        // (2.2 s)² = area · W · H, as a fraction of the shorter side; ±5 % between frames.
        let s = (area * Double(width * height)).squareRoot() / 2.2 / Double(min(width, height))
        let before = g.uniform(0.15, 0.6)
        let change = g.uniform(0.01, 0.06) * (g.uniform(0, 1) < 0.5 ? -1 : 1)
        let jpeg = g.uniform(0, 1) < 0.75 ? Int(g.uniform(70, 95.999)) : nil
        return OMPairParameters(
            seed: seed, width: width, height: height, darkFractionBefore: before, darkFractionChange: change,
            squareSizeRange: (0.95 * s)...(1.05 * s), look: look ?? drawn, maxRotationDegrees: 30, maxPerspective: 0.05,
            illuminationGradient: g.uniform(0, 0.3), vignetting: g.uniform(0, 0.4), whiteBalance: g.uniform(0, 0.15),
            jpegQuality: jpeg, noise: g.uniform(0.01, 0.03), blurSigma: g.uniform(0.5, 3),
            darkContrast: g.uniform(0.3, 0.5), truthGridSize: truthGridSize)
    }
}
