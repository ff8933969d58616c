import AnchorGeometry
import Foundation

/// Scale-space difference-of-Gaussians keypoint detector — the detection stage of SIFT
/// (Lowe, IJCV 60:91, 2004, §3–4), which the paper uses to extract candidate points P_e
/// (Diao et al. 2025, "Extraction of key points"; Fig. 5b keeps the keypoints darker than the
/// image mean as Si(111)-7×7 corner holes).
///
/// For each octave the image is blurred incrementally to σ₀·2^(i/s), i = 0…s+2; adjacent
/// blurs are subtracted into s+2 DoG layers; samples of the middle s layers that are the
/// extremum of their 3×3×3 neighbourhood and exceed the pre-threshold ½·contrast/s are refined
/// by a 3-D quadratic fit (`ScaleSpaceExtremum`, up to 5 moves), then kept when
/// |D(x̂)| ≥ contrast/s and the principal-curvature ratio passes the edge test
/// tr(H)²/det(H) < (r+1)²/r. The next octave starts from the blur with twice σ₀, decimated.
///
/// Differences from OpenCV's `SIFT::detect` (by design, for speed and exact coordinates):
/// - no 2× up-sampling of the input by default (`upsample`): a quarter of the work, and
///   features smaller than σ ≈ 1.6 px are not the targets in registration;
/// - no orientation assignment and no descriptors (only positions matter here), so a
///   keypoint is not duplicated per orientation peak;
/// - the image is first scaled to 0…1 by its finite value range, so `contrastThreshold` is
///   relative to the range whatever the sample unit (OpenCV's 8-bit images are 0…255 scaled
///   by 1/255, which is the same thing for a full-range 8-bit image);
/// - decimation keeps pixels (0, 0), (2, 0), … so octave-o pixel (i, j) is image pixel
///   (2ᵒi, 2ᵒj) exactly; up-sampling puts image pixel (i, j) at (2i, 2j).
///
/// Output strength is |D(x̂)| in units of the (0…1-normalised) image; scale is the keypoint
/// σ in image pixels, σ₀·2^(o + ŝ/s); polarity is `.dark` where the DoG is positive (the
/// blur rises, so the centre is a minimum) and `.bright` where it is negative.
public struct DoGDetector: Sendable, Hashable {
    /// Scales per octave, s (Lowe: 3).
    public var octaveLayers: Int = 3
    /// Blur of the first scale of each octave, σ₀ in pixels (Lowe: 1.6).
    public var sigma0: Double = 1.6
    /// Minimum |D(x̂)|·s of a kept keypoint, for the image scaled to 0…1 (OpenCV: 0.04).
    /// Lower it to keep fainter features.
    public var contrastThreshold: Double = 0.04
    /// Principal-curvature ratio r of the edge test (Lowe/OpenCV: 10). Larger keeps more
    /// elongated features.
    public var edgeThreshold: Double = 10
    /// Largest number of octaves (`nil`: until the image is too small, as OpenCV does, i.e.
    /// ⌊log₂(min side)⌉ − 2).
    public var maxOctaves: Int? = nil
    /// Up-sample the image 2× (bilinear) before building the pyramid, as OpenCV does; finds
    /// features down to σ ≈ 0.8 px at four times the cost.
    public var upsample: Bool = false
    /// Blur the input is assumed to have already, in pixels (Lowe/OpenCV: 0.5).
    public var assumedBlur: Double = 0.5
    /// Kernel radius in units of σ for the incremental blurs. 4 is OpenCV's choice for float
    /// images; 3 leaves out 0.3 % of the weight, changes DoG values by far less than the
    /// contrast threshold, and is ~25 % faster.
    public var truncate: Double = 3
    /// Keep only `.dark` or `.bright` keypoints (`nil`: both).
    public var polarity: PointPolarity? = nil
    /// Pixels at each octave's edge where no extremum is searched (OpenCV: 5).
    public var border: Int = 5
    /// Percentiles of the sample values that define the range `contrastThreshold` is relative
    /// to (`nil`: the whole finite range, as OpenCV's 8-bit scaling). 0.5…99.5 makes the
    /// threshold robust to a few spikes or dust particles in an SPM frame, which otherwise
    /// stretch the range and hide every real feature. Values are scaled, not clipped.
    public var rangePercentiles: ClosedRange<Double>? = nil
    /// When > 0, greedy non-maximum suppression of keypoints closer than this (in image
    /// pixels): the same blob found at two adjacent scales or octaves is reported once.
    /// 0 keeps every keypoint, as SIFT does.
    public var minDistance: Double = 0

    public init() {}

