/// Offset of the vertex of the parabola through three equally spaced samples l, c, r (at −1,
/// 0, +1) from the middle one: (l − r) / (2 (l − 2c + r)), clamped to ±½ — the sub-sample
/// position of an extremum found at c. 0 when the three samples are (nearly) collinear or not
/// finite.
@inline(__always)
func parabolaVertexOffset(_ l: Double, _ c: Double, _ r: Double) -> Double {
    let den = l - 2 * c + r
    guard den.isFinite, abs(den) > 1e-15 else { return 0 }
    return max(-0.5, min(0.5, 0.5 * (l - r) / den))
}
