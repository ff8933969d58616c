import AnchorGeometry
import AnchorImaging
import AnchorModels
import Foundation

/// One photograph to align: its luminance (analysis) and, optionally, its colour (display).
public struct AlignmentFrame: Sendable {
    /// A label for messages and reports (e.g. the file name).
    public var name: String
    public var luminance: Image
    public var colour: RGBImage?

    public init(name: String, luminance: Image, colour: RGBImage? = nil) {
        self.name = name
        self.luminance = luminance
        self.colour = colour
    }
}

/// Options of `DeviceAlignment.align`.
public struct DeviceAlignmentOptions: Sendable {
    public var registration = DeviceRegistrationOptions()
    /// Output pixels per model unit (e.g. px per µm); `nil`: the finest scale any frame
    /// shows the model at (so no frame is downsampled), capped by `maxGridSide`.
    public var pixelsPerUnit: Double?
    /// Region measured for the dark fraction: a region name of the model; `nil` takes
    /// "active" when the model has it, else the model's quadrilateral when it has exactly one.
    public var regionName: String?
    /// Margin added around the model's anchors and regions on the output grid, as a fraction
    /// of their extent.
    public var marginFraction: Double = 0.1
    /// Largest output side in pixels.
    public var maxGridSide: Int = 4096
    /// Pixels within this many image pixels of the measured region's outline are left out of
    /// the dark-fraction measurement: the optical blur mixes them with what lies outside. One
    /// pixel keeps the mixture below ~16 % for a blur of σ ≈ 1 px (light stays light, dark
    /// stays dark) while leaving out as little of the region as possible.
    public var regionInsetImagePixels: Double = 1.0

    public init() {}
}

/// The explicit intensity normalisation of one frame against the first (exposure and
/// illumination differences between photographs): I_k ≈ (gain + gx·x + gy·y) · I_0 on the
/// unchanged reference pixels, x and y in model units from the grid's centre.
public struct IntensityNormalisation: Sendable, Codable, Hashable {
    public var gain: Double
    /// Illumination gradient, relative change per model unit along x and y.
    public var gradientX: Double
    public var gradientY: Double
    /// Reference pixels kept by the fit (outside the measured region, away from edges).
    public var referencePixels: Int

    enum CodingKeys: String, CodingKey {
        case gain, gradientX = "gradient_x_per_unit", gradientY = "gradient_y_per_unit", referencePixels = "reference_pixels"
    }
}

/// Dark (reduced) fraction and integrated darkness of a region in every frame.
public struct DarknessMeasurement: Sendable, Codable, Hashable {
    public var region: String
    /// Area measured, model units² (after the inset), and the grid pixels in it.
    public var area: Double
    public var pixels: Int
    /// Pooled Otsu threshold separating dark from light, in the first frame's luminance units.
    public var threshold: Double
    /// Medians of the light and the dark class (the darkness scale's 0 and 1).
    public var lightLevel: Double
    public var darkLevel: Double
    /// Otsu separability of the pooled values (near 0.64 for a unimodal region: no dark phase).
    public var separability: Double
    /// Per frame: fraction of the region darker than `threshold` (0…1).
    public var darkFraction: [Double]
    /// Per frame: mean darkness, clamp((l − I)/(l − d), 0, 1) with l and d the inner edges of
    /// the light and dark classes' noise bands (median ∓ 2.5 σ).
    public var integratedDarkness: [Double]

    enum CodingKeys: String, CodingKey {
        case region, area, pixels, threshold, lightLevel = "light_level", darkLevel = "dark_level"
        case separability, darkFraction = "dark_fraction", integratedDarkness = "integrated_darkness"
    }
}

/// The change between the first and the last frame.
public struct DarknessChange: Sendable, Codable, Hashable {
    public var darkFractionBefore: Double
    public var darkFractionAfter: Double
    /// (after − before) × 100, percentage points.
    public var darkFractionChangePoints: Double
    /// (after − before) / before × 100 of the integrated darkness, %.
    public var integratedDarknessChangePct: Double

    enum CodingKeys: String, CodingKey {
        case darkFractionBefore = "dark_fraction_before", darkFractionAfter = "dark_fraction_after"
        case darkFractionChangePoints = "dark_fraction_change_points"
        case integratedDarknessChangePct = "integrated_darkness_change_pct"
    }
}

