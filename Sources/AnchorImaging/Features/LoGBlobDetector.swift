import AnchorGeometry
import Foundation

/// Laplacian-of-Gaussian blob detector over a range of scales (Lindeberg, IJCV 30:79, 1998;
/// the algorithm of scikit-image's `blob_log`).
///
/// The image, scaled to 0…1 by its finite range, is blurred at σ₁ < σ₂ < … < σₙ (each blur
/// from the previous one), and the scale-normalised Laplacian σ²∇²(G_σ ∗ I) (5-point
/// stencil) is taken at each scale. A dark blob makes it positive, a bright one negative; for
/// a Gaussian bump of contrast c and standard deviation s it peaks at σ = s with magnitude
/// c/2. Local maxima of the (polarity-signed) response over the 3×3×3 (x, y, σ) neighbourhood
/// above `threshold` are refined by a 3-D quadratic fit (2-D at the first and last scale),
/// then pairs of blobs (radius σ√2) that overlap by more than `overlap` of the smaller one's
/// area keep only the stronger.
///
/// Strength is |σ²∇²| at the refined point in units of the 0…1-scaled image (≈ c/2);
/// scale is the interpolated σ in pixels.
public struct LoGBlobDetector: Sendable, Hashable {
    /// Smallest σ in pixels.
    public var minSigma: Double = 1
    /// Largest σ in pixels.
    public var maxSigma: Double = 8
    /// Number of scales between them (≥ 3 so that scale can be refined).
    public var numSigma: Int = 10
    /// Space the scales geometrically (default; equal steps in log σ give every size the same
    /// relative scale resolution) or linearly.
    public var logSpacing: Bool = true
    /// Minimum |σ²∇²| of a blob, for the image scaled to 0…1: 0.1 keeps Gaussian blobs whose
    /// contrast exceeds ~20 % of the image range.
    public var threshold: Double = 0.1
    /// Percentiles of the sample values that define the range `threshold` is relative to
    /// (`nil`: the whole finite range); 0.5…99.5 ignores a few spikes (see
    /// `DoGDetector.rangePercentiles`).
    public var rangePercentiles: ClosedRange<Double>? = nil
    /// Largest fraction of the smaller blob's disc that may overlap a stronger blob (0…1).
    public var overlap: Double = 0.5
    /// `.dark` or `.bright` blobs only (`nil`: both).
    public var polarity: PointPolarity? = nil
    /// Pixels at the image edge where no blob centre is searched (≥ 1).
    public var border: Int = 1
    /// Kernel radius of the blurs in units of σ.
    public var truncate: Double = 4

    public init() {}

    public init(minSigma: Double = 1, maxSigma: Double = 8, numSigma: Int = 10,
                threshold: Double = 0.1, overlap: Double = 0.5, polarity: PointPolarity? = nil) {
        self.minSigma = minSigma
        self.maxSigma = maxSigma
        self.numSigma = numSigma
        self.threshold = threshold
        self.overlap = overlap
        self.polarity = polarity
    }

    /// The σ of every scale, in pixels.
    public var sigmas: [Double] {
        (0..<numSigma).map { sigma(at: Double($0)) }
    }

    /// σ at fractional scale index `t` (0 = `minSigma`, numSigma − 1 = `maxSigma`).
    func sigma(at t: Double) -> Double {
        let f = numSigma > 1 ? t / Double(numSigma - 1) : 0
        return logSpacing ? minSigma * pow(maxSigma / minSigma, f) : minSigma + f * (maxSigma - minSigma)
    }