    public init(octaveLayers: Int = 3, sigma0: Double = 1.6, contrastThreshold: Double = 0.04,
                edgeThreshold: Double = 10, maxOctaves: Int? = nil, upsample: Bool = false,
                polarity: PointPolarity? = nil, minDistance: Double = 0) {
        self.octaveLayers = octaveLayers
        self.sigma0 = sigma0
        self.contrastThreshold = contrastThreshold
        self.edgeThreshold = edgeThreshold
        self.maxOctaves = maxOctaves
        self.upsample = upsample
        self.polarity = polarity
        self.minDistance = minDistance
    }

    /// Checks the parameters.
    /// - Throws: `ImageError.invalidParameter` naming the first bad one.
    public func validate() throws {
        func bad(_ name: String, _ reason: String) -> ImageError { .invalidParameter(name: name, reason: reason) }
        guard (1...16).contains(octaveLayers) else { throw bad("octaveLayers", "must be 1…16, got \(octaveLayers)") }
        guard sigma0.isFinite, sigma0 > 0, sigma0 <= 100 else { throw bad("sigma0", "must be in (0, 100], got \(sigma0)") }
        guard contrastThreshold.isFinite, contrastThreshold >= 0 else {
            throw bad("contrastThreshold", "must be finite and ≥ 0, got \(contrastThreshold)")
        }
        guard edgeThreshold.isFinite, edgeThreshold >= 1 else {
            throw bad("edgeThreshold", "must be finite and ≥ 1, got \(edgeThreshold)")
        }
        if let m = maxOctaves, m < 1 { throw bad("maxOctaves", "must be ≥ 1, got \(m)") }
        guard assumedBlur.isFinite, assumedBlur >= 0, assumedBlur < sigma0 else {
            throw bad("assumedBlur", "must be in [0, sigma0), got \(assumedBlur)")
        }
        guard truncate.isFinite, truncate >= 2, truncate <= 8 else {
            throw bad("truncate", "must be in [2, 8], got \(truncate)")
        }
        guard (1...64).contains(border) else { throw bad("border", "must be 1…64, got \(border)") }
        guard minDistance.isFinite, minDistance >= 0 else {
            throw bad("minDistance", "must be finite and ≥ 0, got \(minDistance)")
        }
        if let p = rangePercentiles, !(p.lowerBound >= 0 && p.upperBound <= 100 && p.lowerBound < p.upperBound) {
            throw bad("rangePercentiles", "must satisfy 0 ≤ low < high ≤ 100, got \(p)")
        }
    }

    /// Detects keypoints in `image`.
    ///
    /// Non-finite samples are replaced by the mean of the finite ones first (a missing scan
    /// line must not poison every blur).
    ///
    /// - Returns: keypoints in image pixel coordinates, ordered by octave, layer, row, column.
    ///   An image too small for a single octave (min side < 2·border + 3) gives none.
    /// - Throws: `ImageError.invalidParameter` for bad parameters or an image without a
    ///   finite sample.
    /// - Complexity: O(n·σ₀·truncate·s) for n pixels (4n with `upsample`): the blurs dominate.
    public func detect(in image: Image) throws -> [DetectedPoint] {
        try validate()
        let s = octaveLayers
        var base = try Self.normalised(image, percentiles: rangePercentiles)
        var positionScale = 1.0  // image pixels per pixel of the current octave
        if upsample {
            base = try Self.upsampled(base)
            positionScale = 0.5
        }
        let inputBlur = upsample ? 2 * assumedBlur : assumedBlur
        let firstSigma = (max(sigma0 * sigma0 - inputBlur * inputBlur, 0.01)).squareRoot()
        base = try base.gaussianBlurred(sigma: firstSigma, truncate: truncate)

        // Incremental blur from scale i−1 to scale i of an octave (same for every octave).
        let k = pow(2.0, 1.0 / Double(s))
        var kernels: [GaussianKernel] = []
        for i in 1..<(s + 3) {
            let prev = sigma0 * pow(k, Double(i - 1))
            kernels.append(try GaussianKernel(sigma: prev * (k * k - 1).squareRoot(), truncate: truncate))
        }

        var octaves = Int((log2(Double(min(image.width, image.height)))).rounded()) - 2 + (upsample ? 1 : 0)
        octaves = max(octaves, 1)
        if let m = maxOctaves { octaves = min(octaves, m) }

        let preThreshold = Float(0.5 * contrastThreshold / Double(s))
        let edgeRatio = (edgeThreshold + 1) * (edgeThreshold + 1) / edgeThreshold
        var found: [DetectedPoint] = []
        var octaveBase = base
        var dogs = [[Float]](repeating: [Float](repeating: 0, count: base.count), count: s + 2)
        for o in 0..<octaves {
            let w = octaveBase.width, h = octaveBase.height
            if min(w, h) < 2 * border + 3 { break }
            // Only two blurred images are alive at a time; the DoG buffers (sized for the
            // first octave) are reused by every octave, which keeps page faults down.
            var previous = octaveBase
            var nextBase: Image? = nil
            for i in 0..<(s + 2) {
                let current = previous.gaussianBlurred(kernel: kernels[i])
                current.pixels.withUnsafeBufferPointer { a in
                    previous.pixels.withUnsafeBufferPointer { b in
                        dogs[i].withUnsafeMutableBufferPointer { d in
                            for j in 0..<(w * h) { d[j] = a[j] - b[j] }
                        }
                    }
                }
                if i + 1 == s { nextBase = current }  // blur index s: twice σ₀
                previous = current
            }
            let scaleHere = positionScale * pow(2.0, Double(o))
            found += withBuffers(dogs) { layers in
                scanOctave(layers: layers, width: w, height: h, preThreshold: preThreshold,
                           edgeRatio: edgeRatio, positionScale: scaleHere)
            }
            // The next octave starts from the scale with twice σ₀, decimated by 2.
            if o + 1 < octaves {
                guard let source = nextBase, let next = Self.decimated(source) else { break }
                octaveBase = next
            }
        }
        return minDistance > 0 ? found.suppressingNeighbours(within: minDistance) : found
    }

