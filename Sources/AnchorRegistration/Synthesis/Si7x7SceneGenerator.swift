import AnchorGeometry
import AnchorImaging
import AnchorModels
import RealModule

/// A synthetic Si(111)-(7×7) STM frame with its ground truth.
public struct SyntheticSTMScene: Sendable {
    /// The topography, heights in nm, calibrated with the nominal pixel size unless the
    /// parameters say otherwise.
    public var image: Image
    public var truth: SyntheticSTMTruth
    public var distortion: ScanDistortion
}

/// Two frames of the same surface (same defects, same faulted half) taken with different
/// tip contrast, drift and position (the paper's Fig. 6d).
public struct SyntheticSTMPair: Sendable {
    public var first: SyntheticSTMScene
    public var second: SyntheticSTMScene
    /// Centre cell of the second frame minus that of the first: a cell (i, j) near the
    /// first frame's centre appears at (i, j) − offset relative to the second frame's centre
    /// cell; every truth point carries its global cell, which is the same in both frames.
    public var cellOffset: CellIndex
    /// The exact first-image → second-image homography when neither frame has creep.
    public var imageToImage: Homography?
}

/// Renders realistic synthetic Si(111)-(7×7) STM frames by exact forward rendering: every
/// output pixel (x, y) is mapped through the scan distortion (`ScanDistortion`: drift,
/// exponential slow- and fast-axis piezo creep, lateral bow, piezo non-linearity, scan-line
/// jitter, a mild perspective part, rotation) to the surface point under
/// the tip, and the surface is evaluated there as a sum of Gaussians — adatoms bright
/// (corner adatoms brighter than centre ones, the faulted half brighter: filled states),
/// corner holes dark — each widened by the Gaussian tip blur analytically (σ² adds, the
/// peak scales by σ₀²/σ²). Then scan-line offsets, white and 1/f noise are added. Because
/// nothing is resampled, the true image position of every adatom and corner hole is known
/// exactly (Newton inversion of the per-pixel map).
///
/// Defects (missing adatoms) and the faulted half depend only on the seed and the global
/// cell index, so frames of one seed show the same surface.
///
/// - Complexity: O(pixels · k) with k ≈ 13 Gaussians per pixel: only features within 4σ
///   are evaluated, found from a per-cell table of 8 × 8 sub-cell bins.
public struct Si7x7SceneGenerator: Sendable {
    public let model: AnchorModel
    private let lattice: LatticeModel
    /// Adatom sites whose occupancy is flipped against the seed's surface: defects that
    /// appeared or vanished during a series (`Si7x7SeriesGenerator`). Empty for single frames.
    public var changedSites: Set<SurfaceSite> = []

    public init() {
        model = BuiltinModels.si111_7x7()
        lattice = model.lattice!
    }

    /// Which half is faulted on the surface of `seed`: "A" or "B".
    public static func faultedHalf(seed: UInt64) -> String {
        mix(seed, 0xFA17ED) & 1 == 0 ? "A" : "B"
    }

    /// Whether the adatom `site` (index into the model's sites) of global `cell` is missing
    /// on the surface of `seed` at defect fraction `fraction`.
    public static func isDefect(seed: UInt64, cell: CellIndex, site: Int, fraction: Double) -> Bool {
        guard fraction > 0 else { return false }
        let h = mix(mix(mix(seed, UInt64(bitPattern: Int64(cell.i))), UInt64(bitPattern: Int64(cell.j))),
                    UInt64(site) &+ 0xDEF)
        return Double(h >> 11) * 0x1.0p-53 < fraction
    }

