import AnchorGeometry

/// Everything that defines one synthetic Si(111)-(7×7) STM frame. Lengths in nm, angles
/// in degrees, noise in units of a corner adatom's apparent height (before `heightScale`).
public struct Si7x7SceneParameters: Sendable, Hashable, Codable {
    /// Seed of the surface (defects, which half is faulted) and of the noise.
    public var seed: UInt64
    /// Frame number on this surface: frames of one seed share the surface (defects, faulted
    /// half) and differ in noise, which is drawn from stream `frame` of the seed.
    public var frame: Int
    /// Image side in pixels (square frames).
    public var size: Int
    /// Nominal field of view, nm (the pixel size is fieldOfView / size).
    public var fieldOfView: Double
    /// Lattice rotation in the image, degrees, clockwise on screen.
    public var rotationDegrees: Double
    /// Drift over the frame (x, y), nm.
    public var drift: Point2
    /// Creep amplitude (nm) and time constant (fraction of the frame time).
    public var creepAmplitude: Double
    public var creepTau: Double
    /// Perspective as the relative scale change from the centre to the edge of the field
    /// along x and y (e.g. 0.01 = 1 %); g = px / (fov/2) in 1/nm.
    public var perspective: Point2
    /// Slow-axis creep along y, nm (decays with `creepTau` like the x part). A y creep faster
    /// than the scan folds the frame, so |A_y| must stay below 0.8·τ·fieldOfView.
    public var creepAmplitudeY: Double = 0
    /// Fast-axis creep after every line start: x offset B (nm) decaying as exp(−s/τ_f) along
    /// the line (s the fraction of the line). |B| must stay below 0.8·τ_f·fieldOfView.
    public var fastCreepAmplitude: Double = 0
    public var fastCreepTau: Double = 0.05
    /// Lateral bow: y offset (nm) at the left and right edges, growing as x² from the centre.
    public var bow: Double = 0
    /// Piezo non-linearity x' = x + h(α n² + β n³) along x, as (α, β), with n the position
    /// relative to half the field h (0.02 = a 2 % term at the edge).
    public var nonlinearityX: Point2 = .zero
    /// The same along y.
    public var nonlinearityY: Point2 = .zero
    /// σ of the scan-line jitter, pixels: each line shifted along x by an independent normal
    /// offset (drawn from the seed and frame).
    public var lineJitter: Double = 0
    /// Fraction of adatoms missing, 0…1 (realistic: 0–0.05).
    public var defectFraction: Double
    /// White-noise σ.
    public var noise: Double
    /// 1/f (pink) noise σ along the scan (pixel) sequence.
    public var pinkNoise: Double
    /// σ of a random offset per scan line.
    public var lineOffset: Double
    /// Bright adsorbates (contamination clusters) per 100 nm² of surface; 0 for none. Each
    /// is a Gaussian of σ 0.4–0.9 nm and 2.5–4 times a corner adatom's height, placed on the
    /// surface (so both frames of a pair show them at the same place).
    public var adsorbateDensity: Double
    /// Write the nominal pixel size into the image (false: an uncalibrated file).
    public var calibrated: Bool
    /// Model point (nm) under the image centre; nil picks one at random from the seed.
    public var centre: Point2?
    public var contrast: TipContrast

    public init(seed: UInt64, frame: Int = 0, size: Int = 512, fieldOfView: Double = 20, rotationDegrees: Double = 0,
                drift: Point2 = .zero, creepAmplitude: Double = 0, creepTau: Double = 0.1,
                perspective: Point2 = .zero, defectFraction: Double = 0.02, noise: Double = 0.05,
                pinkNoise: Double = 0.05, lineOffset: Double = 0.03, adsorbateDensity: Double = 0,
                calibrated: Bool = true,
                centre: Point2? = nil, contrast: TipContrast = .filledStates) {
        self.seed = seed
        self.frame = frame
        self.size = size
        self.fieldOfView = fieldOfView
        self.rotationDegrees = rotationDegrees
        self.drift = drift
        self.creepAmplitude = creepAmplitude
        self.creepTau = creepTau
        self.perspective = perspective
        self.defectFraction = defectFraction
        self.noise = noise
        self.pinkNoise = pinkNoise
        self.lineOffset = lineOffset
        self.adsorbateDensity = adsorbateDensity
        self.calibrated = calibrated
        self.centre = centre
        self.contrast = contrast
    }