    private func scanOctave(
        layers: [UnsafeBufferPointer<Float>], width w: Int, height h: Int,
        preThreshold: Float, edgeRatio: Double, positionScale: Double
    ) -> [DetectedPoint] {
        let s = octaveLayers
        var out: [DetectedPoint] = []
        let b = border
        let wantDark = polarity != .bright, wantBright = polarity != .dark
        for l in 1...s {
            guard let pp = layers[l - 1].baseAddress, let cp = layers[l].baseAddress,
                  let np = layers[l + 1].baseAddress else { continue }
            for y in b..<(h - b) {
                let row = y * w
                var x = b
                while x < w - b {
                    let end = min(x + 8, w - b)
                    // Blocks of eight: branch-free flags (one branch per block) tell whether a
                    // sample passes the threshold and beats its left and right neighbours; most
                    // blocks have none. (Flags, not SIMD masks, which Swift lowers lane by lane.)
                    var hit: UInt32 = 0
                    if end - x == 8 {
                        // Sign bits of differences: a sample passes (as a maximum) when
                        // v − thr, v − left and v − right are all ≥ 0, i.e. the OR of their bit
                        // patterns has a clear sign bit; mirrored for minima. Pure arithmetic
                        // with a constant trip count, so the compiler vectorises it. Ties at
                        // the threshold pass here and are decided exactly below.
                        let q = cp + (row &+ x)
                        for k in 0..<8 {
                            let v = q[k], lv = q[k &- 1], rv = q[k &+ 1]
                            let hi = (v - preThreshold).bitPattern | (v - lv).bitPattern | (v - rv).bitPattern
                            let lo = (-preThreshold - v).bitPattern | (lv - v).bitPattern | (rv - v).bitPattern
                            hit |= ((~hi | ~lo) >> 31) << UInt32(k)
                        }
                    } else {
                        hit = (1 << UInt32(end - x)) - 1  // a short tail: test every sample
                    }
                    let start = x
                    x = end
                    // Visit only the samples whose bit is set.
                    while hit != 0 {
                        let xi = start + hit.trailingZeroBitCount
                        hit &= hit - 1
                        let i = row &+ xi
                        let v = cp[i]
                        let isMax: Bool
                        if v > preThreshold {
                            guard wantDark, cp[i - 1] <= v, cp[i + 1] <= v else { continue }
                            isMax = true
                        } else if v < -preThreshold {
                            guard wantBright, cp[i - 1] >= v, cp[i + 1] >= v else { continue }
                            isMax = false
                        } else {
                            continue
                        }
                        guard Self.isExtremum(pp, cp, np, i, w, v, maximum: isMax) else { continue }
                        guard let e = ScaleSpaceExtremum.refine(
                            layers: layers, width: w, height: h, x: xi, y: y, layer: l,
                            layerRange: 1...s, border: b) else { continue }
                        guard abs(e.value) * Double(s) >= contrastThreshold else { continue }
                        let tr = e.dxx + e.dyy, det = e.dxx * e.dyy - e.dxy * e.dxy
                        guard det > 0, tr * tr < edgeRatio * det else { continue }
                        let pol: PointPolarity = e.value > 0 ? .dark : .bright
                        if let p = polarity, p != pol { continue }
                        out.append(DetectedPoint(
                            position: Point2(e.x * positionScale, e.y * positionScale),
                            strength: abs(e.value),
                            scale: sigma0 * pow(2.0, e.layer / Double(s)) * positionScale,
                            polarity: pol))
                    }
                }
            }
        }
        return out
    }