    /// Whether the adatom is missing in this generator's frames: the seed's surface with
    /// `changedSites` flipped.
    @inline(__always)
    func isMissing(seed: UInt64, cell: CellIndex, site: Int, fraction: Double) -> Bool {
        let base = Self.isDefect(seed: seed, cell: cell, site: site, fraction: fraction)
        return changedSites.isEmpty ? base : base != changedSites.contains(SurfaceSite(cell: cell, site: site))
    }

    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var z = a &+ 0x9E37_79B9_7F4A_7C15 &* (b &+ 1)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The distortion of a frame (with the centre resolved from the seed when not given).
    public func distortion(for p: Si7x7SceneParameters) -> ScanDistortion {
        let half = p.fieldOfView / 2
        var d = ScanDistortion(
            width: p.size, height: p.size, pixelSize: p.fieldOfView / Double(p.size),
            rotation: p.rotationDegrees * .pi / 180, centre: resolvedCentre(p), drift: p.drift,
            creepAmplitude: p.creepAmplitude, creepTau: p.creepTau,
            perspective: Point2(p.perspective.x / half, p.perspective.y / half))
        d.creepAmplitudeY = p.creepAmplitudeY
        d.fastCreepAmplitude = p.fastCreepAmplitude
        d.fastCreepTau = p.fastCreepTau
        d.bow = p.bow
        d.nonlinearityX = p.nonlinearityX
        d.nonlinearityY = p.nonlinearityY
        if p.lineJitter > 0 {
            // Its own stream, so adding jitter leaves the noise of the frame unchanged.
            var g = SeededGenerator(seed: p.seed, stream: 0x7177E4 &+ UInt64(p.frame))
            d.lineJitter = (0..<p.size).map { _ in p.lineJitter * g.normal() }
        }
        return d
    }

    func resolvedCentre(_ p: Si7x7SceneParameters) -> Point2 {
        if let c = p.centre { return c }
        var g = SeededGenerator(seed: p.seed, stream: 0xCE7)
        let u = Double(Int(g.uniform(-40, 40))) + g.nextUnit()
        let v = Double(Int(g.uniform(-40, 40))) + g.nextUnit()
        return lattice.position(u: u, v: v)
    }

    /// Renders one frame.
    /// - Throws: `SynthesisError.invalidParameter` for out-of-range parameters,
    ///   `.distortionNotInvertible` when the distortion folds the frame.
    public func generate(_ params: Si7x7SceneParameters) throws -> SyntheticSTMScene {
        try params.validate()
        var p = params
        p.centre = resolvedCentre(params)
        let d = distortion(for: p)
        let faulted = Self.faultedHalf(seed: p.seed)
        let footprint = try modelFootprint(d)
        let margin = 4.0
        let adsorbates = Self.adsorbates(
            seed: p.seed, density: p.adsorbateDensity,
            in: ModelBounds(minX: footprint.minX - margin, minY: footprint.minY - margin,
                            maxX: footprint.maxX + margin, maxY: footprint.maxY + margin))
        let pixels = render(p, distortion: d, faulted: faulted, adsorbates: adsorbates)
        let px = d.pixelSize
        let image = try Image(width: p.size, height: p.size, pixels: pixels,
                              pixelSize: p.calibrated ? PixelSize(x: px, y: px) : nil,
                              unit: p.calibrated ? .nanometre : .none, valueUnit: "nm")
        let truth = try makeTruth(p, distortion: d, faulted: faulted, footprint: footprint, adsorbates: adsorbates)
        return SyntheticSTMScene(image: image, truth: truth, distortion: d)
    }

    /// Parameters of a second frame of the same surface: same seed (so the same defects and
    /// faulted half), frame 1 noise, the centre moved by up to a quarter of the field,
    /// rotation within ±2°, new drift and creep of similar size, and a different tip: blur,
    /// gain, offset, centre/corner and faulted/unfaulted ratios, hole depth and a partial
    /// inversion of the adatom contrast (up to 0.3) are all redrawn.
    public func secondFrameParameters(of first: Si7x7SceneParameters) -> Si7x7SceneParameters {
        var g = SeededGenerator(seed: first.seed, stream: 0x2F2A)
        var s = first
        s.frame = first.frame + 1
        let c = resolvedCentre(first)
        let shift = first.fieldOfView * 0.25
        s.centre = Point2(c.x + g.uniform(-shift, shift), c.y + g.uniform(-shift, shift))
        s.rotationDegrees = first.rotationDegrees + g.uniform(-2, 2)
        let driftMag = max(first.drift.length, 0.02 * first.fieldOfView) * g.uniform(0.5, 1.5)
        let angle = g.uniform(0, 2 * .pi)
        s.drift = Point2(driftMag * Double.cos(angle), driftMag * Double.sin(angle))
        s.creepAmplitude = first.creepAmplitude * g.uniform(0.5, 1.5)
        s.creepTau = first.creepTau * g.uniform(0.7, 1.4)
        var t = first.contrast
        t.centreToCorner = g.uniform(0.6, 1.25)
        t.faultedToUnfaulted = g.uniform(1.08, 1.35)
        t.cornerHoleDepth = g.uniform(0.8, 1.6)
        t.blurSigma = g.uniform(0.04, 0.13)
        t.heightScale = first.contrast.heightScale * g.uniform(0.5, 2)
        t.offset = first.contrast.offset + g.uniform(-0.2, 0.2)
        t.adatomInversion = g.uniform(0, 0.3)
        s.contrast = t
        return s
    }

