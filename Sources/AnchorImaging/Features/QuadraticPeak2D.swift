/// Sub-pixel peak position from a 3×3 neighbourhood: the stationary point of the quadratic
/// f(u, v) ≈ f₀ + g·(u, v) + ½ (u, v)ᵀ H (u, v) whose gradient g and Hessian H are the central
/// differences at the centre sample.
///
/// Used by `LocalExtremaDetector` (on intensities, or on log-intensities for a Gaussian
/// peak, where the fit is exact for a sampled isotropic or axis-aligned Gaussian) and by
/// `LoGBlobDetector` at the ends of its σ range.
struct QuadraticPeak2D {
    /// Offset of the peak from the centre sample, in pixels (x right, y down).
    var dx: Double, dy: Double
    /// Fitted value at the peak.
    var value: Double
    /// Second differences at the centre (f_xx, f_yy, f_xy).
    var hxx: Double, hyy: Double, hxy: Double

    /// Fits the 3×3 values `f[row][col]`, rows y−1…y+1, columns x−1…x+1.
    /// - Returns: `nil` when the fit is not a maximum (H not negative definite) or the
    ///   stationary point lies more than `maxOffset` pixels from the centre in x or y.
    static func fit(_ f: [[Double]], maxOffset: Double = 1) -> QuadraticPeak2D? {
        let c = f[1][1]
        let gx = 0.5 * (f[1][2] - f[1][0])
        let gy = 0.5 * (f[2][1] - f[0][1])
        let hxx = f[1][2] + f[1][0] - 2 * c
        let hyy = f[2][1] + f[0][1] - 2 * c
        let hxy = 0.25 * (f[2][2] - f[2][0] - f[0][2] + f[0][0])
        let det = hxx * hyy - hxy * hxy
        guard det.isFinite, hxx < 0, det > 0 else { return nil }
        // (dx, dy) = −H⁻¹ g
        let dx = -(hyy * gx - hxy * gy) / det
        let dy = -(hxx * gy - hxy * gx) / det
        guard abs(dx) <= maxOffset, abs(dy) <= maxOffset else { return nil }
        return QuadraticPeak2D(dx: dx, dy: dy, value: c + 0.5 * (gx * dx + gy * dy),
                               hxx: hxx, hyy: hyy, hxy: hxy)
    }

    /// The 3×3 neighbourhood of (x, y) in a row-major buffer, as Double, read through `map`.
    static func neighbourhood(_ p: UnsafeBufferPointer<Float>, width w: Int, x: Int, y: Int,
                              _ map: (Float) -> Double = { Double($0) }) -> [[Double]] {
        (-1...1).map { j in (-1...1).map { i in map(p[(y + j) * w + x + i]) } }
    }
}