    /// A frame with no distortion, noise or defects: the ideal image of the model under a
    /// similarity (for tests and demonstrations).
    public static func ideal(seed: UInt64, size: Int = 256, fieldOfView: Double = 12,
                             rotationDegrees: Double = 0) -> Si7x7SceneParameters {
        Si7x7SceneParameters(seed: seed, size: size, fieldOfView: fieldOfView, rotationDegrees: rotationDegrees,
                             defectFraction: 0, noise: 0, pinkNoise: 0, lineOffset: 0)
    }

    /// Random parameters of the given physics: `.classic` is `random(seed:hard:)` (the
    /// distribution of issue 4's 100-frame study); `.widened` adds what real scanners show
    /// (issue 10): a quarter of the frames are a homography (drift up to 10 % of the field and
    /// perspective); the others get, each independently with probability ½, slow-axis creep up
    /// to 8 % of the field (τ 3–30 % of the frame, with a y part that cannot fold the frame),
    /// fast-axis creep up to 1.5 % of the field (τ 3–10 % of a line), lateral bow up to 1 nm,
    /// piezo non-linearity α, β up to 2 % per axis and scan-line jitter up to 0.25 px. At
    /// least one of them is always present in those frames. Where strong slow creep (a steep
    /// shear of the first lines) meets a steep bow, the bow is reduced so the frame cannot fold.
    public static func random(seed: UInt64, hard: Double = 1, physics: Si7x7ScenePhysics) -> Si7x7SceneParameters {
        switch physics {
        case .classic: return random(seed: seed, hard: hard)
        case .widened: return widened(seed: seed, hard: hard)
        }
    }

    static func widened(seed: UInt64, hard: Double) -> Si7x7SceneParameters {
        var p = random(seed: seed, hard: hard)
        var g = SeededGenerator(seed: seed, stream: 0x31DE)
        let k = min(max(hard, 0), 1)
        let fov = p.fieldOfView
        let driftMag = k * g.uniform(0, 0.10) * fov
        let driftAngle = g.uniform(0, 2 * .pi)
        p.drift = Point2(driftMag * Double.cos(driftAngle), driftMag * Double.sin(driftAngle))
        p.creepAmplitude = 0
        let homographyOnly = g.nextUnit() < 0.25
        var effects = (0..<5).map { _ in g.nextUnit() < 0.5 }
        if !effects.contains(true) { effects[Int(g.uniform(0, 5))] = true }
        if homographyOnly { effects = [false, false, false, false, false] }
        func sign() -> Double { g.nextUnit() < 0.5 ? -1 : 1 }
        // Slow-axis creep: magnitude up to 8 %, mostly along x; the y part below 0.8·τ·fov.
        let tau = g.uniform(0.03, 0.3)
        let slow = k * g.uniform(0, 0.08) * fov * sign()
        let slowY = k * g.uniform(-1, 1) * min(0.08 * fov, 0.7 * tau * fov)
        let fastTau = g.uniform(0.03, 0.10)
        let fast = k * g.uniform(0, min(0.015, 0.7 * fastTau)) * fov * sign()
        let bow = k * g.uniform(0, 1) * sign()
        let nlx = Point2(k * g.uniform(-0.02, 0.02), k * g.uniform(-0.02, 0.02))
        let nly = Point2(k * g.uniform(-0.02, 0.02), k * g.uniform(-0.02, 0.02))
        let jitter = k * g.uniform(0, 0.25)
        p.creepTau = tau
        if effects[0] { p.creepAmplitude = slow; p.creepAmplitudeY = slowY }
        if effects[1] { p.fastCreepAmplitude = fast; p.fastCreepTau = fastTau }
        if effects[2] { p.bow = bow }
        if effects[3] { p.nonlinearityX = nlx; p.nonlinearityY = nly }
        if effects[4] { p.lineJitter = jitter }
        // Strong slow creep shears the first lines (x moves by A/τ per frame height); with a
        // steep bow (y changes along x) the two can fold the frame. Keep the Jacobian's
        // off-diagonal product below half its diagonal one by limiting the bow.
        let shear = abs(p.creepAmplitude) / (p.creepTau * fov)
        let mx = 1 - abs(p.fastCreepAmplitude) / (p.fastCreepTau * fov) - 2 * abs(p.nonlinearityX.x) - 3 * abs(p.nonlinearityX.y)
        let my = 1 - abs(p.creepAmplitudeY) / (p.creepTau * fov) - 2 * abs(p.nonlinearityY.x) - 3 * abs(p.nonlinearityY.y)
        let bowSlope = 4 * abs(p.bow) / fov
        if shear * bowSlope > 0.5 * mx * my {
            p.bow = (p.bow < 0 ? -1 : 1) * 0.5 * mx * my / shear * fov / 4
        }
        return p
    }

