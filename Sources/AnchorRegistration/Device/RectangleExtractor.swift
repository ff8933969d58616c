import AnchorGeometry
import AnchorImaging
import Foundation

/// Options of `RectangleExtractor`.
public struct RectangleExtractorOptions: Sendable, Hashable, Codable {
    /// Whether the structure is brighter than the background; `nil` (default) decides from
    /// the image: the Otsu class that covers most of the image border is the background.
    public var brightStructure: Bool?
    /// Gaussian blur σ in pixels of the analysed image before thresholding and edge location
    /// (suppresses sensor noise and JPEG blocking; a symmetric blur does not move straight edges).
    public var blurSigma: Double = 1
    /// Whether the illumination (vignetting, gradients) is divided out before thresholding:
    /// a cubic surface fitted robustly to the background (`illuminationFlattened`).
    public var flattenIllumination = true
    /// Thin parts (electrodes, meander lines, leads) are cut off by a morphological opening
    /// whose disk radius is this fraction of the largest inscribed radius of the structure.
    /// 0.6 removes strips narrower than 1.2 × the widest part's inscribed radius — electrodes a
    /// quarter of the square's side wide go even when dark patches touching the square's
    /// edge shrink its inscribed disk to 0.2 × the side — and keeps pads whose inscribed
    /// radius is at least 0.6 × the largest one's.
    public var openingFraction: Double = 0.6
    /// Components left after the opening smaller than this fraction of the largest are ignored.
    public var minAreaFraction: Double = 0.05
    /// At most this many quadrilaterals are returned (largest first).
    public var maxQuadrilaterals: Int = 32
    /// Images with a larger side above this are segmented on a box-downsampled copy (corners
    /// are then refined on the full-resolution image), keeping the segmentation cost bounded.
    public var analysisMaxDimension: Int = 1024
    /// Relative tolerance between the area of a component and that of its fitted
    /// quadrilateral; components that are not four-sided are dropped.
    public var shapeTolerance: Double = 0.2

    public init() {}
}

/// The outcome of `RectangleExtractor.extract`.
public struct RectangleExtraction: Sendable {
    /// Four-sided structures, largest first.
    public var quadrilaterals: [DetectedQuadrilateral]
    /// True when the structure was taken as brighter than its background.
    public var brightStructure: Bool
    /// Otsu threshold (luminance units of the input) and the two class means.
    public var threshold: OtsuThreshold
    /// Largest inscribed radius of the thresholded structure, px, and the opening radius used.
    public var inscribedRadius: Double
    public var openingRadius: Double
    /// Components after the opening that were not four-sided (skipped), with their areas in px².
    public var rejectedComponentAreas: [Double]
}

/// Finds rectangular / four-sided structures in a photograph or a drawing — a device's
/// square with electrodes touching it, the contact pads of a test structure — and locates
/// their corners to sub-pixel precision (issue 5; the extraction step of the paper's Fig. 4).
///
/// 1. Segmentation (on a copy downsampled to at most `analysisMaxDimension` px): Gaussian
///    blur, illumination flattening (division by a wide blur), Otsu threshold, holes filled.
/// 2. Thin attachments are removed by an opening with a disk scaled to the structure
///    (exact, via two Euclidean distance transforms); each remaining component's outline is
///    fitted by a quadrilateral (`fitQuadrilateral`, corners excluded from the line fits).
/// 3. Each side is re-measured on the full-resolution blurred image: intensity profiles
///    across the side locate the rising (background → structure) crossing of the local mid
///    level by linear interpolation; profiles whose outer end is not background-like (an
///    electrode or lead touching the side) or whose contrast is too low are discarded, and
///    each side's line is fitted by total least squares with iterative 3·MAD rejection.
///    Adjacent lines intersect in the corners; this repeats with a shrinking search window.
public struct RectangleExtractor: Sendable {
    public var options: RectangleExtractorOptions

    public init(options: RectangleExtractorOptions = RectangleExtractorOptions()) {
        self.options = options
    }

