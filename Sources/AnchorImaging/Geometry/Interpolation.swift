/// How a warp reads the source image between pixel centres.
public enum Interpolation: String, Hashable, Sendable, Codable, CaseIterable {
    /// The nearest pixel centre (rounding halves up, i.e. ⌊x + 0.5⌋).
    case nearest
    /// Bilinear interpolation of the 2×2 pixels around the point (OpenCV `INTER_LINEAR`).
    case bilinear
    /// Bicubic convolution of the 4×4 pixels around the point with Keys' kernel, a = −0.75
    /// (OpenCV `INTER_CUBIC`; a = −0.75 rather than Keys' −0.5 so that results compare with
    /// OpenCV). Can overshoot the source range near steep edges, and unlike a = −0.5 it does not
    /// reproduce a linear ramp exactly (error up to ≈ 2 % of the ramp's step per pixel).
    case bicubic
}

/// Keys' cubic convolution weights (R. Keys, IEEE Trans. ASSP 29, 1153, 1981) with a = −0.75.
@usableFromInline
enum CubicWeights {
    @usableFromInline static let a: Float = -0.75

    /// Weights of the taps at offsets −1, 0, 1, 2 for a fractional position `t` in [0, 1).
    @inlinable @inline(__always)
    static func weights(_ t: Float) -> (Float, Float, Float, Float) {
        let a = CubicWeights.a
        // Same formulation as OpenCV's interpolateCubic, so that results agree to rounding.
        let w0 = ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a
        let w1 = ((a + 2) * t - (a + 3)) * t * t + 1
        let w2 = ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1
        let w3 = 1 - w0 - w1 - w2
        return (w0, w1, w2, w3)
    }

    /// The same weights as a vector (taps −1, 0, 1, 2), evaluated in SIMD: the distances
    /// |t − k| are (t+1, t, 1−t, 2−t); the middle taps use Keys' inner cubic, the outer ones the
    /// outer cubic, one Horner scheme with per-lane coefficients.
    @inlinable @inline(__always)
    static func vector(_ t: Float) -> SIMD4<Float> {
        let a = CubicWeights.a
        let d = (SIMD4<Float>(repeating: t) - SIMD4<Float>(-1, 0, 1, 2)).replacing(
            with: SIMD4<Float>(-1, 0, 1, 2) - SIMD4<Float>(repeating: t),
            where: SIMD4<Float>(repeating: t) .< SIMD4<Float>(-1, 0, 1, 2))
        let c3 = SIMD4<Float>(a, a + 2, a + 2, a)
        let c2 = SIMD4<Float>(-5 * a, -(a + 3), -(a + 3), -5 * a)
        let c1 = SIMD4<Float>(8 * a, 0, 0, 8 * a)
        let c0 = SIMD4<Float>(-4 * a, 1, 1, -4 * a)
        return ((c3 * d + c2) * d + c1) * d + c0
    }

    /// Weights of taps −1, 0, 1, 2 for four fractional positions at once (one vector per tap,
    /// one lane per position) — the same formulas as `weights(_:)`.
    @inlinable @inline(__always)
    static func lanes(_ t: SIMD4<Float>) -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
        let a = CubicWeights.a
        let t1 = t + 1, s = 1 - t
        let w0 = ((a * t1 - 5 * a) * t1 + 8 * a) * t1 - 4 * a
        let w1 = ((a + 2) * t - (a + 3)) * t * t + 1
        let w2 = ((a + 2) * s - (a + 3)) * s * s + 1
        let w3 = 1 - w0 - w1 - w2
        return (w0, w1, w2, w3)
    }
}