    /// Random parameters spanning easy to hard frames, as in the acceptance study of
    /// issue 4: 256–1024 px, 10–40 nm, any rotation, drift up to 6 % of the field per frame,
    /// creep up to 4 % of the field with τ of 3–30 % of the frame (half the frames without
    /// creep), perspective up to 1 %, 0–5 % defects, noise σ 0–0.35, with and without
    /// calibration, centre/corner adatom height ratio 0.75–1.25, faulted/unfaulted 1.1–1.3. `hard` in 0…1 scales every distortion and noise amplitude.
    public static func random(seed: UInt64, hard: Double = 1) -> Si7x7SceneParameters {
        var g = SeededGenerator(seed: seed, stream: 0x5EED)
        let k = min(max(hard, 0), 1)
        let sizes = [256, 384, 512, 768, 1024]
        let size = sizes[Int(g.uniform(0, Double(sizes.count)))]
        let fov = g.uniform(10, 40)
        let rot = g.uniform(0, 360)
        let driftMag = k * g.uniform(0, 0.06) * fov
        let driftAngle = g.uniform(0, 2 * .pi)
        let withCreep = g.nextUnit() < 0.5
        let creepA = withCreep ? k * g.uniform(0, 0.04) * fov * (g.nextUnit() < 0.5 ? -1 : 1) : 0
        let tau = g.uniform(0.03, 0.3)
        let persp = Point2(k * g.uniform(-0.01, 0.01), k * g.uniform(-0.01, 0.01))
        let defects = g.uniform(0, 0.05)
        let noise = k * g.uniform(0, 0.35)
        let pink = k * g.uniform(0, 0.15)
        let lines = k * g.uniform(0, 0.1)
        let calibrated = g.nextUnit() < 0.5
        var contrast = TipContrast.filledStates
        // Both orders occur: the literature reports corner adatoms brighter in filled states,
        // while the SPIEPy demo frame in shared/data/real shows centre adatoms ~25 % higher.
        contrast.centreToCorner = g.uniform(0.75, 1.25)
        contrast.faultedToUnfaulted = g.uniform(1.1, 1.3)
        contrast.blurSigma = g.uniform(0.03, 0.15)
        return Si7x7SceneParameters(
            seed: seed, size: size, fieldOfView: fov, rotationDegrees: rot,
            drift: Point2(driftMag * Double.cos(driftAngle), driftMag * Double.sin(driftAngle)),
            creepAmplitude: creepA, creepTau: tau, perspective: persp, defectFraction: defects,
            noise: noise, pinkNoise: pink, lineOffset: lines, calibrated: calibrated, contrast: contrast)
    }

