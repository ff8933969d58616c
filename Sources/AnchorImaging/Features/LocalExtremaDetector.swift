import AnchorGeometry
import Foundation

/// How `LocalExtremaDetector` refines a peak below the pixel.
public enum PeakRefinement: String, Hashable, Sendable, Codable, CaseIterable {
    /// Integer pixel positions.
    case none
    /// Stationary point of the quadratic (paraboloid) through the 3×3 neighbourhood, by
    /// central differences. Cheap; biased towards the pixel centre for sharp peaks.
    case quadratic
    /// The same fit on log-intensities above the local background, which is exact for a
    /// sampled Gaussian peak (the 2-D form of the three-point Gaussian estimator used in
    /// particle tracking); also estimates the peak width σ. The background is the lowest
    /// sample in the (2·minDistance + 1)² window, so the window should reach the background.
    case gaussian
}

/// Local maxima (bright peaks) or minima (dark peaks) of an image, at least `minDistance`
/// pixels apart, with sub-pixel refinement — for atom columns, adatoms or any point-like
/// feature on a flat background (scikit-image's `peak_local_max` plus refinement).
///
/// A pixel is a candidate when it equals the maximum of its (2·minDistance + 1)² window,
/// exceeds the threshold and that window is not flat (so an empty background of constant
/// value gives no peaks); candidates are then taken in
/// order of value and any candidate closer than `minDistance` (Euclidean) to a stronger one
/// is dropped, so plateaus give one point.
///
/// Strength is the refined peak's height above the lowest sample of its window (for dark
/// peaks: depth below the highest), in image units; scale is the fitted Gaussian σ with
/// `.gaussian` refinement, else 0.
public struct LocalExtremaDetector: Sendable, Hashable {
    /// `.bright` finds maxima, `.dark` minima.
    public var polarity: PointPolarity = .bright
    /// Minimum distance between peaks, and the half-size of the window, in pixels (≥ 1).
    public var minDistance: Int = 3
    /// Peaks must be at least this bright (`.bright`) or at most this dark (`.dark`), in image
    /// units; `nil`: no absolute threshold.
    public var threshold: Float? = nil
    /// Peaks must lie at least this fraction of the value range beyond the image's extreme
    /// on the other side (0…1; scikit-image's `threshold_rel` for maxima).
    public var relativeThreshold: Double = 0
    /// Sub-pixel refinement.
    public var refinement: PeakRefinement = .quadratic
    /// Pixels at the edge excluded from the search (`nil`: `minDistance`, so every window is
    /// complete; at least 1 so the 3×3 fit has its neighbours).
    public var excludeBorder: Int? = nil
    /// Keep only the strongest this many (`nil`: all).
    public var maxPeaks: Int? = nil

    public init() {}

    public init(polarity: PointPolarity = .bright, minDistance: Int = 3, threshold: Float? = nil,
                relativeThreshold: Double = 0, refinement: PeakRefinement = .quadratic) {
        self.polarity = polarity
        self.minDistance = minDistance
        self.threshold = threshold
        self.relativeThreshold = relativeThreshold
        self.refinement = refinement
    }

    /// Checks the parameters.
    /// - Throws: `ImageError.invalidParameter` naming the first bad one.
    public func validate() throws {
        func bad(_ name: String, _ reason: String) -> ImageError { .invalidParameter(name: name, reason: reason) }
        guard (1...10_000).contains(minDistance) else { throw bad("minDistance", "must be 1…10000, got \(minDistance)") }
        if let t = threshold, !t.isFinite { throw bad("threshold", "must be finite, got \(t)") }
        guard relativeThreshold.isFinite, (0...1).contains(relativeThreshold) else {
            throw bad("relativeThreshold", "must be in 0…1, got \(relativeThreshold)")
        }
        if let b = excludeBorder, b < 0 { throw bad("excludeBorder", "must be ≥ 0, got \(b)") }
        if let m = maxPeaks, m < 0 { throw bad("maxPeaks", "must be ≥ 0, got \(m)") }
    }

