import AnchorGeometry
import AnchorImaging
import AnchorModels
import RealModule

/// A synthetic frame of a material model with its ground truth.
public struct SyntheticLatticeScene: Sendable {
    /// STM: heights in nm (0.05 nm per unit signal); STEM: intensity in units of the strongest
    /// column's peak (HAADF on a 0.05 background, ABF dips on a background of 1). Calibrated
    /// in nm unless the parameters say otherwise.
    public var image: Image
    public var truth: LatticeSceneTruth
    public var distortion: ScanDistortion
}

/// Renders synthetic frames of the built-in materials (`MaterialModel`) in STM, HAADF or ABF
/// contrast, by exact forward rendering like `Si7x7SceneGenerator`: every output pixel is
/// mapped through the scan distortion (rotation, drift over the frame, a mild perspective
/// part — together exactly a homography) to the model point under the probe, and the
/// specimen is a sum of Gaussian columns of σ `columnSigma` nm there, each with its site's
/// signal (`MaterialModel.siteSignal`). Vacancies remove a site's column, substitutions scale
/// it; both are drawn per site from the seed and the global cell. Then white noise and, with a
/// dose, Poisson counting noise. The true image position of every site is the homography's.
///
/// - Complexity: O(sites · (8σ/p)²) for the columns plus O(pixels) for the noise.
public struct LatticeSceneGenerator: Sendable {
    public init() {}

    /// STM height per unit signal, nm.
    public static let stmCorrugation = 0.05

    /// The state of atomic site `site` (model index) of global `cell` for `seed`.
    public static func state(seed: UInt64, cell: CellIndex, site: Int, vacancy: Double, substitution: Double) -> LatticeSiteState {
        guard vacancy > 0 || substitution > 0 else { return .present }
        let h = Si7x7SceneGenerator.mix(Si7x7SceneGenerator.mix(Si7x7SceneGenerator.mix(
            seed, UInt64(bitPattern: Int64(cell.i))), UInt64(bitPattern: Int64(cell.j))), UInt64(site) &+ 0x1A7D)
        let r = Double(h >> 11) * 0x1.0p-53
        if r < vacancy { return .vacancy }
        if r < vacancy + substitution { return .substitution }
        return .present
    }

    /// The scan distortion of a frame (its centre resolved from the seed when not given).
    public func distortion(for p: LatticeSceneParameters, lattice: LatticeModel) -> ScanDistortion {
        let fov = p.resolvedFieldOfView, half = fov / 2
        return ScanDistortion(width: p.size, height: p.size, pixelSize: fov / Double(p.size),
                              rotation: p.rotationDegrees * .pi / 180, centre: resolvedCentre(p, lattice: lattice),
                              drift: p.drift, perspective: Point2(p.perspective.x / half, p.perspective.y / half))
    }

    func resolvedCentre(_ p: LatticeSceneParameters, lattice: LatticeModel) -> Point2 {
        if let c = p.centre { return c }
        var g = SeededGenerator(seed: p.seed, stream: 0xCE7)
        return lattice.position(u: Double(Int(g.uniform(-40, 40))) + g.nextUnit(),
                                v: Double(Int(g.uniform(-40, 40))) + g.nextUnit())
    }

