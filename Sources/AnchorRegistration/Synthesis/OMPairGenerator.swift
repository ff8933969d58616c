import AnchorGeometry
import AnchorImaging
import AnchorModels
import Foundation
import RealModule

/// Ground truth of a synthetic optical-microscope pair (written as `truth.json`).
public struct OMPairTruth: Sendable, Codable {
    public var generator: String = "om-pair"
    public var parameters: OMPairParameters
    /// The device model (`device4:side`, µm).
    public var model: AnchorModel
    /// Model (µm) → image (px) homography of each photograph.
    public var homographies: [Homography]
    /// Image positions of the model's anchors (corners C1–C4, centre) in each photograph.
    public var anchorsInImage: [[Point2]]
    /// Dark fraction of the active area before and after, measured on the truth grid over
    /// the visible film (where electrodes overlap the square, the film under them is hidden
    /// and not counted).
    public var darkFractionBefore: Double
    public var darkFractionAfter: Double
    /// After − before, in percentage points.
    public var darkFractionChangePoints: Double
    /// Mean darkness (0 light … 1 fully dark) of the active area before and after.
    public var integratedDarknessBefore: Double
    public var integratedDarknessAfter: Double
    /// Relative change of the integrated darkness, %.
    public var integratedDarknessChangePct: Double
    /// Number of samples per side of the active-area grid the fractions were measured on.
    public var truthGridSize: Int
    /// Exposure gain applied to each photograph.
    public var exposureGains: [Double]
    /// Per photograph, the red, green and blue gains of the white-balance shift.
    public var whiteBalanceGains: [[Double]]

    enum CodingKeys: String, CodingKey {
        case generator, parameters, model, homographies, anchorsInImage = "anchors_in_image"
        case darkFractionBefore = "dark_fraction_before", darkFractionAfter = "dark_fraction_after"
        case darkFractionChangePoints = "dark_fraction_change_points"
        case integratedDarknessBefore = "integrated_darkness_before"
        case integratedDarknessAfter = "integrated_darkness_after"
        case integratedDarknessChangePct = "integrated_darkness_change_pct"
        case truthGridSize = "truth_grid_size", exposureGains = "exposure_gains", whiteBalanceGains = "white_balance_gains"
    }
}

/// A synthetic photograph pair and its truth.
public struct OMPair: Sendable {
    /// The "before" and "after" photographs (8-bit RGB, uncalibrated: the camera's scale is
    /// what the registration finds).
    /// With `jpegQuality` set, these are the decoded JPEGs, and `beforeJPEG` / `afterJPEG`
    /// hold the files' bytes.
    public var before: RGBImage
    public var after: RGBImage
    public var beforeJPEG: Data?
    public var afterJPEG: Data?
    public var truth: OMPairTruth
    /// The true darkness (0 light … 1 fully dark) of the active area before and after, on
    /// the truth grid: `truthGridSize`² samples, sample (i, j) at model point
    /// ((i + ½)·side/n, (j + ½)·side/n) µm, calibrated in µm (pixel size side/n). The first
    /// sample's centre is half a sample inside the square's corner C1. NaN where an
    /// electrode overlapping the square hides the film.
    public var darknessBefore: Image
    public var darknessAfter: Image
}

/// Renders two photographs of a four-terminal square device (`BuiltinModels
/// .fourTerminalDevice`, the memristor of the paper's Fig. 4) taken from different camera
/// positions, with a light resistive layer inside the square whose dark (reduced) part grows
/// or shrinks by a known amount between the two — the darkness moves towards electrodes
/// T2 and T4, as in the paper.
///
/// Each pixel is rendered exactly: its 3 × 3 sub-samples are mapped through the frame's
/// image → model homography and coloured by the region they fall in (substrate, electrode,
/// active layer light or dark); then optical blur, a multiplicative illumination gradient,
/// an exposure gain and white noise are applied. The dark pattern is a smooth random field
/// thresholded at the quantile that gives exactly the requested dark fraction on a
/// `truthGridSize`² grid of the active area (default 512²), on which the truth is measured.
public struct OMPairGenerator: Sendable {

    public init() {}