    /// Renders two frames of the same surface (see `secondFrameParameters(of:)`; pass
    /// `second` to choose the second frame's parameters yourself — its seed is forced to
    /// the first's so the surface is shared).
    public func generatePair(_ first: Si7x7SceneParameters,
                             second: Si7x7SceneParameters? = nil) throws -> SyntheticSTMPair {
        var f = first
        f.centre = resolvedCentre(first)
        var s = second ?? secondFrameParameters(of: f)
        s.seed = f.seed
        if s.frame == f.frame { s.frame = f.frame + 1 }
        let a = try generate(f)
        let b = try generate(s)
        var i2i: Homography?
        if let h1 = a.truth.homography, let h2 = b.truth.homography {
            i2i = try? (h2 * h1.inverse()).normalized()
        }
        return SyntheticSTMPair(first: a, second: b, cellOffset: b.truth.centreCell - a.truth.centreCell,
                                imageToImage: i2i)
    }

    // MARK: - Rendering

    private struct Candidate {
        var di: Int32, dj: Int32, site: Int32
    }

    private func render(_ p: Si7x7SceneParameters, distortion d: ScanDistortion, faulted: String,
                        adsorbates: [SyntheticAdsorbate]) -> [Float] {
        let c = p.contrast
        let sites = lattice.sites
        let n = sites.count
        let a1 = lattice.a1, a2 = lattice.a2
        let det = a1.cross(a2)
        // Apparent heights of present adatoms before inversion.
        var base = [Double](repeating: 0, count: n)
        for (k, s) in sites.enumerated() where s.role == .object {
            let kindFactor = s.kind == "corner-adatom" ? 1.0 : c.centreToCorner
            base[k] = kindFactor * (s.group == faulted ? c.faultedToUnfaulted : 1)
        }
        let adatomHeights = sites.indices.filter { sites[$0].role == .object }.map { base[$0] }
        let hMax = adatomHeights.max() ?? 1, hMin = adatomHeights.min() ?? 1
        var ampPresent = [Double](repeating: 0, count: n)
        var ampMissing = [Double](repeating: 0, count: n)
        var inv2s2 = [Double](repeating: 0, count: n)
        var maxSigma = 0.0
        var isAdatom = [Bool](repeating: false, count: n)
        for (k, s) in sites.enumerated() {
            let s0 = s.role == .anchor ? c.cornerHoleSigma : c.adatomSigma
            let s2 = s0 * s0 + c.blurSigma * c.blurSigma
            let peak = s0 * s0 / s2
            inv2s2[k] = 1 / (2 * s2)
            maxSigma = max(maxSigma, s2.squareRoot())
            if s.role == .anchor {
                ampPresent[k] = -c.cornerHoleDepth * peak
                ampMissing[k] = ampPresent[k]
            } else {
                isAdatom[k] = true
                let h = (1 - c.adatomInversion) * base[k] + c.adatomInversion * (hMax + hMin - base[k])
                ampPresent[k] = h * peak
                ampMissing[k] = -c.vacancyDepth * peak
            }
        }
        // Candidate table: for each of nb × nb sub-cell bins, the (cell offset, site) pairs
        // that can lie within the cut-off of some point of the bin.
        let nb = 8
        let cutoff = 4 * maxSigma
        let cutoff2 = cutoff * cutoff
        let binRadius = max((a1 + a2).length, (a1 - a2).length) / Double(2 * nb)
        var table = [[Candidate]](repeating: [], count: nb * nb)
        let reach = Int((cutoff / min(a1.length, a2.length)).rounded(.up)) + 1
        for bv in 0..<nb {
            for bu in 0..<nb {
                let cu = (Double(bu) + 0.5) / Double(nb), cv = (Double(bv) + 0.5) / Double(nb)
                for dj in -reach...reach {
                    for di in -reach...reach {
                        for (k, s) in sites.enumerated() {
                            let fu = Double(di) + s.u - cu, fv = Double(dj) + s.v - cv
                            let dist = lattice.position(u: fu, v: fv).length
                            if dist < cutoff + binRadius {
                                table[bv * nb + bu].append(Candidate(di: Int32(di), dj: Int32(dj), site: Int32(k)))
                            }
                        }
                    }
                }
            }
        }
        let su = sites.map(\.u), sv = sites.map(\.v)
        // Adsorbates, blurred like every feature.
        let adsorbateCentres = adsorbates.map(\.model)
        let adsorbateInv2s2 = adsorbates.map { 1 / (2 * ($0.sigma * $0.sigma + c.blurSigma * c.blurSigma)) }
        let adsorbateAmp = adsorbates.map { $0.height * $0.sigma * $0.sigma / ($0.sigma * $0.sigma + c.blurSigma * c.blurSigma) }
        let adsorbateCut2 = adsorbates.map { 16 * ($0.sigma * $0.sigma + c.blurSigma * c.blurSigma) }
        let w = p.size, h = p.size
        var g = SeededGenerator(seed: p.seed, stream: 0x4015E &+ UInt64(p.frame))
        let pink = PinkNoise.generate(count: w * h, sigma: p.pinkNoise, generator: &g)
        var out = [Float](repeating: 0, count: w * h)
        let seed = p.seed, fraction = p.defectFraction
        for y in 0..<h {
            let lineOffset = p.lineOffset > 0 ? p.lineOffset * g.normal() : 0
            for x in 0..<w {
                let m = d.modelPoint(x: Double(x), y: Double(y))
                let fu = m.cross(a2) / det, fv = a1.cross(m) / det
                let fiu = fu.rounded(.down), fiv = fv.rounded(.down)
                let ci = Int(fiu), cj = Int(fiv)
                let ru = fu - fiu, rv = fv - fiv
                let bu = min(Int(ru * Double(nb)), nb - 1), bv = min(Int(rv * Double(nb)), nb - 1)
                var value = 0.0
                for cand in table[bv * nb + bu] {
                    let k = Int(cand.site)
                    let du = Double(cand.di) + su[k] - ru, dv = Double(cand.dj) + sv[k] - rv
                    let dx = du * a1.x + dv * a2.x, dy = du * a1.y + dv * a2.y
                    let d2 = dx * dx + dy * dy
                    if d2 > cutoff2 { continue }
                    var amp = ampPresent[k]
                    if isAdatom[k] && (fraction > 0 || !changedSites.isEmpty)
                        && isMissing(seed: seed, cell: CellIndex(ci + Int(cand.di), cj + Int(cand.dj)),
                                     site: k, fraction: fraction) {
                        amp = ampMissing[k]
                    }
                    value += amp * Double.exp(-d2 * inv2s2[k])
                }
                for a in adsorbateCentres.indices {
                    let d2 = m.distanceSquared(to: adsorbateCentres[a])
                    if d2 < adsorbateCut2[a] { value += adsorbateAmp[a] * Double.exp(-d2 * adsorbateInv2s2[a]) }
                }
                var noise = lineOffset + pink[y * w + x]
                if p.noise > 0 { noise += p.noise * g.normal() }
                out[y * w + x] = Float(c.offset + c.heightScale * (value + noise))
            }
        }
        return out
    }