    /// Renders one frame.
    /// - Throws: `SynthesisError.invalidParameter` for out-of-range parameters.
    public func generate(_ params: LatticeSceneParameters) throws -> SyntheticLatticeScene {
        try params.validate()
        let material = params.materialModel!
        let model = try material.model(a: params.latticeConstant)
        let lattice = model.lattice!
        var p = params
        p.centre = resolvedCentre(params, lattice: lattice)
        let d = distortion(for: p, lattice: lattice)
        let w = p.size, h = p.size
        let toImage = d.linearModelToImage
        // Model point under every pixel.
        var mx = [Double](repeating: 0, count: w * h), my = mx
        for y in 0..<h {
            for x in 0..<w {
                let m = d.modelPoint(x: Double(x), y: Double(y))
                mx[y * w + x] = m.x
                my[y * w + x] = m.y
            }
        }
        let sigma = p.resolvedColumnSigma
        let s2 = sigma * sigma
        let inv2s2 = 1 / (2 * s2)
        // Pixel radius that covers 4σ anywhere (the local scale varies by drift/perspective).
        let localMin = min(d.localPixelSize(x: 0, y: 0), d.localPixelSize(x: Double(w - 1), y: Double(h - 1)),
                           d.localPixelSize(x: Double(w - 1), y: 0), d.localPixelSize(x: 0, y: Double(h - 1)))
        let radius = Int((4 * sigma / (0.8 * localMin)).rounded(.up)) + 1
        let atomSites = Set(material.siteSignal[.haadf, default: [:]].keys)
        var signal = [Double](repeating: 0, count: w * h)
        var truth: [LatticeTruthSite] = []
        let border = [Point2(-0.5, -0.5), Point2(Double(w) - 0.5, -0.5), Point2(-0.5, Double(h) - 0.5),
                      Point2(Double(w) - 0.5, Double(h) - 0.5)].map { d.modelPoint(x: $0.x, y: $0.y) }
        let margin = 5 * sigma
        guard let bounds = ModelBounds(covering: border) else { throw SynthesisError.distortionNotInvertible(d.centre) }
        let wide = ModelBounds(minX: bounds.minX - margin, minY: bounds.minY - margin,
                               maxX: bounds.maxX + margin, maxY: bounds.maxY + margin)
        let ranges = try lattice.cellRanges(covering: wide, margin: 1)
        for j in ranges.j {
            for i in ranges.i {
                let cell = CellIndex(i, j)
                for (k, s) in lattice.sites.enumerated() {
                    let m = lattice.position(of: s, in: cell)
                    let q = toImage.apply(m)
                    guard q.isFinite, q.x > -Double(radius), q.y > -Double(radius),
                          q.x < Double(w + radius), q.y < Double(h + radius) else { continue }
                    let isAtom = atomSites.contains(s.name)
                    let state = isAtom ? Self.state(seed: p.seed, cell: cell, site: k, vacancy: p.vacancyFraction,
                                                    substitution: p.substitutionFraction) : .present
                    var amp = material.signal(of: s.name, in: p.contrast)
                    switch state {
                    case .present: break
                    case .vacancy: amp = 0
                    case .substitution: amp *= p.substitutionFactor
                    }
                    let cx = Int(q.x.rounded()), cy = Int(q.y.rounded())
                    let y0 = max(0, cy - radius), y1 = min(h - 1, cy + radius)
                    let x0 = max(0, cx - radius), x1 = min(w - 1, cx + radius)
                    if amp != 0, y0 <= y1, x0 <= x1 {
                        for y in y0...y1 {
                            for x in x0...x1 {
                                let o = y * w + x
                                let dx = mx[o] - m.x, dy = my[o] - m.y
                                let r2 = dx * dx + dy * dy
                                if r2 < 16 * s2 { signal[o] += amp * Double.exp(-r2 * inv2s2) }
                            }
                        }
                    }
                    if q.x >= -0.5, q.y >= -0.5, q.x < Double(w) - 0.5, q.y < Double(h) - 0.5 {
                        truth.append(LatticeTruthSite(cell: cell, site: s.name, kind: s.kind, role: s.role, atom: isAtom,
                                                      state: state, signal: amp, image: q, model: m))
                    }
                }
            }
        }
        var g = SeededGenerator(seed: p.seed, stream: 0x4015E)
        let background: Double
        switch p.contrast {
        case .stm: background = 0
        case .haadf: background = 0.05
        case .abf: background = 1
        }
        var pixels = [Float](repeating: 0, count: w * h)
        for o in pixels.indices {
            var v = background + signal[o]
            if let dose = p.dose {
                v = Self.poisson(mean: max(v, 0) * dose, generator: &g) / dose
            }
            if p.noise > 0 { v += p.noise * g.normal() }
            pixels[o] = Float(p.contrast == .stm ? v * Self.stmCorrugation : v)
        }
        let px = d.pixelSize
        let image = try Image(width: w, height: h, pixels: pixels,
                              pixelSize: p.calibrated ? PixelSize(x: px, y: px) : nil,
                              unit: p.calibrated ? .nanometre : .none,
                              valueUnit: p.contrast == .stm ? "nm" : nil)
        let t = LatticeSceneTruth(
            model: model.name, parameters: p, latticeConstantNm: p.resolvedLatticeConstant, width: w, height: h,
            pixelSizeNominalNm: px, pixelSizeRecordedNm: p.calibrated ? px : nil,
            pixelSizeTrueAtCentreNm: d.localPixelSize(x: Double(w - 1) / 2, y: Double(h - 1) / 2),
            homography: toImage.normalized(), sites: truth,
            vacancies: truth.filter { $0.state == .vacancy }.count,
            substitutions: truth.filter { $0.state == .substitution }.count)
        return SyntheticLatticeScene(image: image, truth: t, distortion: d)
    }

    /// A Poisson draw: Knuth's product method below a mean of 30, a rounded normal above.
    static func poisson(mean: Double, generator g: inout SeededGenerator) -> Double {
        guard mean > 0 else { return 0 }
        if mean >= 30 { return max(0, (mean + mean.squareRoot() * g.normal()).rounded()) }
        let l = Double.exp(-mean)
        var k = 0.0, prod = g.nextUnit()
        while prod > l { k += 1; prod *= g.nextUnit() }
        return k
    }
}