    public func generate(_ p: OMPairParameters) throws -> OMPair {
        try p.validate()
        let model = BuiltinModels.fourTerminalDevice(side: p.side, electrodeReach: p.look.electrodes.reach)
        let electrodes = model.regions.filter { $0.name.hasPrefix("T") }
        var g = SeededGenerator(seed: p.seed, stream: 0x0A)
        let field = DarknessField(side: p.side, generator: &g)
        let n = p.truthGridSize
        // Field values on the grid, before (f) and after (f + drift towards T2/T4).
        var before = [Double](repeating: 0, count: n * n)
        var after = before
        var visible = [Bool](repeating: true, count: n * n)
        for j in 0..<n {
            for i in 0..<n {
                let m = Point2((Double(i) + 0.5) / Double(n) * p.side, (Double(j) + 0.5) / Double(n) * p.side)
                before[j * n + i] = field.value(m)
                after[j * n + i] = field.valueAfter(m)
                visible[j * n + i] = !electrodes.contains { $0.contains(m) }
            }
        }
        let shownBefore = zip(before, visible).filter(\.1).map(\.0)
        let shownAfter = zip(after, visible).filter(\.1).map(\.0)
        let t0 = Self.quantile(shownBefore, p.darkFractionBefore)
        let t1 = Self.quantile(shownAfter, p.darkFractionBefore + p.darkFractionChange)
        let shown = Double(shownBefore.count)
        let fractionBefore = Double(shownBefore.filter { $0 < t0 }.count) / shown
        let fractionAfter = Double(shownAfter.filter { $0 < t1 }.count) / shown
        let w = field.edgeWidth
        let meanBefore = shownBefore.reduce(0) { $0 + Self.darkness($1, t0, w) } / shown
        let meanAfter = shownAfter.reduce(0) { $0 + Self.darkness($1, t1, w) } / shown

        var homographies: [Homography] = []
        var images: [RGBImage] = []
        var gains: [Double] = []
        var balances: [[Double]] = []
        var files: [Data] = []
        for frame in 0..<2 {
            var fg = SeededGenerator(seed: p.seed, stream: 0x0B &+ UInt64(frame))
            let h = cameraHomography(p, generator: &fg)
            let gain = fg.uniform(0.85, 1.15)
            // Drawn only when asked for, so that the default look's images stay those of issue 5.
            let balance = p.look.colour && p.whiteBalance > 0 ? (0..<3).map { _ in 1 + fg.uniform(-p.whiteBalance, p.whiteBalance) } : [1, 1, 1]
            let grid = frame == 0 ? before : after
            let threshold = frame == 0 ? t0 : t1
            var img = try render(p, model: model, homography: h, grid: grid, threshold: threshold,
                                 edgeWidth: w, gain: gain, balance: balance, generator: &fg)
            if let q = p.jpegQuality {
                // The camera's file: what a reader decodes is what the aligner sees.
                let data = try JPEGWriter.encode(rgb: img, quality: q)
                guard let rgb = try JPEGReader.read(data: data).rgb else {
                    throw SynthesisError.invalidParameter(name: "JPEG quality", reason: "the encoded JPEG decoded without colour")
                }
                img = rgb
                files.append(data)
            }
            homographies.append(h)
            images.append(img)
            gains.append(gain)
            balances.append(balance)
        }
        let truth = OMPairTruth(
            parameters: p, model: model, homographies: homographies,
            anchorsInImage: homographies.map { h in model.anchorPoints.map { h.apply($0.position) } },
            darkFractionBefore: fractionBefore, darkFractionAfter: fractionAfter,
            darkFractionChangePoints: (fractionAfter - fractionBefore) * 100,
            integratedDarknessBefore: meanBefore, integratedDarknessAfter: meanAfter,
            integratedDarknessChangePct: (meanAfter - meanBefore) / meanBefore * 100,
            truthGridSize: n, exposureGains: gains, whiteBalanceGains: balances)
        let ps = PixelSize(x: p.side / Double(n), y: p.side / Double(n))
        let mapBefore = try Image(width: n, height: n, pixels: before.indices.map { visible[$0] ? Float(Self.darkness(before[$0], t0, w)) : .nan },
                                  pixelSize: ps, unit: .micrometre)
        let mapAfter = try Image(width: n, height: n, pixels: after.indices.map { visible[$0] ? Float(Self.darkness(after[$0], t1, w)) : .nan },
                                 pixelSize: ps, unit: .micrometre)
        return OMPair(before: images[0], after: images[1], beforeJPEG: files.first, afterJPEG: files.last, truth: truth,
                      darknessBefore: mapBefore, darknessAfter: mapAfter)
    }