    // MARK: - Ground truth

    /// Bounds (model nm) of the image's footprint on the surface.
    private func modelFootprint(_ d: ScanDistortion) throws -> ModelBounds {
        let w = d.width, h = d.height
        var border: [Point2] = []
        for k in stride(from: 0, through: w - 1, by: 8) {
            border.append(d.modelPoint(x: Double(k), y: 0))
            border.append(d.modelPoint(x: Double(k), y: Double(h - 1)))
        }
        for k in stride(from: 0, through: h - 1, by: 8) {
            border.append(d.modelPoint(x: 0, y: Double(k)))
            border.append(d.modelPoint(x: Double(w - 1), y: Double(k)))
        }
        border.append(d.modelPoint(x: Double(w - 1), y: Double(h - 1)))
        guard let bounds = ModelBounds(covering: border) else {
            throw SynthesisError.distortionNotInvertible(d.centre)
        }
        return bounds
    }

    /// The frame's outline in the model (nm): the image border at −0.5 and size − 0.5, one
    /// point per pixel, mapped through the distortion, in order around the frame.
    static func frameOutline(_ d: ScanDistortion) -> [Point2] {
        let x0 = -0.5, y0 = -0.5, x1 = Double(d.width) - 0.5, y1 = Double(d.height) - 0.5
        var out: [Point2] = []
        for k in 0..<d.width { out.append(d.modelPoint(x: x0 + Double(k), y: y0)) }
        for k in 0..<d.height { out.append(d.modelPoint(x: x1, y: y0 + Double(k))) }
        for k in 0..<d.width { out.append(d.modelPoint(x: x1 - Double(k), y: y1)) }
        for k in 0..<d.height { out.append(d.modelPoint(x: x0, y: y1 - Double(k))) }
        return out
    }