    /// Extracts the quadrilaterals of `image` (luminance; use `RGBImage.luminance()` for a
    /// colour photograph).
    /// - Throws: `DeviceError.structureNotFound` when thresholding finds no structure or no
    ///   four-sided part of it; `ImageError` for invalid options.
    public func extract(_ image: Image) throws -> RectangleExtraction {
        guard image.width >= 16, image.height >= 16 else {
            throw DeviceError.structureNotFound(reason: "image \(image.width)×\(image.height) px is too small")
        }
        let factor = max(1, Int((Double(max(image.width, image.height)) / Double(max(options.analysisMaxDimension, 64))).rounded(.up)))
        let small = factor > 1 ? try Self.boxDownsampled(image, factor: factor) : image
        let blurred = options.blurSigma > 0 ? try small.gaussianBlurred(sigma: options.blurSigma) : small
        let otsu = try OtsuThreshold(blurred)
        guard otsu.separability > 0.3 else {
            throw DeviceError.structureNotFound(reason: String(format: "the image is not bimodal (Otsu separability %.2f)", otsu.separability))
        }
        var flat = blurred
        if options.flattenIllumination, let r = blurred.finiteRange, r.min > 0 {
            flat = (try? Self.illuminationFlattened(blurred)) ?? blurred
        }
        // Polarity: the Otsu class covering most of the border is the background.
        let flatOtsu = try OtsuThreshold(flat)
        let bright = options.brightStructure ?? (Self.borderFraction(flat.thresholded(flatOtsu.threshold, above: true)) < 0.5)
        // Threshold relative to the background (median and MAD of the border pixels), not at
        // Otsu's level: parts of the structure darker than its main class (a reduced,
        // brownish layer) must stay in it, or they cut notches into the outline.
        let border = Self.borderValues(flat).sorted()
        let b = border[border.count / 2]
        // Noise from differences of horizontal neighbours (insensitive to slow shading).
        var diffs: [Float] = []
        diffs.reserveCapacity(flat.count / 7 + 1)
        var i = 0
        while i + 1 < flat.count { if (i + 1) % flat.width != 0 { diffs.append(abs(flat.pixels[i + 1] - flat.pixels[i])) }; i += 7 }
        diffs.sort()
        let noise = diffs.isEmpty ? 0 : 1.4826 * diffs[diffs.count / 2] / Float(2).squareRoot()
        let other = bright ? Float(flatOtsu.upperMean) : Float(flatOtsu.lowerMean)
        let step = max(4 * noise, 0.1 * abs(other - b))
        var mask = flat.thresholded(bright ? b + step : b - step, above: bright)
        mask = Self.holesFilled(mask)
        let dt = squaredDistanceTransform(width: mask.width, height: mask.height) { mask.pixels[$0] == 0 }
        let inscribed = Double(dt.max() ?? 0).squareRoot()
        guard inscribed.isFinite, inscribed >= 2 else {
            throw DeviceError.structureNotFound(reason: "no structure wider than 4 px after thresholding (Otsu level \(otsu.threshold))")
        }
        let radius = options.openingFraction * inscribed
        let opened = mask.openedByDisk(radius: radius)
        let comps = ConnectedComponents(opened, connectivity: .eight)
        let largestArea = comps.components.map(\.area).max() ?? 0
        let candidates = comps.components
            .filter { Double($0.area) >= options.minAreaFraction * Double(largestArea) && $0.area >= 16 }
            .sorted { $0.area > $1.area }
        var quads: [DetectedQuadrilateral] = []
        var rejected: [Double] = []
        var fitOptions = QuadrilateralFitOptions()
        // The opening rounds corners with the disk radius: fit only the middle of each side.
        fitOptions.cornerExclusion = 0.3
        let minContrast = Float(0.15 * (otsu.upperMean - otsu.lowerMean))
        let pixelNoise = Self.pixelNoise(image)
        for c in candidates.prefix(options.maxQuadrilaterals * 2) {
            let scale = Double(factor)
            // The convex hull bridges notches cut by dark patches touching the outline.
            guard let outline = try? comps.outerContour(of: c.label),
                  case let hull = densified(convexHull(outline)), hull.count >= 8,
                  let coarse = try? fitQuadrilateral(outline: hull, options: fitOptions) else {
                rejected.append(Double(c.area) * scale * scale)
                continue
            }
            let quadArea = abs(signedArea(coarse.corners))
            let hullArea = abs(signedPolygonArea(convexHull(outline)))
            // The opening rounds each corner, losing up to (4 − π) r² in all.
            guard abs(quadArea - hullArea) <= options.shapeTolerance * hullArea + (4 - .pi) * radius * radius else {
                rejected.append(Double(c.area) * scale * scale)
                continue
            }
            let offset = (scale - 1) / 2
            var corners = coarse.corners.map { Point2($0.x * scale + offset, $0.y * scale + offset) }
            var residual = 0.0
            var counts = [0, 0, 0, 0]
            var ok = true
            let side = quadArea.squareRoot() * scale
            let passes = [max(4, 0.04 * side + scale), max(3, 0.015 * side), 3.0]
            // The sides are measured on a blurred copy of the structure's surroundings only
            // (blurring the whole photograph cost a quarter of the extraction): the first
            // pass's profiles, the interior test, corner moves and the blur's support fit in.
            let margin = passes[0] + 12 + 4 * options.blurSigma
            let xs = corners.map(\.x), ys = corners.map(\.y)
            guard let bx0 = xs.min(), let bx1 = xs.max(), let by0 = ys.min(), let by1 = ys.max(),
                  [bx0, bx1, by0, by1].allSatisfy(\.isFinite) else { rejected.append(Double(c.area) * scale * scale); continue }
            let x0 = max(0, Int((bx0 - margin).rounded(.down))), x1 = min(image.width - 1, Int((bx1 + margin).rounded(.up)))
            let y0 = max(0, Int((by0 - margin).rounded(.down))), y1 = min(image.height - 1, Int((by1 + margin).rounded(.up)))
            guard x1 - x0 >= 8, y1 - y0 >= 8 else { rejected.append(Double(c.area) * scale * scale); continue }
            let crop = try Self.cropped(image, x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1)
            let local = options.blurSigma > 0 ? try crop.gaussianBlurred(sigma: options.blurSigma) : crop
            let shift = Point2(Double(x0), Double(y0))
            corners = corners.map { $0 - shift }
            // Each pass learns the edges' blur from the rise widths (a defocused photograph has
            // σ up to 3 px) and keeps its profiles long enough for it.
            var edgeSigma = 1.3
            for search in passes {
                guard let r = QuadrilateralEdgeRefinement.refine(
                    corners, image: local, brightStructure: bright, backgroundLevel: otsu.threshold,
                    minContrast: minContrast, searchRadius: max(search, 3 * edgeSigma), noise: pixelNoise,
                    edgeSigma: edgeSigma) else { ok = false; break }
                corners = r.corners
                residual = r.rms
                counts = r.counts
                if r.riseWidth.isFinite { edgeSigma = max(1.3, r.riseWidth / 1.349) }
            }
            corners = corners.map { $0 + shift }
            guard ok else { rejected.append(Double(c.area) * scale * scale); continue }
            quads.append(DetectedQuadrilateral(corners: corners, edgeResidual: residual, edgePointsPerSide: counts))
            if quads.count >= options.maxQuadrilaterals { break }
        }
        guard !quads.isEmpty else {
            throw DeviceError.structureNotFound(reason: "no four-sided structure: \(candidates.count) component(s) after removing thin parts, none fitted a quadrilateral")
        }
        return RectangleExtraction(quadrilaterals: quads.sorted { $0.area > $1.area }, brightStructure: bright,
                                   threshold: otsu, inscribedRadius: inscribed * Double(factor),
                                   openingRadius: radius * Double(factor), rejectedComponentAreas: rejected)
    }