/// How a frame's orientation relative to the first frame was settled by image content, for
/// a model whose symmetry leaves the orientation open (a plain square, `device4` with four
/// identical electrodes): each orientation that fits the model equally well is compared with
/// the first frame.
public struct OrientationChoice: Sendable, Codable, Hashable {
    /// Rotation of the model's x axis in the image (degrees) of each candidate orientation.
    public var rotations: [Double]
    /// Pearson correlation of the frame's luminance with the first frame's, sampled at the
    /// same model points (invariant to exposure gain and offset), per candidate.
    public var correlations: [Double]
    /// Index of the chosen candidate (the highest correlation).
    public var chosen: Int
    /// Whether the chosen correlation exceeds every other by more than 0.05; otherwise the
    /// frames could not be told apart by content and the choice is reported as uncertain.
    public var resolved: Bool
    /// Whether the choice differs from the orientation the prior rotation gave.
    public var changedFromPrior: Bool
    /// Where the frames were compared: "features" (inside the model's four-sided features,
    /// whose content differs between orientations) or "model" (the whole bounding box, used
    /// when the features alone did not decide).
    public var compared: String

    enum CodingKeys: String, CodingKey {
        case rotations = "rotations_deg", correlations, chosen, resolved, changedFromPrior = "changed_from_prior", compared
    }
}

/// Everything `DeviceAlignment.align` produces.
public struct DeviceAlignmentResult: Sendable {
    public var registrations: [DeviceRegistration]
    /// Per frame (nil for the first and for frames whose orientation was not open): how the
    /// orientation relative to the first frame was chosen by content.
    public var orientationByContent: [OrientationChoice?]
    /// The common grid in model units.
    public var grid: OutputGrid
    /// Luminance on the grid, normalised to the first frame (NaN where a frame has no data).
    public var aligned: [Image]
    /// Colour on the grid (display only), when the frame had colour.
    public var alignedColour: [RGBImage?]
    public var normalisation: [IntensityNormalisation]
    /// aligned[k] − aligned[0] for k ≥ 1.
    public var differences: [Image]
    /// RMS of each difference over pixels away from edges, in luminance units, and as a
    /// fraction of the first frame's intensity range (0.5–99.5 percentiles).
    public var differenceRMS: [Double]
    public var differenceRMSRelative: [Double]
    /// Intensity range used for the relative RMS.
    public var intensityRange: Double
    /// Pixels used for each difference RMS.
    public var differencePixels: [Int]
    public var measurement: DarknessMeasurement?
    public var change: DarknessChange?
    /// Notes for the user (images of different sizes, orientation ambiguities, …).
    public var notes: [String]
}