    /// Even-odd ray casting: whether `p` lies inside the closed polygon.
    static func contains(_ polygon: [Point2], _ p: Point2) -> Bool {
        var inside = false
        var j = polygon.count - 1
        for i in polygon.indices {
            let a = polygon[i], b = polygon[j]
            if (a.y > p.y) != (b.y > p.y), p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
            j = i
        }
        return inside
    }

    private func makeTruth(_ p: Si7x7SceneParameters, distortion d: ScanDistortion, faulted: String,
                           footprint bounds: ModelBounds, adsorbates: [SyntheticAdsorbate]) throws -> SyntheticSTMTruth {
        let w = p.size, h = p.size
        let ranges = try lattice.cellRanges(covering: bounds, margin: 1)
        let lo = -0.5, hiX = Double(w) - 0.5, hiY = Double(h) - 0.5
        let linear = d.linearModelToImage
        var holes: [SyntheticTruthPoint] = []
        var adatoms: [SyntheticTruthPoint] = []
        var outline: [Point2] = []
        for j in ranges.j {
            for i in ranges.i {
                let cell = CellIndex(i, j)
                for (k, s) in lattice.sites.enumerated() {
                    let m = lattice.position(of: s, in: cell)
                    let guess = linear.apply(m)
                    let slack = 4 + d.nonProjectiveBound / d.pixelSize
                    if !(guess.x > lo - slack && guess.x < hiX + slack && guess.y > lo - slack && guess.y < hiY + slack) {
                        continue
                    }
                    let q: Point2
                    do {
                        q = try d.imagePoint(of: m)
                    } catch {
                        // Newton can fail only where the map is continued beyond the frame (far
                        // outside it); a point the frame's outline does not enclose is not in
                        // the image. One that it does enclose is a real failure.
                        if outline.isEmpty { outline = Self.frameOutline(d) }
                        if !Self.contains(outline, m) { continue }
                        throw error
                    }
                    guard q.x >= lo, q.x < hiX, q.y >= lo, q.y < hiY else { continue }
                    // Hidden under an adsorbate: within 2σ of its centre.
                    let obscured = adsorbates.contains { m.distance(to: $0.model) < 2 * $0.sigma }
                    if s.role == .anchor {
                        holes.append(SyntheticTruthPoint(cell: cell, site: s.name, kind: s.kind ?? "corner-hole",
                                                         half: nil, faulted: nil, index: nil, present: true,
                                                         obscured: obscured, image: q, model: m))
                    } else {
                        let missing = isMissing(seed: p.seed, cell: cell, site: k, fraction: p.defectFraction)
                        adatoms.append(SyntheticTruthPoint(cell: cell, site: s.name, kind: s.kind ?? "adatom",
                                                           half: s.group, faulted: s.group == faulted, index: s.index,
                                                           present: !missing, obscured: obscured, image: q, model: m))
                    }
                }
            }
        }
        let centreModel = d.modelPoint(x: Double(w - 1) / 2, y: Double(h - 1) / 2)
        let f = lattice.fractional(centreModel)
        return SyntheticSTMTruth(
            parameters: p, width: w, height: h, pixelSizeNominal: d.pixelSize,
            pixelSizeRecorded: p.calibrated ? d.pixelSize : nil,
            pixelSizeTrueAtCentre: d.localPixelSize(x: Double(w - 1) / 2, y: Double(h - 1) / 2),
            faultedHalf: faulted, homography: d.isHomography ? linear.normalized() : nil,
            homographyWithoutCreep: linear.normalized(), distortion: ScanDistortionDescription(d),
            centreCell: CellIndex(Int(f.x.rounded(.down)), Int(f.y.rounded(.down))),
            cornerHoles: holes, adatoms: adatoms,
            adsorbates: try adsorbates.map { a in
                var a = a
                a.image = try d.imagePoint(of: a.model)
                return a
            },
            adatomCount: adatoms.count,
            defectCount: adatoms.filter { !$0.present }.count)
    }
}
