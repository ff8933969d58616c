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
    /// Worker threads for the frames' independent work (registration, warps, edge masks);
    /// `nil`: one per core, at most one per frame. The result is the same to the bit for any
    /// count: each frame's work is sequential and the frames are combined in their order.
    public var threads: Int?

    public init() {}
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
    /// The alignment's verdict: every frame's (`DeviceRegistration.quality`, messages prefixed
    /// with the frame's name, evidence keys with `frameK_`); refused when any frame is.
    public var quality: Verdict
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
        let regOptions = options.registration
        let registered = BatchFit.map(frames, threads: options.threads) { _, f in
            Result { try DeviceRegistration.register(f.luminance, to: model, options: regOptions) }
        }
        var regs: [DeviceRegistration] = []
        for (f, r) in zip(frames, registered) {
            do {
                regs.append(try r.get())
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
        // Each frame's verdict (its alternatives carry their own, so an orientation changed by
        // content keeps the verdict of the registration kept).
        var quality = Verdict()
        for k in regs.indices {
            var v = Verdict()
            for r in regs[k].quality.reasons { v.add(r.status, r.code, "\(frames[k].name): \(r.message)") }
            for (key, value) in regs[k].quality.evidence { v.evidence["frame\(k)_\(key)"] = value }
            quality = quality.merged(with: v)
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
        let homographies = regs.map(\.homography)
        let warps = BatchFit.map(frames, threads: options.threads) { k, f in
            Result { () throws -> (Image, RGBImage?) in
                (try f.luminance.warped(to: grid, modelToImage: homographies[k], fill: .nan),
                 try f.colour.map { try $0.warped(to: grid, modelToImage: homographies[k]) })
            }
        }
        var raw: [Image] = []
        var colour: [RGBImage?] = []
        for w in warps {
            let (l, c) = try w.get()
            raw.append(l)
            colour.append(c)
        }
        // Masks on the grid.
        let n = grid.width * grid.height
        var regionMask = [Bool](repeating: false, count: n)
        var insetMask = regionMask
        if let region {
            let inset = options.regionInsetImagePixels / (regs.map { localScale($0.homography, at: centre) }.min() ?? ppu)
            // Other regions drawn over the measured one (electrodes overlapping the film) hide
            // it: their pixels, and those within the inset of their outlines, are not measured.
            let covering = model.regions.filter { $0.name != region.name && $0.polygon.contains(where: region.contains) }
            for j in 0..<grid.height {
                for i in 0..<grid.width {
                    let p = grid.modelPoint(Double(i), Double(j))
                    guard region.contains(p) else { continue }
                    regionMask[j * grid.width + i] = true
                    insetMask[j * grid.width + i] = distanceToOutline(p, region.polygon) >= inset
                        && covering.allSatisfy { !$0.contains(p) && distanceToOutline(p, $0.polygon) >= inset }
                }
            }
        }
        var valid = [Bool](repeating: true, count: n)
        valid.withUnsafeMutableBufferPointer { v in
            for im in raw { im.pixels.withUnsafeBufferPointer { p in for i in 0..<n where !p[i].isFinite { v[i] = false } } }
        }
        let range = intensityRange(raw[0], valid)
        var flatMask = valid
        for near in BatchFit.map(raw, threads: options.threads, { _, im in nearEdges(im, range: range) }) {
            flatMask.withUnsafeMutableBufferPointer { f in
                near.withUnsafeBufferPointer { e in for i in 0..<n where e[i] != 0 { f[i] = false } }
            }
        }
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
            aligned[0].pixels.withUnsafeBufferPointer { a0 in
                d.pixels.withUnsafeMutableBufferPointer { dp in
                    for i in 0..<n {
                        dp[i] -= a0[i]
                        if flatMask[i] && dp[i].isFinite { s += Double(dp[i] * dp[i]); c += 1 }
                    }
                }
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
                                     measurement: measurement, change: change, notes: notes, quality: quality)
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
}
