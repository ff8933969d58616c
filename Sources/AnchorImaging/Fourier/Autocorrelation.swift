import AnchorGeometry

/// The normalised autocorrelation of an image, for finding its lattice periods.
///
/// The image is reduced to zero mean, multiplied by a separable Hann window (so the circular
/// correlation of the FFT does not see the frame edges as a step) and correlated with itself
/// by the Wiener–Khinchin theorem, ρ = F⁻¹(|F(w·(f − f̄))|²). Dividing by the window's own
/// autocorrelation corrects the fall-off with shift, so a perfectly periodic image gives
/// ρ(s) ≈ 1 at every lattice vector s. Values are relative to ρ(0) = 1.
///
/// The result is indexed by shift (dx, dy) in pixels, x right and y down, for
/// |dx| ≤ `maxShift`, |dy| ≤ `maxShift`.
public struct Autocorrelation: Sendable {
    /// Largest shift stored, in pixels.
    public let maxShift: Int
    /// Row-major values, (2·maxShift + 1)² of them; use `value(dx:dy:)`.
    public let values: [Double]

    /// Correlation at shift (dx, dy) pixels (0 outside the stored range).
    public func value(dx: Int, dy: Int) -> Double {
        guard abs(dx) <= maxShift, abs(dy) <= maxShift else { return 0 }
        let side = 2 * maxShift + 1
        return values[(dy + maxShift) * side + dx + maxShift]
    }

    /// Computes the autocorrelation of `image` for shifts up to `maxShift` pixels (by default
    /// half the shorter side). NaN samples count as the mean.
    ///
    /// `highPassPeriod` (pixels) suppresses structure longer than that period before
    /// correlating — a Gaussian high-pass 1 − exp(−(k/k_c)²) on the power spectrum with
    /// k_c = 1/highPassPeriod — so an unlevelled scan's tilt, bow or terraces do not swamp the
    /// lattice peaks.
    ///
    /// - Complexity: O(N log N) for N the padded pixel count (the next powers of two of the
    ///   image sides): one real 2-D FFT forward and one back.
    public init(image: Image, maxShift requested: Int? = nil, highPassPeriod: Double? = nil) throws {
        let w = image.width, h = image.height
        let maxShift = min(requested ?? min(w, h) / 2, min(w, h) / 2)
        guard maxShift >= 2 else {
            throw ImageError.invalidParameter(name: "image", reason: "\(w)×\(h) is too small for an autocorrelation")
        }
        let pw = nextPowerOfTwo(w), ph = nextPowerOfTwo(h)
        var mean = 0.0, n = 0
        for v in image.pixels where v.isFinite {
            mean += Double(v)
            n += 1
        }
        mean = n > 0 ? mean / Double(n) : 0
        var wx = [Double](repeating: 0, count: w), wy = [Double](repeating: 0, count: h)
        for x in 0..<w { wx[x] = 0.5 - 0.5 * Double.cos(2 * Double.pi * (Double(x) + 0.5) / Double(w)) }
        for y in 0..<h { wy[y] = 0.5 - 0.5 * Double.cos(2 * Double.pi * (Double(y) + 0.5) / Double(h)) }

        // The signal is real: its power spectrum comes from a real 2-D FFT (`RealPowerSpectrum`),
        // half the work of a complex one, and the inverse of the (real, even) spectrum is real.
        // Zero padding is needed only where the image does not fill the power-of-two sides.
        var signal = pw == w && ph == h
            ? [Double](unsafeUninitializedCapacity: pw * ph) { _, count in count = pw * ph }
            : [Double](repeating: 0, count: pw * ph)
        image.pixels.withUnsafeBufferPointer { px in
            for y in 0..<h {
                for x in 0..<w {
                    let v = px[y * w + x]
                    signal[y * pw + x] = v.isFinite ? (Double(v) - mean) * wx[x] * wy[y] : 0
                }
            }
        }
        let kc2 = highPassPeriod.map { 1 / ($0 * $0) } ?? 0
        let correlation = try RealAutocorrelation.circular(signal, width: pw, height: ph) { fx, fy in
            kc2 > 0 ? 1 - Double.exp(-(fx * fx + fy * fy) / kc2) : 1
        }
        // The window is separable, so is its circular autocorrelation: two 1-D sums.
        let windowX = RealAutocorrelation.circular1D(wx, period: pw, maxShift: maxShift)
        let windowY = RealAutocorrelation.circular1D(wy, period: ph, maxShift: maxShift)
        let window0 = windowX[maxShift] * windowY[maxShift]

        let zero = correlation[0] / max(window0, .leastNormalMagnitude)
        let side = 2 * maxShift + 1
        var out = [Double](repeating: 0, count: side * side)
        // maxShift ≤ min(w, h)/2 ≤ pw/2, ph/2: a negative shift wraps once, no modulo needed.
        correlation.withUnsafeBufferPointer { c in
            out.withUnsafeMutableBufferPointer { o in
                for dy in -maxShift...maxShift {
                    let iy = dy < 0 ? dy + ph : dy
                    let wy = windowY[dy + maxShift]
                    for dx in -maxShift...maxShift {
                        let ix = dx < 0 ? dx + pw : dx
                        let wv = windowX[dx + maxShift] * wy
                        // Shifts where the windows barely overlap carry no information.
                        let r = wv > 1e-3 * window0 ? c[iy * pw + ix] / wv / zero : 0
                        o[(dy + maxShift) * side + dx + maxShift] = zero > 0 ? r : 0
                    }
                }
            }
        }
        self.maxShift = maxShift
        self.values = out
    }

    /// Local maxima of the correlation (8-neighbourhood) with value ≥ `threshold` and
    /// distance from the origin ≥ `minRadius` px, refined to sub-pixel by a separable
    /// parabola through the 3×3 neighbourhood; sorted by value, highest first. Only one of each
    /// ±s pair is returned (the one with dy > 0, or dy = 0 and dx > 0).
    public func peaks(minRadius: Double, threshold: Double) -> [(shift: Point2, value: Double)] {
        var out: [(shift: Point2, value: Double)] = []
        let m = maxShift
        for dy in 0...(m - 1) {
            for dx in (-(m - 1))...(m - 1) {
                if dy == 0 && dx <= 0 { continue }
                let r2 = Double(dx * dx + dy * dy)
                if r2 < minRadius * minRadius { continue }
                let v = value(dx: dx, dy: dy)
                if v < threshold { continue }
                var isMax = true
                for ny in -1...1 {
                    for nx in -1...1 where nx != 0 || ny != 0 {
                        if value(dx: dx + nx, dy: dy + ny) > v { isMax = false }
                    }
                }
                if !isMax { continue }
                let l = value(dx: dx - 1, dy: dy), r = value(dx: dx + 1, dy: dy)
                let u = value(dx: dx, dy: dy - 1), d = value(dx: dx, dy: dy + 1)
                let denX = l - 2 * v + r, denY = u - 2 * v + d
                let ox = denX < 0 ? max(-0.5, min(0.5, 0.5 * (l - r) / denX)) : 0
                let oy = denY < 0 ? max(-0.5, min(0.5, 0.5 * (u - d) / denY)) : 0
                out.append((Point2(Double(dx) + ox, Double(dy) + oy), v))
            }
        }
        out.sort { $0.value > $1.value }
        return out
    }
}