    /// Checks every range.
    /// - Throws: `SynthesisError.invalidParameter` naming the first bad value.
    public func validate() throws {
        func bad(_ n: String, _ r: String) -> SynthesisError { .invalidParameter(name: n, reason: r) }
        guard frame >= 0 else { throw bad("frame", "\(frame); must be ≥ 0") }
        guard (16...4096).contains(size) else { throw bad("size", "\(size) px; use 16…4096 (256–1024 typical)") }
        guard fieldOfView.isFinite, fieldOfView > 0.5, fieldOfView <= 1000 else {
            throw bad("field of view", "\(fieldOfView) nm; use 0.5…1000 nm (10–40 typical)")
        }
        guard rotationDegrees.isFinite, abs(rotationDegrees) <= 360 else { throw bad("rotation", "\(rotationDegrees)°; use a finite angle within −360…360°") }
        guard drift.isFinite, drift.length < 0.5 * fieldOfView else {
            throw bad("drift", "\(drift) nm per frame; must be finite and below half the field of view")
        }
        guard creepAmplitude.isFinite, abs(creepAmplitude) < 0.5 * fieldOfView else {
            throw bad("creep amplitude", "\(creepAmplitude) nm; must be below half the field of view")
        }
        guard creepTau.isFinite, creepTau > 0.005 else {
            throw bad("creep tau", "\(creepTau); a fraction of the frame time above 0.005")
        }
        guard creepAmplitudeY.isFinite, abs(creepAmplitudeY) < 0.8 * creepTau * fieldOfView else {
            throw bad("y creep amplitude", "\(creepAmplitudeY) nm; must be below 0.8·tau·field of view (a faster y creep folds the frame)")
        }
        guard fastCreepTau.isFinite, fastCreepTau > 0.005 else {
            throw bad("fast creep tau", "\(fastCreepTau); a fraction of the line time above 0.005")
        }
        guard fastCreepAmplitude.isFinite, abs(fastCreepAmplitude) < 0.8 * fastCreepTau * fieldOfView else {
            throw bad("fast creep amplitude", "\(fastCreepAmplitude) nm; must be below 0.8·tau·field of view (a faster creep folds the lines)")
        }
        guard bow.isFinite, abs(bow) < 0.25 * fieldOfView else {
            throw bad("bow", "\(bow) nm; must be below a quarter of the field of view")
        }
        for (n, v) in [("x non-linearity", nonlinearityX), ("y non-linearity", nonlinearityY)] {
            // 1 + 2α n + 3β n² > 0 on [−1, 1] when 2|α| + 3|β| < 1; keep well inside.
            guard v.isFinite, 2 * abs(v.x) + 3 * abs(v.y) < 0.5 else {
                throw bad(n, "\(v); need 2|α| + 3|β| < 0.5 (a stronger term folds the scan)")
            }
        }
        guard lineJitter.isFinite, lineJitter >= 0, lineJitter < 5 else {
            throw bad("line jitter", "\(lineJitter) px; use 0…5")
        }
        guard perspective.isFinite, abs(perspective.x) < 0.2, abs(perspective.y) < 0.2 else {
            throw bad("perspective", "\(perspective); each part below 0.2 (20 % scale change)")
        }
        guard defectFraction.isFinite, (0...1).contains(defectFraction) else {
            throw bad("defect fraction", "\(defectFraction); use 0…1")
        }
        guard adsorbateDensity.isFinite, (0...20).contains(adsorbateDensity) else {
            throw bad("adsorbate density", "\(adsorbateDensity) per 100 nm²; use 0…20")
        }
        for (n, v) in [("noise", noise), ("1/f noise", pinkNoise), ("line offset", lineOffset)] {
            // Above 100 adatom heights the frame is noise alone (and 1e308 overflows to inf).
            guard v.isFinite, v >= 0, v <= 100 else { throw bad(n, "\(v); must be within 0…100 (units of an adatom's height)") }
        }
        if let centre, !centre.isFinite { throw bad("centre", "not finite") }
        let c = contrast
        for (n, v) in [("adatom sigma", c.adatomSigma), ("corner-hole sigma", c.cornerHoleSigma)] {
            guard v.isFinite, v > 0, v < 2 else { throw bad(n, "\(v) nm; use (0, 2)") }
        }
        guard c.blurSigma.isFinite, c.blurSigma >= 0, c.blurSigma < 2 else {
            throw bad("blur sigma", "\(c.blurSigma) nm; use [0, 2)")
        }
        guard c.adatomInversion.isFinite, (0...1).contains(c.adatomInversion) else {
            throw bad("adatom inversion", "\(c.adatomInversion); use 0…1")
        }
        for (n, v) in [("centre/corner ratio", c.centreToCorner), ("faulted/unfaulted ratio", c.faultedToUnfaulted),
                       ("corner-hole depth", c.cornerHoleDepth), ("vacancy depth", c.vacancyDepth),
                       ("height scale", c.heightScale), ("offset", c.offset)] {
            guard v.isFinite else { throw bad(n, "not finite") }
        }
    }

    enum CodingKeys: String, CodingKey {
        case seed, frame, size, fieldOfView = "field_of_view_nm", rotationDegrees = "rotation_deg"
        case drift = "drift_nm", creepAmplitude = "creep_amplitude_nm", creepTau = "creep_tau"
        case perspective, defectFraction = "defect_fraction", noise, pinkNoise = "pink_noise"
        case lineOffset = "line_offset", adsorbateDensity = "adsorbate_density_per_100nm2"
        case calibrated, centre = "centre_nm", contrast
        case creepAmplitudeY = "creep_amplitude_y_nm", fastCreepAmplitude = "fast_creep_amplitude_nm"
        case fastCreepTau = "fast_creep_tau", bow = "bow_nm", nonlinearityX = "nonlinearity_x"
        case nonlinearityY = "nonlinearity_y", lineJitter = "line_jitter_px"
    }
}

/// Which scanner physics `Si7x7SceneParameters.random(seed:hard:physics:)` draws.
public enum Si7x7ScenePhysics: String, Sendable, Codable, CaseIterable {
    /// Issue 4's distribution: drift up to 6 %, x creep up to 4 % in half the frames,
    /// perspective (the 100-frame benchmark of today).
    case classic
    /// Issue 10's: adds strong slow-axis creep, fast-axis creep, bow, piezo non-linearity,
    /// scan-line jitter and drift up to 10 %.
    case widened
}