    /// Darkness 0…1 of a field value against the threshold: a steep logistic edge, ≥ 0.5
    /// exactly where the value is below the threshold (so "dark" ⇔ darkness ≥ 0.5).
    static func darkness(_ f: Double, _ t: Double, _ w: Double) -> Double {
        1 / (1 + Double.exp((f - t) / w))
    }

    static func quantile(_ values: [Double], _ q: Double) -> Double {
        let s = values.sorted()
        let k = min(max(Int((q * Double(s.count)).rounded()), 1), s.count - 1)
        // Midway between neighbours so that exactly k values lie below.
        return (s[k - 1] + s[k]) / 2
    }

    private func cameraHomography(_ p: OMPairParameters, generator g: inout SeededGenerator) -> Homography {
        let minSide = Double(min(p.width, p.height))
        let scale = g.uniform(p.squareSizeRange.lowerBound, p.squareSizeRange.upperBound) * minSide / p.side
        let theta = g.uniform(-p.maxRotationDegrees, p.maxRotationDegrees) * .pi / 180
        let pa = g.uniform(-p.maxPerspective, p.maxPerspective), pb = g.uniform(-p.maxPerspective, p.maxPerspective)
        // Perspective on the centred model: w = 1 + (pa·x + pb·y) / side changes the scale by
        // about pa, pb across the square.
        let persp = Homography(1, 0, 0, 0, 1, 0, pa / p.side, pb / p.side, 1)
        let shiftRange = 0.08 * minSide
        let cx = Double(p.width - 1) / 2 + g.uniform(-shiftRange, shiftRange)
        let cy = Double(p.height - 1) / 2 + g.uniform(-shiftRange, shiftRange)
        return (Homography.translation(cx, cy) * Homography.rotation(theta) * Homography.scaling(scale, scale)
            * persp * Homography.translation(-p.side / 2, -p.side / 2)).normalized()
    }

