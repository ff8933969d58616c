import AnchorGeometry
import AnchorImaging

/// The image folded into one lattice cell: every pixel is assigned to the bin of its
/// fractional lattice coordinates (u, v) mod 1 and the bins are averaged.
///
/// Averaging over all cells of the frame removes noise and defects, so the extremum of the
/// average locates the anchor site (e.g. the corner hole of Si(111)-7×7) within the cell —
/// a global, outlier-free answer to the paper's brute-force translation search (Methods,
/// "rough matching"). Cell averaging of lattice images is standard in HRTEM analysis.
public struct CellAverage: Sendable {
    /// Bins along each lattice vector.
    public let bins: Int
    /// Mean intensity per bin, row-major over (v, u): `values[v * bins + u]`.
    public let values: [Double]
    /// Pixels per bin.
    public let counts: [Int]
    /// Pixel-weighted mean of the variance each bin mean inherits from the scatter inside
    /// the bin (noise, and signal the basis does not fold coherently).
    public let meanNoiseVariance: Double
    /// The step between folded pixels, along rows and columns.
    public let step: Int
    /// The image lattice vectors used (pixels) and the origin of the fractional coordinates.
    public let a1: Point2, a2: Point2, origin: Point2

    /// Folds `image` with lattice vectors `a1`, `a2` (pixels, x right, y down) measured from
    /// `origin` (pixels).
    ///
    /// - Parameter step: fold every `step`-th pixel of every `step`-th row (default 1, all).
    ///   The average over many cells needs far fewer samples than a frame has: with cells of
    ///   16 px or more, `step` 2 still puts several samples of every cell in each bin and costs
    ///   a quarter. `counts` then counts the samples used.
    /// - Complexity: O(width · height / step²).
    public init(image: Image, a1: Point2, a2: Point2, origin: Point2 = .zero, bins: Int = 32, step: Int = 1) throws {
        let det = a1.cross(a2)
        guard det.isFinite, abs(det) > 1e-9, bins >= 4, step >= 1 else {
            throw LatticeError.invalidParameter(name: "lattice", reason: "cell vectors \(a1), \(a2) are degenerate")
        }
        var sums = [Double](repeating: 0, count: bins * bins)
        var squares = [Double](repeating: 0, count: bins * bins)
        var counts = [Int](repeating: 0, count: bins * bins)
        let fb = Double(bins)
        // (u, v) = M⁻¹ (p − origin) with M = [a1 a2]; incremental along each row.
        let du = Point2(a2.y / det, -a1.y / det) * Double(step)   // ∂(u, v)/∂x per sample
        image.pixels.withUnsafeBufferPointer { px in
        sums.withUnsafeMutableBufferPointer { sums in
        squares.withUnsafeMutableBufferPointer { squares in
        counts.withUnsafeMutableBufferPointer { counts in
            // floor without a libm call (|u|, |v| stay far below 2⁶³: the image is finite).
            @inline(__always) func floor(_ t: Double) -> Double {
                let r = Double(Int(t))
                return r > t ? r - 1 : r
            }
            for y in Swift.stride(from: 0, to: image.height, by: step) {
                let p0 = Point2(-origin.x, Double(y) - origin.y)
                var u = (p0.x * a2.y - p0.y * a2.x) / det
                var v = (a1.x * p0.y - a1.y * p0.x) / det
                // Neighbouring pixels mostly fall in the same bin: its sums stay in registers
                // for the run (same additions in the same order) instead of a store and a
                // dependent load per pixel.
                var bin = -1
                var runSum = 0.0, runSquares = 0.0, runCount = 0
                for x in Swift.stride(from: 0, to: image.width, by: step) {
                    let value = px[y * image.width + x]
                    if value.isFinite {
                        let fu = u - floor(u), fv = v - floor(v)
                        let iu = min(Int(fu * fb), bins - 1), iv = min(Int(fv * fb), bins - 1)
                        let b = iv * bins + iu
                        if b != bin {
                            if bin >= 0 {
                                sums[bin] = runSum
                                squares[bin] = runSquares
                                counts[bin] = runCount
                            }
                            bin = b
                            runSum = sums[b]
                            runSquares = squares[b]
                            runCount = counts[b]
                        }
                        let d = Double(value)
                        runSum += d
                        runSquares += d * d
                        runCount += 1
                    }
                    u += du.x
                    v += du.y
                }
                if bin >= 0 {
                    sums[bin] = runSum
                    squares[bin] = runSquares
                    counts[bin] = runCount
                }
            }
        }}}}
        var values = [Double](repeating: .nan, count: bins * bins)
        var noise = 0.0, total = 0.0
        for i in 0..<(bins * bins) where counts[i] > 0 {
            let n = Double(counts[i])
            values[i] = sums[i] / n
            if counts[i] > 1 {
                // Variance of this bin's mean that is due to the scatter inside the bin.
                let within = max(0, squares[i] / n - values[i] * values[i]) / (n - 1)
                noise += n * within
            }
            total += n
        }
        self.meanNoiseVariance = total > 0 ? noise / total : 0
        self.bins = bins
        self.step = step
        self.values = values
        self.counts = counts
        self.a1 = a1
        self.a2 = a2
        self.origin = origin
    }