    /// The image divided by its illumination, times the illumination's mean.
    ///
    /// The illumination is a cubic polynomial surface (a linear gradient times a radial
    /// vignette, 1 − v·r², is one) fitted on a copy box-downsampled to ≈ 64 px: first to the
    /// samples of a border ring (an eighth of each side: substrate, but for the leads that
    /// cross it), then 4 times to all samples within 2.5 robust σ (≥ 2 %) of the last fit's
    /// relative residual. The substrate covers most of a frame, so the structure, its
    /// electrodes and their shading fall out as outliers, whatever their grey level — a blur
    /// of the whole image instead would carry the structure's brightness into the estimate
    /// around it.
    static func illuminationFlattened(_ image: Image) throws -> Image {
        let f = max(1, max(image.width, image.height) / 64)
        let small = f > 1 ? try boxDownsampled(image, factor: f) : image
        var work = small
        let rx = max(2, small.width / 8), ry = max(2, small.height / 8)
        for y in 0..<small.height {
            for x in 0..<small.width where x >= rx && x < small.width - rx && y >= ry && y < small.height - ry {
                work.pixels[y * small.width + x] = .nan
            }
        }
        var bg = try PolynomialBackground(fitting: work, degree: 3)
        work = small
        for _ in 0..<4 {
            var rel = [Double](repeating: .nan, count: small.count)
            var used: [Double] = []
            for y in 0..<small.height {
                for x in 0..<small.width {
                    let b = bg.value(x: Double(x), y: Double(y))
                    guard b > 0 else { continue }
                    let r = Double(small.pixels[y * small.width + x]) / b - 1
                    rel[y * small.width + x] = r
                    used.append(r)
                }
            }
            guard used.count >= 20 else { break }
            used.sort()
            let med = used[used.count / 2]
            let mad = used.map { abs($0 - med) }.sorted()[used.count / 2]
            let cut = max(2.5 * 1.4826 * mad, 0.02)
            for i in 0..<small.count {
                work.pixels[i] = rel[i].isFinite && abs(rel[i] - med) <= cut ? small.pixels[i] : .nan
            }
            guard let next = try? PolynomialBackground(fitting: work, degree: 3) else { break }
            bg = next
        }
        var mean = 0.0
        for y in 0..<small.height { for x in 0..<small.width { mean += bg.value(x: Double(x), y: Double(y)) } }
        mean /= Double(small.count)
        guard mean > 0 else { return image }
        var out = image
        let off = Double(f - 1) / 2
        for y in 0..<image.height {
            let sy = (Double(y) - off) / Double(f)
            for x in 0..<image.width {
                let b = bg.value(x: (Double(x) - off) / Double(f), y: sy)
                let i = y * image.width + x
                out.pixels[i] = b > 0 ? Float(Double(image.pixels[i]) / b * mean) : image.pixels[i]
            }
        }
        return out
    }