    /// True when `v = c[i]` is ≥ (`maximum`) or ≤ all 26 neighbours in the previous, current and
    /// next layer (ties count, as in OpenCV's SIFT).
    @inline(__always)
    static func isExtremum(_ p: UnsafePointer<Float>, _ c: UnsafePointer<Float>, _ n: UnsafePointer<Float>,
                           _ i: Int, _ w: Int, _ v: Float, maximum: Bool) -> Bool {
        // Same-layer neighbours first: they reject most candidates.
        for dr in -1...1 {
            let r = i + dr * w
            for j in (r - 1)...(r + 1) where j != i {
                if maximum ? c[j] > v : c[j] < v { return false }
            }
        }
        for dr in -1...1 {
            let r = i + dr * w
            for j in (r - 1)...(r + 1) {
                if maximum ? (p[j] > v || n[j] > v) : (p[j] < v || n[j] < v) { return false }
            }
        }
        return true
    }

    /// The image scaled so that its finite range — or, with `percentiles`, the range between
    /// those percentiles — becomes 0…1 (not clipped), non-finite samples set to the mean.
    static func normalised(_ image: Image, percentiles: ClosedRange<Double>? = nil) throws -> Image {
        guard var range = image.finiteRange else {
            throw ImageError.invalidParameter(name: "image", reason: "has no finite sample")
        }
        if let p = percentiles {
            let r = try image.percentileRange(low: p.lowerBound, high: p.upperBound)
            if r.upperBound > r.lowerBound { range = (r.lowerBound, r.upperBound) }
        }
        var sum = 0.0, n = 0
        for v in image.pixels where v.isFinite {
            sum += Double(v)
            n += 1
        }
        let span = range.max - range.min
        let inv: Float = span > 0 ? 1 / span : 0
        let lo = range.min
        let mean = Float(sum / Double(n))
        var out = image
        out.pixels.withUnsafeMutableBufferPointer { p in
            for i in p.indices {
                let v = p[i].isFinite ? p[i] : mean
                p[i] = (v - lo) * inv
            }
        }
        return out
    }

    /// Every second pixel in x and y, starting at (0, 0); `nil` when a side would vanish.
    static func decimated(_ image: Image) -> Image? {
        let w = (image.width + 1) / 2, h = (image.height + 1) / 2
        guard image.width >= 2, image.height >= 2 else { return nil }
        var out = [Float](repeating: 0, count: w * h)
        image.pixels.withUnsafeBufferPointer { p in
            for y in 0..<h {
                let src = 2 * y * image.width
                for x in 0..<w { out[y * w + x] = p[src + 2 * x] }
            }
        }
        return try? Image(width: w, height: h, pixels: out)
    }

    /// Bilinear 2× up-sampling with image pixel (i, j) at (2i, 2j); size (2w − 1) × (2h − 1).
    /// - Throws: `ImageError.invalidDimensions` when the result exceeds the pixel limit.
    static func upsampled(_ image: Image) throws -> Image {
        let w = image.width, h = image.height
        let W = 2 * w - 1, H = 2 * h - 1
        try Image.validate(width: W, height: H)
        var out = [Float](repeating: 0, count: W * H)
        image.pixels.withUnsafeBufferPointer { p in
            for Y in 0..<H {
                let y0 = Y / 2, y1 = min(y0 + (Y & 1), h - 1)
                for X in 0..<W {
                    let x0 = X / 2, x1 = min(x0 + (X & 1), w - 1)
                    out[Y * W + X] = 0.25 * (p[y0 * w + x0] + p[y0 * w + x1] + p[y1 * w + x0] + p[y1 * w + x1])
                }
            }
        }
        return try Image(width: W, height: H, pixels: out)
    }
}

/// Runs `body` with unsafe views of every array in `arrays` (kept alive for the call).
func withBuffers<R>(_ arrays: [[Float]], _ body: ([UnsafeBufferPointer<Float>]) -> R) -> R {
    func go(_ i: Int, _ acc: [UnsafeBufferPointer<Float>]) -> R {
        if i == arrays.count { return body(acc) }
        return arrays[i].withUnsafeBufferPointer { go(i + 1, acc + [$0]) }
    }
    return go(0, [])
}