/// Aligns photographs of one device onto its model's grid and measures what changed
/// (issue 5, the paper's Fig. 4): registration of every frame, warping onto one grid in
/// model units, explicit intensity normalisation against the first frame, difference maps,
/// and the dark fraction / integrated darkness of a region.
public enum DeviceAlignment {
    /// - Throws: `DeviceError` from registration (per frame, naming the frame), or
    ///   `.invalidParameter` for fewer than two frames or an unknown region.
    public static func align(_ frames: [AlignmentFrame], model: AnchorModel,
                             options: DeviceAlignmentOptions = DeviceAlignmentOptions()) throws -> DeviceAlignmentResult {
        guard frames.count >= 2 else {
            throw DeviceError.invalidParameter(name: "frames", reason: "alignment needs at least two images, got \(frames.count)")
        }
        var notes: [String] = []
        if model.unit == .none {
            notes.append("model \(model.name) has no physical scale (unit px: pixels of its drawing, e.g. made by models from-image without --scale): every model-space length — MAE, grid, profiles, areas — is in drawing px, not µm")
        }
        let sizes = Set(frames.map { "\($0.luminance.width)×\($0.luminance.height)" })
        if sizes.count > 1 {
            notes.append("images have different sizes (\(frames.map { "\($0.name): \($0.luminance.width)×\($0.luminance.height)" }.joined(separator: ", "))); each is registered on its own")
        }
        // An unknown region is refused before the (slow) registrations.
        let region = try measuredRegion(model, options.regionName)
        var regs: [DeviceRegistration] = []
        for f in frames {
            do {
                regs.append(try DeviceRegistration.register(f.luminance, to: model, options: options.registration))
            } catch let e as DeviceError {
                throw Self.named(e, f.name)
            }
        }
        // Grid over the model's anchors and regions.
        var pts = model.anchorPoints.map(\.position)
        for r in model.regions { pts += r.polygon }
        let xs = pts.map(\.x), ys = pts.map(\.y)
        // A symmetric model leaves each frame's orientation to the prior; the frames must at
        // least agree with each other, so later frames take the orientation that looks most
        // like the first frame.
        var choices: [OrientationChoice?] = Array(repeating: nil, count: frames.count)
        for k in regs.indices {
            if k > 0, !regs[k].alternatives.isEmpty {
                let (reg, choice) = orientedByContent(regs[k], frames[k].luminance, reference: regs[0], frames[0].luminance,
                                                      model: model, box: (xs.min()!, ys.min()!, xs.max()!, ys.max()!))
                regs[k] = reg
                choices[k] = choice
                let others = choice.correlations.enumerated().filter { $0.offset != choice.chosen }.map { String(format: "%.2f", $0.element) }
                let how = choice.resolved
                    ? "orientation relative to \(frames[0].name) chosen by image content"
                    : "orientation relative to \(frames[0].name) NOT resolved by image content either (too similar)"
                notes.append(String(format: "%@: %@: rotation %.1f° (correlation with the first frame %.2f; other orientations %@)%@",
                                    frames[k].name, how, reg.rotationDegrees, choice.correlations[choice.chosen],
                                    others.joined(separator: ", "), choice.changedFromPrior ? ", not the prior's" : ""))
            } else if let a = regs[k].ambiguity {
                notes.append("\(frames[k].name): \(a)")
            }
        }
        let ext = max(xs.max()! - xs.min()!, ys.max()! - ys.min()!)
        let m = options.marginFraction * ext
        let centre = Point2((xs.min()! + xs.max()!) / 2, (ys.min()! + ys.max()!) / 2)
        var ppu: Double
        if let given = options.pixelsPerUnit {
            guard given.isFinite, given > 0 else { throw DeviceError.invalidParameter(name: "resolution", reason: "\(given) px per unit; must be positive") }
            ppu = given
        } else {
            ppu = regs.map { localScale($0.homography, at: centre) }.max() ?? 1
        }
        let span = ext + 2 * m
        if span * ppu > Double(options.maxGridSide) {
            if options.pixelsPerUnit != nil {
                notes.append(String(format: "resolution lowered to %.4g px per unit to keep the grid within %d px", Double(options.maxGridSide) / span, options.maxGridSide))
            }
            ppu = Double(options.maxGridSide) / span
        }
        let grid = try OutputGrid(covering: xs.min()! - m, ys.min()! - m, xs.max()! + m, ys.max()! + m,
                                  pixelsPerUnit: ppu, unit: model.unit)
        var raw: [Image] = []
        var colour: [RGBImage?] = []
        for (k, f) in frames.enumerated() {
            raw.append(try f.luminance.warped(to: grid, modelToImage: regs[k].homography, fill: .nan))
            colour.append(try f.colour.map { try $0.warped(to: grid, modelToImage: regs[k].homography) })
        }
        // Masks on the grid.
        let n = grid.width * grid.height
        var regionMask = [Bool](repeating: false, count: n)
        var insetMask = regionMask
        if let region {
            let inset = options.regionInsetImagePixels / (regs.map { localScale($0.homography, at: centre) }.min() ?? ppu)
            for j in 0..<grid.height {
                for i in 0..<grid.width {
                    let p = grid.modelPoint(Double(i), Double(j))
                    guard region.contains(p) else { continue }
                    regionMask[j * grid.width + i] = true
                    insetMask[j * grid.width + i] = distanceToOutline(p, region.polygon) >= inset
                }
            }
        }
        var valid = [Bool](repeating: true, count: n)
        for im in raw { for i in 0..<n where !im.pixels[i].isFinite { valid[i] = false } }
        let range = intensityRange(raw[0], valid)
        var flatMask = valid
        for im in raw { markEdges(im, range: range, into: &flatMask) }
        // Normalisation against frame 0 on unchanged, flat reference pixels.
        var norms = [IntensityNormalisation(gain: 1, gradientX: 0, gradientY: 0, referencePixels: 0)]
        var aligned = [raw[0]]
        let gc = grid.modelPoint(Double(grid.width - 1) / 2, Double(grid.height - 1) / 2)
        for k in 1..<raw.count {
            let (nrm, out) = normalise(raw[k], against: raw[0], grid: grid, centre: gc,
                                       reference: (0..<n).map { flatMask[$0] && !regionMask[$0] })
            norms.append(nrm)
            aligned.append(out)
        }
        norms[0].referencePixels = norms.count > 1 ? norms[1].referencePixels : 0
        var diffs: [Image] = []
        var rms: [Double] = [], rel: [Double] = [], used: [Int] = []
        for k in 1..<aligned.count {
            var d = aligned[k]
            var s = 0.0, c = 0
            for i in 0..<n {
                d.pixels[i] = aligned[k].pixels[i] - aligned[0].pixels[i]
                if flatMask[i] && d.pixels[i].isFinite { s += Double(d.pixels[i] * d.pixels[i]); c += 1 }
            }
            d.valueUnit = "luminance (after − before)"
            diffs.append(d)
            let r = c > 0 ? (s / Double(c)).squareRoot() : .nan
            rms.append(r); rel.append(r / range); used.append(c)
        }
        var measurement: DarknessMeasurement?
        var change: DarknessChange?
        if let region {
            let sel = (0..<n).filter { insetMask[$0] && valid[$0] }
            if sel.count >= 16 {
                measurement = try measure(aligned, sel, region: region.name, pixelArea: 1 / (ppu * ppu))
                if let mm = measurement, let first = mm.darkFraction.first, let last = mm.darkFraction.last,
                   let d0 = mm.integratedDarkness.first, let d1 = mm.integratedDarkness.last {
                    change = DarknessChange(darkFractionBefore: first, darkFractionAfter: last,
                                            darkFractionChangePoints: (last - first) * 100,
                                            integratedDarknessChangePct: d0 > 0 ? (d1 - d0) / d0 * 100 : .nan)
                    if mm.separability < 0.7 {
                        notes.append(String(format: "region %@ shows no distinct dark phase (Otsu separability %.2f): the dark fraction is not meaningful", region.name, mm.separability))
                    }
                }
            } else {
                notes.append("region \(region.name) has fewer than 16 pixels seen in every frame; nothing measured")
            }
        }
        return DeviceAlignmentResult(registrations: regs, orientationByContent: choices, grid: grid, aligned: aligned, alignedColour: colour,
                                     normalisation: norms, differences: diffs, differenceRMS: rms,
                                     differenceRMSRelative: rel, intensityRange: range, differencePixels: used,
                                     measurement: measurement, change: change, notes: notes)
    }