    /// Checks the parameters.
    /// - Throws: `ImageError.invalidParameter` naming the first bad one.
    public func validate() throws {
        func bad(_ name: String, _ reason: String) -> ImageError { .invalidParameter(name: name, reason: reason) }
        guard minSigma.isFinite, minSigma > 0 else { throw bad("minSigma", "must be finite and > 0, got \(minSigma)") }
        guard maxSigma.isFinite, maxSigma > minSigma, maxSigma <= 1000 else {
            throw bad("maxSigma", "must be in (minSigma, 1000], got \(maxSigma)")
        }
        guard (3...256).contains(numSigma) else { throw bad("numSigma", "must be 3…256, got \(numSigma)") }
        guard threshold.isFinite, threshold >= 0 else { throw bad("threshold", "must be finite and ≥ 0, got \(threshold)") }
        guard overlap.isFinite, (0...1).contains(overlap) else { throw bad("overlap", "must be in 0…1, got \(overlap)") }
        if let p = rangePercentiles, !(p.lowerBound >= 0 && p.upperBound <= 100 && p.lowerBound < p.upperBound) {
            throw bad("rangePercentiles", "must satisfy 0 ≤ low < high ≤ 100, got \(p)")
        }
        guard (1...1000).contains(border) else { throw bad("border", "must be 1…1000, got \(border)") }
        guard truncate.isFinite, truncate >= 2, truncate <= 8 else { throw bad("truncate", "must be in [2, 8], got \(truncate)") }
    }

    /// Detects blobs in `image`. Non-finite samples are replaced by the mean first.
    /// - Returns: blobs in image pixel coordinates, strongest first.
    /// - Throws: `ImageError.invalidParameter` for bad parameters or an image without a
    ///   finite sample.
    /// - Complexity: O(n · Σσ · truncate) for the blurs plus O(n · numSigma) for the scan.
    public func detect(in image: Image) throws -> [DetectedPoint] {
        try validate()
        let w = image.width, h = image.height
        guard w > 2 * border, h > 2 * border else { return [] }
        let norm = try DoGDetector.normalised(image, percentiles: rangePercentiles)
        let sig = sigmas
        var blurred = try norm.gaussianBlurred(sigma: sig[0], truncate: truncate)
        var responses: [[Float]] = []
        responses.reserveCapacity(numSigma)
        for (i, s) in sig.enumerated() {
            if i > 0 {
                let inc = (s * s - sig[i - 1] * sig[i - 1]).squareRoot()
                blurred = try blurred.gaussianBlurred(sigma: inc, truncate: truncate)
            }
            responses.append(Self.scaleNormalisedLaplacian(blurred, sigma: s))
        }
        var found: [DetectedPoint] = []
        for pol in polarity.map({ [$0] }) ?? PointPolarity.allCases {
            // Search maxima of the polarity-signed response: +L for dark, −L for bright.
            let signed: [[Float]] = pol == .dark ? responses : responses.map { $0.map { -$0 } }
            found += withBuffers(signed) { layers in scan(layers, width: w, height: h, polarity: pol) }
        }
        return Self.pruneOverlapping(found, overlap: overlap)
    }

    private func scan(_ layers: [UnsafeBufferPointer<Float>], width w: Int, height h: Int,
                      polarity pol: PointPolarity) -> [DetectedPoint] {
        let n = layers.count
        let thr = Float(threshold)
        var out: [DetectedPoint] = []
        for l in 0..<n {
            let c = layers[l]
            for y in border..<(h - border) {
                for x in border..<(w - border) {
                    let i = y * w + x
                    let v = c[i]
                    guard v > thr, v > 0 else { continue }
                    guard isMaximum(layers, l, i, w) else { continue }
                    var px = Double(x), py = Double(y), pl = Double(l), value = Double(v)
                    if l > 0 && l < n - 1,
                       let e = ScaleSpaceExtremum.refine(
                           layers: layers, width: w, height: h, x: x, y: y, layer: l,
                           layerRange: 1...(n - 2), border: border, maxSteps: 3),
                       e.value >= value {
                        px = e.x; py = e.y; pl = min(max(e.layer, 0), Double(n - 1)); value = e.value
                    } else if let q = QuadraticPeak2D.fit(
                        QuadraticPeak2D.neighbourhood(c, width: w, x: x, y: y), maxOffset: 0.5) {
                        px += q.dx; py += q.dy; value = q.value
                    }
                    out.append(DetectedPoint(position: Point2(px, py), strength: value,
                                             scale: sigma(at: pl), polarity: pol))
                }
            }
        }
        return out
    }

