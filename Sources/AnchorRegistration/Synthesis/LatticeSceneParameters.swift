import AnchorGeometry
import AnchorModels

/// Parameters of a synthetic frame of a material model (`LatticeSceneGenerator`,
/// `anchorreg synth lattice`). Lengths in nm, angles in degrees.
public struct LatticeSceneParameters: Sendable, Codable, Hashable {
    public var seed: UInt64
    /// A `MaterialModel` name ("graphene", "perovskite-001", …).
    public var material: String
    /// Lattice constant, nm (nil: the material's default).
    public var latticeConstant: Double?
    public var contrast: ImagingContrast
    /// Image side, pixels.
    public var size: Int = 512
    /// Field of view, nm (nil: 24 lattice constants).
    public var fieldOfView: Double?
    /// Lattice rotation in the image, degrees (clockwise on screen).
    public var rotationDegrees: Double = 0
    /// Drift over the frame, nm (makes the map a homography with shear and scale change).
    public var drift: Point2 = .zero
    /// Perspective as the relative scale change from the centre to the edge along x, y.
    public var perspective: Point2 = .zero
    /// Model point under the image centre, nm (nil: drawn from the seed).
    public var centre: Point2?
    /// Column (atom) Gaussian σ after probe or tip blur, nm (nil: `defaultColumnSigma`).
    public var columnSigma: Double?
    /// White noise σ, in units of the strongest site's signal.
    public var noise: Double = 0.05
    /// STEM electron dose per pixel for the strongest column's peak (Poisson counting noise);
    /// nil: no counting noise.
    public var dose: Double?
    /// Fraction of atomic sites that are vacant.
    public var vacancyFraction: Double = 0
    /// Fraction of atomic sites holding a substituent, rendered with `substitutionFactor` × the
    /// site's signal.
    public var substitutionFraction: Double = 0
    public var substitutionFactor: Double = 1.6
    /// Record the nominal pixel size in the image.
    public var calibrated: Bool = true

    public init(seed: UInt64, material: String, contrast: ImagingContrast) {
        self.seed = seed
        self.material = material
        self.contrast = contrast
    }

    /// Random difficulty from the seed: rotation 0–360°, drift up to 3 % of the field in each
    /// axis, perspective up to 0.5 %, white noise 0.02–0.15, vacancies and substitutions 1–3 %
    /// each.
    public static func random(seed: UInt64, material: String, contrast: ImagingContrast) -> LatticeSceneParameters {
        var g = SeededGenerator(seed: seed, stream: 0x1A77)
        var p = LatticeSceneParameters(seed: seed, material: material, contrast: contrast)
        p.rotationDegrees = g.uniform(0, 360)
        p.drift = Point2(g.uniform(-0.03, 0.03), g.uniform(-0.03, 0.03))  // × field below
        p.perspective = Point2(g.uniform(-0.005, 0.005), g.uniform(-0.005, 0.005))
        p.noise = g.uniform(0.02, 0.15)
        p.vacancyFraction = g.uniform(0.01, 0.03)
        p.substitutionFraction = g.uniform(0.01, 0.03)
        p.drift = p.drift * p.resolvedFieldOfView
        return p
    }

    /// The material model, or nil for an unknown name.
    public var materialModel: MaterialModel? { MaterialModel.named(material) }

    /// The lattice constant in use, nm.
    public var resolvedLatticeConstant: Double { latticeConstant ?? materialModel?.defaultA ?? 1 }

    /// σ when none is given: 0.045 nm for STEM (a sub-ångström probe), 0.08 nm for STM (tip
    /// blur; merges the two atoms of a Si(001) dimer into one bump as in filled-state images).
    public var defaultColumnSigma: Double { contrast == .stm ? 0.08 : 0.045 }

    /// The column σ in use, nm.
    public var resolvedColumnSigma: Double { columnSigma ?? defaultColumnSigma }

    /// The field of view in use, nm.
    public var resolvedFieldOfView: Double { fieldOfView ?? 24 * resolvedLatticeConstant }

    /// - Throws: `SynthesisError.invalidParameter` naming the first bad value.
    public func validate() throws {
        func bad(_ n: String, _ r: String) -> SynthesisError { .invalidParameter(name: n, reason: r) }
        guard materialModel != nil else {
            throw bad("material", "\(material) is not one of \(MaterialModel.all.map(\.name).joined(separator: ", "))")
        }
        if let a = latticeConstant, !(a.isFinite && MaterialModel.aRange.contains(a)) {
            throw bad("lattice constant", "must lie in 0.01–10 nm")
        }
        guard (16...4096).contains(size) else { throw bad("size", "must be 16–4096 px") }
        let fov = resolvedFieldOfView, a = resolvedLatticeConstant
        guard fov.isFinite, fov > 0 else { throw bad("field of view", "must be a positive number of nm") }
        guard fov / a <= 2000 else { throw bad("field of view", "at most 2000 lattice constants") }
        guard fov / Double(size) <= a / 4 else { throw bad("field of view", "pixels must be at most a/4 (the lattice would alias)") }
        guard rotationDegrees.isFinite else { throw bad("rotation", "must be finite") }
        guard drift.isFinite, abs(drift.x) < 0.3 * fov, abs(drift.y) < 0.3 * fov else {
            throw bad("drift", "each component must be below 0.3 × the field of view")
        }
        guard perspective.isFinite, abs(perspective.x) < 0.2, abs(perspective.y) < 0.2 else {
            throw bad("perspective", "each component must be below 0.2")
        }
        guard resolvedColumnSigma.isFinite, resolvedColumnSigma > 0, resolvedColumnSigma <= a else { throw bad("column sigma", "must be in (0, a] nm") }
        guard noise.isFinite, noise >= 0 else { throw bad("noise", "must be ≥ 0") }
        if let dose { guard dose.isFinite, dose > 0, dose <= 1e9 else { throw bad("dose", "must be in (0, 1e9] electrons") } }
        for (n, v) in [("vacancy fraction", vacancyFraction), ("substitution fraction", substitutionFraction)] {
            guard v.isFinite, v >= 0, v <= 0.5 else { throw bad(n, "must be 0–0.5") }
        }
        guard vacancyFraction + substitutionFraction <= 0.5 else { throw bad("defect fractions", "sum must be ≤ 0.5") }
        guard substitutionFactor.isFinite, substitutionFactor >= 0, substitutionFactor <= 10 else {
            throw bad("substitution factor", "must be 0–10")
        }
        if let c = centre, !c.isFinite { throw bad("centre", "must be finite") }
    }
}