    /// Among `reg` and its equally fitting alternative orientations, the one whose view of the
    /// model correlates best with the reference frame's (`contentCorrelation`): first inside
    /// the model's four-sided features (inset by 5 % of their size) — what the symmetric
    /// outline and electrodes look like is the same in every orientation, so only the
    /// features' content tells them apart, and comparing just that keeps the margin large —
    /// and, when that does not decide (a plain feature), over the whole bounding box `box`
    /// (x0, y0, x1, y1 in model units).
    static func orientedByContent(_ reg: DeviceRegistration, _ image: Image, reference: DeviceRegistration, _ refImage: Image,
                                  model: AnchorModel, box: (Double, Double, Double, Double)) -> (DeviceRegistration, OrientationChoice) {
        let candidates = [reg] + reg.alternatives
        let quads = ((try? ModelQuadrilateral.all(in: model)) ?? []).map { q -> ([Point2], Double) in
            let c = q.corners.map(\.position)
            return (c, 0.05 * abs(signedArea(c)).squareRoot())
        }
        func inFeature(_ m: Point2) -> Bool {
            quads.contains { q in
                NamedRegion(name: "", polygon: q.0).contains(m) && distanceToOutline(m, q.0) >= q.1
            }
        }
        func decide(_ corr: [Double]) -> (Int, Bool) {
            let best = corr.indices.max { (corr[$0].isNaN ? -2 : corr[$0]) < (corr[$1].isNaN ? -2 : corr[$1]) } ?? 0
            return (best, corr[best].isFinite && corr.indices.allSatisfy { $0 == best || !(corr[$0] > corr[best] - 0.05) })
        }
        // A 128 × 128 lattice over the box.
        let n = 128
        let lattice = (0..<(n * n)).map { k in
            Point2(box.0 + (box.2 - box.0) * (Double(k % n) + 0.5) / Double(n),
                   box.1 + (box.3 - box.1) * (Double(k / n) + 0.5) / Double(n))
        }
        let interior = lattice.filter(inFeature)
        var corr = candidates.map {
            contentCorrelation(refImage, reference.homography, image, $0.homography, at: interior)
        }
        var (best, resolved) = decide(corr)
        var compared = "features"
        if !resolved {
            let whole = candidates.map { contentCorrelation(refImage, reference.homography, image, $0.homography, at: lattice) }
            let (b, r) = decide(whole)
            if r { corr = whole; best = b; resolved = true; compared = "model" }
        }
        var chosen = candidates[best]
        chosen.alternatives = candidates.indices.filter { $0 != best }.map { i in
            var c = candidates[i]
            c.alternatives = []
            c.ambiguity = nil
            return c
        }
        let list = candidates.map { String(format: "%.1f°", $0.rotationDegrees) }.joined(separator: ", ")
        chosen.ambiguity = "\(candidates.count) orientations fit the model equally well (rotations \(list)); "
            + (resolved ? String(format: "took %.1f°, the one most like the first frame (correlation %.2f)", chosen.rotationDegrees, corr[best])
                        : String(format: "took %.1f°, the one most like the first frame, but by a margin too small to trust (correlation %.2f)", chosen.rotationDegrees, corr[best]))
        return (chosen, OrientationChoice(rotations: candidates.map(\.rotationDegrees), correlations: corr, chosen: best,
                                          resolved: resolved, changedFromPrior: best != 0, compared: compared))
    }