    /// White-noise σ of an image from the median absolute difference of horizontal
    /// neighbours (MAD × 1.4826 / √2; edges and slow shading barely move a median), on at
    /// most ~65 k evenly spread pairs.
    static func pixelNoise(_ image: Image) -> Float {
        let w = image.width
        let pairs = (w - 1) * image.height
        guard pairs > 0 else { return 0 }
        let stride = max(1, pairs / 65_536)
        var diffs: [Float] = []
        diffs.reserveCapacity(pairs / stride + 1)
        var k = 0
        while k < pairs {
            let i = (k / (w - 1)) * w + k % (w - 1)
            let d = abs(image.pixels[i + 1] - image.pixels[i])
            if d.isFinite { diffs.append(d) }
            k += stride
        }
        guard !diffs.isEmpty else { return 0 }
        diffs.sort()
        return 1.4826 * diffs[diffs.count / 2] / Float(2).squareRoot()
    }

    /// The `width` × `height` block of `image` whose first pixel is (x, y) (inside the image).
    static func cropped(_ image: Image, x: Int, y: Int, width: Int, height: Int) throws -> Image {
        var out = [Float](repeating: 0, count: width * height)
        for j in 0..<height {
            let src = (y + j) * image.width + x
            for i in 0..<width { out[j * width + i] = image.pixels[src + i] }
        }
        return try Image(width: width, height: height, pixels: out)
    }

    /// Mean of each `factor` × `factor` block (the last partial blocks are dropped).
    static func boxDownsampled(_ image: Image, factor f: Int) throws -> Image {
        let w = image.width / f, h = image.height / f
        var out = [Float](repeating: 0, count: w * h)
        let inv = 1 / Float(f * f)
        for y in 0..<h {
            for x in 0..<w {
                var s: Float = 0
                for dy in 0..<f {
                    let row = (y * f + dy) * image.width + x * f
                    for dx in 0..<f { s += image.pixels[row + dx] }
                }
                out[y * w + x] = s * inv
            }
        }
        return try Image(width: w, height: h, pixels: out)
    }

    /// Polygon vertices with points added every pixel along its edges (a dense outline).
    func densified(_ poly: [Point2]) -> [Point2] {
        var out: [Point2] = []
        for i in poly.indices {
            let a = poly[i], b = poly[(i + 1) % poly.count]
            let n = max(1, Int(a.distance(to: b).rounded(.up)))
            for k in 0..<n { out.append(a + Point2((b.x - a.x) * Double(k) / Double(n), (b.y - a.y) * Double(k) / Double(n))) }
        }
        return out
    }

    /// The samples on the image's border.
    static func borderValues(_ im: Image) -> [Float] {
        var v: [Float] = []
        for x in 0..<im.width { v.append(im[x, 0]); v.append(im[x, im.height - 1]) }
        for y in 1..<(im.height - 1) { v.append(im[0, y]); v.append(im[im.width - 1, y]) }
        return v.filter(\.isFinite)
    }

    /// Fraction of the border pixels that are foreground.
    static func borderFraction(_ m: BinaryImage) -> Double {
        var fg = 0, n = 0
        for x in 0..<m.width {
            fg += Int(m.pixels[x]) + Int(m.pixels[(m.height - 1) * m.width + x]); n += 2
        }
        for y in 0..<m.height {
            fg += Int(m.pixels[y * m.width]) + Int(m.pixels[y * m.width + m.width - 1]); n += 2
        }
        return Double(fg) / Double(max(n, 1))
    }

    /// Background regions that do not reach the border become foreground.
    static func holesFilled(_ m: BinaryImage) -> BinaryImage {
        let bg = ConnectedComponents(m.inverted(), connectivity: .four)
        var touches = [Bool](repeating: false, count: bg.components.count + 1)
        for c in bg.components where c.minX == 0 || c.minY == 0 || c.maxX == m.width - 1 || c.maxY == m.height - 1 {
            touches[c.label] = true
        }
        var out = m
        for i in 0..<out.pixels.count {
            let l = Int(bg.labels[i])
            if l > 0 && !touches[l] { out.pixels[i] = 1 }
        }
        return out
    }
}