    /// True when sample `i` of layer `l` is ≥ its neighbours in the 3×3×3 box clipped to the
    /// existing layers, and strictly > its 8 in-layer neighbours' minimum (not a flat patch).
    private func isMaximum(_ layers: [UnsafeBufferPointer<Float>], _ l: Int, _ i: Int, _ w: Int) -> Bool {
        let v = layers[l][i]
        for k in max(l - 1, 0)...min(l + 1, layers.count - 1) {
            let b = layers[k]
            for dy in -1...1 {
                let row = i + dy * w
                for j in (row - 1)...(row + 1) where !(k == l && j == i) {
                    if b[j] > v { return false }
                }
            }
        }
        return true
    }

    /// σ²·∇² of `image` with the 5-point stencil; edge pixels use the replicated neighbour.
    static func scaleNormalisedLaplacian(_ image: Image, sigma: Double) -> [Float] {
        let w = image.width, h = image.height
        let s2 = Float(sigma * sigma)
        var out = [Float](repeating: 0, count: w * h)
        image.pixels.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                for y in 0..<h {
                    let up = max(y - 1, 0) * w, dn = min(y + 1, h - 1) * w, row = y * w
                    for x in 0..<w {
                        let l = max(x - 1, 0), r = min(x + 1, w - 1)
                        let c = p[row + x]
                        o[row + x] = s2 * (p[row + l] + p[row + r] + p[up + x] + p[dn + x] - 4 * c)
                    }
                }
            }
        }
        return out
    }

    /// Removes, from each pair of blobs (radius σ√2) whose discs overlap by more than
    /// `overlap` of the smaller disc's area, the weaker one. Result strongest first.
    static func pruneOverlapping(_ blobs: [DetectedPoint], overlap: Double) -> [DetectedPoint] {
        let order = blobs.sorted { $0.strength > $1.strength }
        guard let rmax = order.map({ $0.scale * 2.squareRoot() }).max(), rmax > 0 else { return order }
        let cell = 2 * rmax
        var grid: [SIMD2<Int>: [Int]] = [:]
        var kept: [DetectedPoint] = []
        for b in order {
            let r1 = b.scale * 2.squareRoot()
            let cx = Int((b.position.x / cell).rounded(.down)), cy = Int((b.position.y / cell).rounded(.down))
            var ok = true
            search: for gy in (cy - 1)...(cy + 1) {
                for gx in (cx - 1)...(cx + 1) {
                    for k in grid[SIMD2(gx, gy)] ?? [] {
                        let o = kept[k]
                        let r2 = o.scale * 2.squareRoot()
                        let d = b.position.distance(to: o.position)
                        if circleOverlapFraction(r1, r2, d) > overlap {
                            ok = false
                            break search
                        }
                    }
                }
            }
            if ok {
                grid[SIMD2(cx, cy), default: []].append(kept.count)
                kept.append(b)
            }
        }
        return kept
    }

    /// Area of the intersection of two discs (radii r1, r2, centres d apart) divided by the
    /// smaller disc's area.
    static func circleOverlapFraction(_ r1: Double, _ r2: Double, _ d: Double) -> Double {
        let rs = min(r1, r2), rl = max(r1, r2)
        if d >= r1 + r2 { return 0 }
        if d <= rl - rs { return 1 }
        let a1 = rs * rs * acos(min(max((d * d + rs * rs - rl * rl) / (2 * d * rs), -1), 1))
        let a2 = rl * rl * acos(min(max((d * d + rl * rl - rs * rs) / (2 * d * rl), -1), 1))
        let a3 = 0.5 * ((-d + rs + rl) * (d + rs - rl) * (d - rs + rl) * (d + rs + rl)).squareRoot()
        return (a1 + a2 - a3) / (Double.pi * rs * rs)
    }
}