    private func render(_ p: OMPairParameters, model: AnchorModel, homography h: Homography, grid: [Double],
                        threshold: Double, edgeWidth: Double, gain: Double, balance: [Double],
                        generator g: inout SeededGenerator) throws -> RGBImage {
        let inv = try h.inverse()
        let w = p.width, ht = p.height, n = p.truthGridSize
        let s = p.side
        let electrodes = model.regions.filter { $0.name.hasPrefix("T") }
        let (substrate, metal, light) = p.look.palette
        let c = p.darkContrast
        let dark = p.look.colour ? (light.0 * (1 - c), light.1 * (1 - 1.15 * c), light.2 * (1 - 1.3 * c))
                                 : (light.0 * (1 - c), light.1 * (1 - c), light.2 * (1 - c))
        func fieldAt(_ m: Point2) -> Double {
            // Bilinear interpolation of the grid (cell-centred samples).
            let gx = min(max(m.x / s * Double(n) - 0.5, 0), Double(n - 1))
            let gy = min(max(m.y / s * Double(n) - 0.5, 0), Double(n - 1))
            let i0 = min(Int(gx), n - 2), j0 = min(Int(gy), n - 2)
            let fx = gx - Double(i0), fy = gy - Double(j0)
            let a = grid[j0 * n + i0], b = grid[j0 * n + i0 + 1]
            let c = grid[(j0 + 1) * n + i0], d = grid[(j0 + 1) * n + i0 + 1]
            return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy
        }
        // Classify the (w + 1) × (h + 1) pixel corners: 0 substrate, 1 electrode, 2 active.
        // A pixel whose four corners agree is coloured from its centre; the few pixels on an
        // edge are supersampled 3 × 3 (area coverage to 1/9).
        // Electrodes lie on top of the film where they overlap it.
        func regionClass(_ m: Point2) -> UInt8 {
            for e in electrodes where e.contains(m) { return 1 }
            if m.x >= 0 && m.x < s && m.y >= 0 && m.y < s { return 2 }
            return 0
        }
        func colour(_ m: Point2, _ cls: UInt8) -> (Double, Double, Double) {
            switch cls {
            case 2:
                let d = Self.darkness(fieldAt(m), threshold, edgeWidth)
                return (light.0 + (dark.0 - light.0) * d, light.1 + (dark.1 - light.1) * d,
                        light.2 + (dark.2 - light.2) * d)
            case 1: return metal
            default: return substrate
            }
        }
        var corners = [UInt8](repeating: 0, count: (w + 1) * (ht + 1))
        for y in 0...ht {
            for x in 0...w {
                corners[y * (w + 1) + x] = regionClass(inv.apply(Point2(Double(x) - 0.5, Double(y) - 0.5)))
            }
        }
        var planes = [[Float]](repeating: [Float](repeating: 0, count: w * ht), count: 3)
        let sub = [-1.0 / 3, 0, 1.0 / 3]
        for y in 0..<ht {
            for x in 0..<w {
                let c00 = corners[y * (w + 1) + x], c10 = corners[y * (w + 1) + x + 1]
                let c01 = corners[(y + 1) * (w + 1) + x], c11 = corners[(y + 1) * (w + 1) + x + 1]
                var acc: (Double, Double, Double)
                if c00 == c10 && c00 == c01 && c00 == c11 {
                    acc = colour(inv.apply(Point2(Double(x), Double(y))), c00)
                } else {
                    acc = (0, 0, 0)
                    for sy in sub {
                        for sx in sub {
                            let m = inv.apply(Point2(Double(x) + sx, Double(y) + sy))
                            let col = colour(m, regionClass(m))
                            acc.0 += col.0; acc.1 += col.1; acc.2 += col.2
                        }
                    }
                    acc = (acc.0 / 9, acc.1 / 9, acc.2 / 9)
                }
                planes[0][y * w + x] = Float(acc.0)
                planes[1][y * w + x] = Float(acc.1)
                planes[2][y * w + x] = Float(acc.2)
            }
        }
        if p.blurSigma > 0 {
            for k in 0..<3 {
                planes[k] = try Image(width: w, height: ht, pixels: planes[k]).gaussianBlurred(sigma: p.blurSigma).pixels
            }
        }
        // Illumination: linear gradient in a random direction plus vignetting.
        let angle = g.uniform(0, 2 * .pi)
        let dirX = Double.cos(angle), dirY = Double.sin(angle)
        let half = (Double(w * w + ht * ht)).squareRoot() / 2
        let strength = p.illuminationGradient, vignette = p.vignetting
        var samples = [UInt8](repeating: 0, count: w * ht * 3)
        for y in 0..<ht {
            for x in 0..<w {
                let dx = (Double(x) - Double(w - 1) / 2) / half, dy = (Double(y) - Double(ht - 1) / 2) / half
                let illum = gain * (1 + strength * (dirX * dx + dirY * dy)) * (1 - vignette * (dx * dx + dy * dy))
                // A grey camera has one sensor value per pixel: the same noise in every channel.
                let shared = p.look.colour || p.noise == 0 ? 0 : p.noise * 255 * g.normal()
                for k in 0..<3 {
                    var v = Double(planes[k][y * w + x]) * illum * balance[k]
                    if p.noise > 0 { v += p.look.colour ? p.noise * 255 * g.normal() : shared }
                    samples[(y * w + x) * 3 + k] = UInt8(min(max(v.rounded(), 0), 255))
                }
            }
        }
        return try RGBImage(width: w, height: ht, samples: samples)
    }
}

/// The smooth random field whose low values are the dark (reduced) regions: a sum of
/// Gaussian bumps over the active square, and for the "after" photograph the same plus a
/// term that lowers it towards the left and right sides (electrodes T4 and T2).
struct DarknessField: Sendable {
    var bumps: [(centre: Point2, sigma: Double, amplitude: Double)]
    var side: Double
    var edgeWidth: Double

    init(side: Double, generator g: inout SeededGenerator) {
        self.side = side
        bumps = (0..<40).map { _ in
            (Point2(g.uniform(-0.1, 1.1) * side, g.uniform(-0.1, 1.1) * side),
             g.uniform(0.05, 0.18) * side, g.uniform(-1, 1))
        }
        edgeWidth = 0.002
    }

    func value(_ m: Point2) -> Double {
        var v = 0.0
        for b in bumps {
            let q = m.distanceSquared(to: b.centre) / (2 * b.sigma * b.sigma)
            // Beyond 4σ a bump adds less than 3.4e-4 of its amplitude: skip the exp.
            if q < 8 { v += b.amplitude * Double.exp(-q) }
        }
        return v
    }

    func valueAfter(_ m: Point2) -> Double {
        value(m) - 0.4 * abs(m.x / side - 0.5)
    }
}