    /// Pearson correlation of two images sampled at the same model points (model units),
    /// mapped by each image's model → image homography; points outside either image are
    /// skipped. NaN when fewer than 100 points are seen by both or either image is flat there.
    /// Invariant to exposure gain and offset, so it compares photographs taken with different
    /// exposures.
    /// - Complexity: 2 bilinear samples per point.
    static func contentCorrelation(_ a: Image, _ ha: Homography, _ b: Image, _ hb: Homography, at points: [Point2]) -> Double {
        var sa = 0.0, sb = 0.0, saa = 0.0, sbb = 0.0, sab = 0.0, c = 0.0
        for m in points {
            guard let va = a.sample(at: ha.apply(m)), let vb = b.sample(at: hb.apply(m)), va.isFinite, vb.isFinite else { continue }
            let x = Double(va), y = Double(vb)
            sa += x; sb += y; saa += x * x; sbb += y * y; sab += x * y; c += 1
        }
        guard c >= 100 else { return .nan }
        let cov = sab / c - sa / c * sb / c
        let va = saa / c - sa / c * sa / c, vb = sbb / c - sb / c * sb / c
        guard va > 0, vb > 0 else { return .nan }
        return cov / (va * vb).squareRoot()
    }

    static func named(_ e: DeviceError, _ file: String) -> DeviceError {
        switch e {
        case .structureNotFound(let r): return .structureNotFound(reason: "\(file): \(r)")
        case .modelMismatch(let r): return .modelMismatch(reason: "\(file): \(r)")
        case .residualTooLarge(_, let a, let b, let c): return .residualTooLarge(file: file, rmsPixels: a, limitPixels: b, detail: c)
        default: return e
        }
    }