    /// Finds the peaks of `image`. Non-finite samples never become peaks.
    /// - Returns: peaks in image pixel coordinates, strongest first.
    /// - Throws: `ImageError.invalidParameter` for bad parameters.
    /// - Complexity: O(n · minDistance) for the separable maximum filter, plus
    ///   O(k · minDistance²) for k candidates.
    public func detect(in image: Image) throws -> [DetectedPoint] {
        try validate()
        let w = image.width, h = image.height
        // Work on "brightness" b = ±v so that peaks are maxima; non-finite samples are −∞.
        let sign: Float = polarity == .bright ? 1 : -1
        let b = image.pixels.map { $0.isFinite ? sign * $0 : -Float.infinity }
        guard let lo = b.lazy.filter({ $0.isFinite }).min(), let hi = b.max(), hi > lo else { return [] }
        var thr = lo + Float(relativeThreshold) * (hi - lo)
        if let t = threshold { thr = max(thr, sign * t) }
        let d = minDistance
        let maxed = Self.maximumFilter(b, width: w, height: h, radius: d)
        let border = max(excludeBorder ?? d, 1)
        guard w > 2 * border, h > 2 * border else { return [] }

        var candidates: [(Int, Int, Float)] = []
        for y in border..<(h - border) {
            for x in border..<(w - border) {
                let v = b[y * w + x]
                if v.isFinite, v >= thr, v > lo, v == maxed[y * w + x] { candidates.append((x, y, v)) }
            }
        }
        candidates.sort { $0.2 > $1.2 }
        var points: [DetectedPoint] = []
        b.withUnsafeBufferPointer { p in
            for (x, y, v) in candidates {
                if let q = refine(p, width: w, height: h, x: x, y: y, value: v, sign: sign) { points.append(q) }
            }
        }
        // Greedy suppression in order of the integer peak value (then strength tie-break).
        var kept = [DetectedPoint].keepingFirst(of: points, minDistance: Double(d))
        if let m = maxPeaks, kept.count > m { kept = Array(kept.prefix(m)) }
        return kept
    }

    private func refine(_ p: UnsafeBufferPointer<Float>, width w: Int, height h: Int,
                        x: Int, y: Int, value v: Float, sign: Float) -> DetectedPoint? {
        // Local background: the lowest finite sample of the window.
        let d = minDistance
        var base = v
        for yy in max(0, y - d)...min(h - 1, y + d) {
            for xx in max(0, x - d)...min(w - 1, x + d) where p[yy * w + xx].isFinite {
                base = min(base, p[yy * w + xx])
            }
        }
        // A window that is flat everywhere (an empty background) holds no peak.
        guard base < v else { return nil }
        var pos = Point2(Double(x), Double(y))
        var peak = Double(v)
        var scale = 0.0
        let neighboursFinite = (-1...1).allSatisfy { j in (-1...1).allSatisfy { i in p[(y + j) * w + x + i].isFinite } }
        if neighboursFinite {
            switch refinement {
            case .none:
                break
            case .quadratic:
                if let q = QuadraticPeak2D.fit(QuadraticPeak2D.neighbourhood(p, width: w, x: x, y: y)) {
                    pos = Point2(Double(x) + q.dx, Double(y) + q.dy)
                    peak = q.value
                }
            case .gaussian:
                // Stay just below the lowest sample so the log is defined; the offset is
                // negligible against a peak that rises above the noise.
                let floor = Double(base) - 1e-6 * max(Double(v - base), 1e-30)
                let f = QuadraticPeak2D.neighbourhood(p, width: w, x: x, y: y) { log(Double($0) - floor) }
                if let q = QuadraticPeak2D.fit(f) {
                    pos = Point2(Double(x) + q.dx, Double(y) + q.dy)
                    peak = floor + exp(q.value)
                    // ln G = −r²/(2σ²) + c ⇒ f_xx = −1/σ²; average the two axes.
                    let s2 = -2 / (q.hxx + q.hyy)
                    scale = s2 > 0 ? s2.squareRoot() : 0
                }
            }
        }
        return DetectedPoint(position: pos, strength: max(peak - Double(base), 0), scale: scale,
                             polarity: polarity)
    }

    /// Maximum over the (2r+1)² window (clipped at the edges), separable.
    static func maximumFilter(_ v: [Float], width w: Int, height h: Int, radius r: Int) -> [Float] {
        var tmp = [Float](repeating: 0, count: w * h)
        var out = [Float](repeating: 0, count: w * h)
        v.withUnsafeBufferPointer { src in
            tmp.withUnsafeMutableBufferPointer { t in
                for y in 0..<h {
                    let row = y * w
                    for x in 0..<w {
                        var m = -Float.infinity
                        for k in max(0, x - r)...min(w - 1, x + r) where src[row + k] > m { m = src[row + k] }
                        t[row + x] = m
                    }
                }
            }
        }
        tmp.withUnsafeBufferPointer { t in
            out.withUnsafeMutableBufferPointer { o in
                for y in 0..<h {
                    // Row by row, so that memory is read sequentially.
                    let y0 = max(0, y - r), y1 = min(h - 1, y + r)
                    for x in 0..<w { o[y * w + x] = t[y0 * w + x] }
                    if y1 > y0 {
                        for k in (y0 + 1)...y1 {
                            for x in 0..<w where t[k * w + x] > o[y * w + x] { o[y * w + x] = t[k * w + x] }
                        }
                    }
                }
            }
        }
        return out
    }
}