    /// The `step` that folds enough samples for cells spanned by `a1`, `a2` (pixels): 2 when
    /// both vectors are at least 16 px long (every cell then gives a bin of a 32-bin average a
    /// sample or more in four), else 1.
    public static func samplingStep(a1: Point2, a2: Point2) -> Int {
        min(a1.length, a2.length) >= 16 ? 2 : 1
    }

    /// Pixel-weighted variance of the bin means, less the part the finite number of pixels per
    /// bin leaves behind by chance: the contrast that survives folding. Compared with the
    /// image's own variance it measures how coherently the cells average, without favouring
    /// large cells (fewer pixels per bin, more noise in each mean).
    public var coherentVariance: Double { max(0, variance - meanNoiseVariance) }

    /// Pixel-weighted variance of the bin means.
    public var variance: Double {
        var sum = 0.0, sum2 = 0.0, n = 0.0
        for i in values.indices where counts[i] > 0 {
            let w = Double(counts[i])
            sum += w * values[i]
            sum2 += w * values[i] * values[i]
            n += w
        }
        guard n > 0 else { return 0 }
        let m = sum / n
        return max(0, sum2 / n - m * m)
    }

    /// Value of bin (iu, iv), indices taken modulo `bins` (the cell is periodic).
    public func value(_ iu: Int, _ iv: Int) -> Double {
        let b = bins
        return values[((iv % b + b) % b) * b + (iu % b + b) % b]
    }

    /// Fractional position (u, v) ∈ [0, 1)² of the darkest (`dark == true`) or brightest bin,
    /// refined by a periodic parabola through its neighbours along u and v.
    public func extremum(dark: Bool) -> Point2? {
        var bestIndex = -1
        var best = dark ? Double.infinity : -Double.infinity
        for i in 0..<(bins * bins) where values[i].isFinite {
            if dark ? values[i] < best : values[i] > best {
                best = values[i]
                bestIndex = i
            }
        }
        guard bestIndex >= 0 else { return nil }
        let iu = bestIndex % bins, iv = bestIndex / bins
        let ou = parabolaVertexOffset(value(iu - 1, iv), best, value(iu + 1, iv))
        let ov = parabolaVertexOffset(value(iu, iv - 1), best, value(iu, iv + 1))
        var u = (Double(iu) + 0.5 + ou) / Double(bins)
        var v = (Double(iv) + 0.5 + ov) / Double(bins)
        u -= u.rounded(.down)
        v -= v.rounded(.down)
        return Point2(u, v)
    }

    /// Image position (pixels) of fractional cell coordinates (u, v).
    public func imagePoint(_ f: Point2) -> Point2 {
        origin + a1 * f.x + a2 * f.y
    }
}