    /// The region to measure (see `DeviceAlignmentOptions.regionName`).
    static func measuredRegion(_ model: AnchorModel, _ name: String?) throws -> NamedRegion? {
        if let name {
            guard let r = model.region(named: name) else {
                let avail = model.regions.map(\.name)
                throw DeviceError.invalidParameter(name: "region", reason: "\(model.name) has no region \"\(name)\"; it has \(avail.isEmpty ? "none" : avail.joined(separator: ", "))")
            }
            return r
        }
        if let r = model.region(named: "active") { return r }
        if let quads = try? ModelQuadrilateral.all(in: model), quads.count == 1 {
            return NamedRegion(name: "quadrilateral", polygon: quads[0].corners.map(\.position))
        }
        return nil
    }

    /// Image pixels per model unit of H around model point p (square root of the local area scale).
    static func localScale(_ h: Homography, at p: Point2) -> Double {
        let q = [p, p + Point2(1, 0), p + Point2(1, 1), p + Point2(0, 1)].map { h.apply($0) }
        return abs(signedArea(q)).squareRoot()
    }

    static func distanceToOutline(_ p: Point2, _ poly: [Point2]) -> Double {
        var best = Double.infinity
        for i in poly.indices {
            let a = poly[i], b = poly[(i + 1) % poly.count]
            let e = b - a
            let l2 = e.lengthSquared
            let t = l2 > 0 ? max(0, min(1, ((p.x - a.x) * e.x + (p.y - a.y) * e.y) / l2)) : 0
            best = min(best, p.distance(to: Point2(a.x + t * e.x, a.y + t * e.y)))
        }
        return best
    }

    static func intensityRange(_ im: Image, _ valid: [Bool]) -> Double {
        // Percentiles from at most ~65 k evenly spread samples: exact enough for a range.
        let stride = max(1, im.count / 65_536)
        let v = Swift.stride(from: 0, to: im.count, by: stride).filter { valid[$0] }.map { im.pixels[$0] }.sorted()
        guard v.count > 10 else { return 1 }
        let lo = v[Int(0.005 * Double(v.count - 1))], hi = v[Int(0.995 * Double(v.count - 1))]
        return max(Double(hi - lo), 1e-6)
    }

    /// Clears `mask` within 2 px of pixels whose central-difference gradient exceeds 5 % of
    /// the intensity range per pixel (structure edges, where sub-pixel misregistration and
    /// resampling dominate any difference).
    static func markEdges(_ im: Image, range: Double, into mask: inout [Bool]) {
        let w = im.width, h = im.height
        let t = Float(0.05 * range)
        var edge = [Bool](repeating: false, count: w * h)
        for y in 1..<(h - 1) {
            for x in 1..<(w - 1) {
                let i = y * w + x
                let gx = (im.pixels[i + 1] - im.pixels[i - 1]) / 2, gy = (im.pixels[i + w] - im.pixels[i - w]) / 2
                if !(gx * gx + gy * gy <= t * t) { edge[i] = true }
            }
        }
        let r = 2
        for y in 0..<h {
            for x in 0..<w where edge[y * w + x] {
                for dy in -r...r {
                    let yy = y + dy
                    guard yy >= 0, yy < h else { continue }
                    for dx in -r...r where dx * dx + dy * dy <= r * r {
                        let xx = x + dx
                        if xx >= 0 && xx < w { mask[yy * w + xx] = false }
                    }
                }
            }
        }
        for x in 0..<w { mask[x] = false; mask[(h - 1) * w + x] = false }
        for y in 0..<h { mask[y * w] = false; mask[y * w + w - 1] = false }
    }

    /// Fits I_k ≈ (g + gx·x + gy·y) I_0 on the reference pixels (3 rounds of 3·MAD trimming)
    /// and divides it out.
    static func normalise(_ im: Image, against ref: Image, grid: OutputGrid, centre: Point2,
                          reference: [Bool]) -> (IntensityNormalisation, Image) {
        var idx = (0..<im.count).filter { reference[$0] && im.pixels[$0].isFinite && ref.pixels[$0].isFinite && ref.pixels[$0] > 0 }
        var coef = [1.0, 0, 0]
        func xy(_ i: Int) -> (Double, Double) {
            let p = grid.modelPoint(Double(i % grid.width), Double(i / grid.width))
            return (p.x - centre.x, p.y - centre.y)
        }
        for _ in 0..<3 {
            guard idx.count >= 10 else { break }
            var a = [[Double]](repeating: [0, 0, 0], count: 3), b = [0.0, 0, 0]
            for i in idx {
                let (x, y) = xy(i)
                let r = Double(ref.pixels[i])
                let f = [r, r * x, r * y]
                let v = Double(im.pixels[i])
                for p in 0..<3 { b[p] += f[p] * v; for q in 0..<3 { a[p][q] += f[p] * f[q] } }
            }
            guard let c = solve3(a, b) else { break }
            coef = c
            let res = idx.map { i -> Double in
                let (x, y) = xy(i)
                return abs(Double(im.pixels[i]) - (c[0] + c[1] * x + c[2] * y) * Double(ref.pixels[i]))
            }
            let cut = max(3 * 1.4826 * subsampledMedian(res), 1e-3)
            idx = zip(idx, res).filter { $0.1 <= cut }.map(\.0)
        }
        var out = im
        for i in 0..<im.count {
            let (x, y) = xy(i)
            let g = coef[0] + coef[1] * x + coef[2] * y
            out.pixels[i] = g > 0 ? Float(Double(im.pixels[i]) / g) : .nan
        }
        return (IntensityNormalisation(gain: coef[0], gradientX: coef[1] / coef[0], gradientY: coef[2] / coef[0],
                                       referencePixels: idx.count), out)
    }

    static func solve3(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        func det(_ m: [[Double]]) -> Double {
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        }
        let d = det(a)
        guard abs(d) > 1e-300, d.isFinite else { return nil }
        return (0..<3).map { c in
            var m = a
            for r in 0..<3 { m[r][c] = b[r] }
            return det(m) / d
        }
    }

    static func measure(_ frames: [Image], _ sel: [Int], region: String, pixelArea: Double) throws -> DarknessMeasurement {
        var pooled: [Float] = []
        for f in frames { for i in sel { pooled.append(f.pixels[i]) } }
        let pooledImage = try Image(width: pooled.count, height: 1, pixels: pooled)
        let otsu = try OtsuThreshold(pooledImage)
        let t = otsu.threshold
        let lightValues = pooled.filter { $0 > t }, darkValues = pooled.filter { $0 <= t }
        let light = median(lightValues), dark = median(darkValues)
        // The darkness scale runs between the classes' noise bands (median ∓ 2.5 σ, σ from the
        // MAD), so uniformly light or dark pixels count exactly 0 or 1 and only mixed pixels
        // count in between; without this, noise and shading would add an offset to both frames.
        let lightEdge = light - 2.5 * 1.4826 * median(lightValues.map { abs($0 - light) })
        let darkEdge = dark + 2.5 * 1.4826 * median(darkValues.map { abs($0 - dark) })
        let lo = min(darkEdge, lightEdge), hi = max(darkEdge, lightEdge)
        var fractions: [Double] = [], integrated: [Double] = []
        for f in frames {
            var nd = 0, s = 0.0
            for i in sel {
                let v = f.pixels[i]
                if v <= t { nd += 1 }
                s += min(max(Double(hi - v) / Double(max(hi - lo, 1e-6)), 0), 1)
            }
            fractions.append(Double(nd) / Double(sel.count))
            integrated.append(s / Double(sel.count))
        }
        return DarknessMeasurement(region: region, area: Double(sel.count) * pixelArea, pixels: sel.count,
                                   threshold: Double(t), lightLevel: Double(light), darkLevel: Double(dark),
                                   separability: otsu.separability, darkFraction: fractions, integratedDarkness: integrated)
    }

    /// Median of at most ~65 k evenly spread samples of `v` (exact for shorter arrays).
    static func median(_ v: [Float]) -> Float {
        guard !v.isEmpty else { return .nan }
        let stride = max(1, v.count / 65_536)
        let s = Swift.stride(from: 0, to: v.count, by: stride).map { v[$0] }.sorted()
        return s[s.count / 2]
    }

    static func subsampledMedian(_ v: [Double]) -> Double {
        guard !v.isEmpty else { return .nan }
        let stride = max(1, v.count / 65_536)
        let s = Swift.stride(from: 0, to: v.count, by: stride).map { v[$0] }.sorted()
        return s[s.count / 2]
    }
}
