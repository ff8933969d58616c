/// The four-point minimal solver used inside the robust estimators.
///
/// It maps the projective basis e₁, e₂, e₃, (1,1,1) onto each quadruple (a 3×3 solve by
/// adjugates, about 100 flops) and composes: H = B_image · B_model⁻¹. Exact for any four
/// points with no three collinear, and an order of magnitude cheaper than an 8×8 elimination
/// or an SVD, which is what makes thousands of hypotheses per millisecond possible.
enum MinimalSolver {
    /// The homography (up to scale) taking the four model points to the four image points,
    /// given as interleaved `[mx, my, ix, iy]` rows at indices a, b, c, d of `xy`.
    @inlinable @inline(__always)
    static func solve(_ xy: UnsafePointer<Double>, _ a: Int, _ b: Int, _ c: Int, _ d: Int) -> Homography {
        let bm = basis(xy[4 * a], xy[4 * a + 1], xy[4 * b], xy[4 * b + 1],
                       xy[4 * c], xy[4 * c + 1], xy[4 * d], xy[4 * d + 1])
        let bi = basis(xy[4 * a + 2], xy[4 * a + 3], xy[4 * b + 2], xy[4 * b + 3],
                       xy[4 * c + 2], xy[4 * c + 3], xy[4 * d + 2], xy[4 * d + 3])
        return bi * bm.adjugate
    }

    /// The matrix taking e₁, e₂, e₃ and (1,1,1) to p₁ … p₄ (up to scale).
    @inlinable @inline(__always)
    static func basis(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double,
                      _ x3: Double, _ y3: Double, _ x4: Double, _ y4: Double) -> Homography {
        // λ = adj([p₁ p₂ p₃]) · p₄ with p = (x, y, 1).
        let l1 = (y2 - y3) * x4 + (x3 - x2) * y4 + (x2 * y3 - x3 * y2)
        let l2 = (y3 - y1) * x4 + (x1 - x3) * y4 + (x3 * y1 - x1 * y3)
        let l3 = (y1 - y2) * x4 + (x2 - x1) * y4 + (x1 * y2 - x2 * y1)
        return Homography(x1 * l1, x2 * l2, x3 * l3, y1 * l1, y2 * l2, y3 * l3, l1, l2, l3)
    }

    /// Whether four correspondences can give a meaningful hypothesis: no three points
    /// collinear on either side, and every triangle keeps (or every triangle flips) its
    /// orientation from model to image — a homography that does not send any of the points
    /// through the line at infinity preserves (or reverses) all orientations together, so a
    /// mixed sample contains an outlier and is rejected before solving.
    @inlinable @inline(__always)
    static func sampleIsUsable(_ xy: UnsafePointer<Double>, _ a: Int, _ b: Int, _ c: Int, _ d: Int) -> Bool {
        let m1 = area(xy, 0, a, b, c), m2 = area(xy, 0, a, b, d), m3 = area(xy, 0, a, c, d), m4 = area(xy, 0, b, c, d)
        let i1 = area(xy, 2, a, b, c), i2 = area(xy, 2, a, b, d), i3 = area(xy, 2, a, c, d), i4 = area(xy, 2, b, c, d)
        guard m1.ok, m2.ok, m3.ok, m4.ok, i1.ok, i2.ok, i3.ok, i4.ok else { return false }
        let s1 = (m1.value > 0) == (i1.value > 0)
        return s1 == ((m2.value > 0) == (i2.value > 0))
            && s1 == ((m3.value > 0) == (i3.value > 0))
            && s1 == ((m4.value > 0) == (i4.value > 0))
    }

    /// Signed doubled area of triangle (p, q, r) on one side (offset 0 = model, 2 = image),
    /// and whether it is clearly non-zero relative to the triangle's size.
    @inlinable @inline(__always)
    static func area(_ xy: UnsafePointer<Double>, _ o: Int, _ p: Int, _ q: Int, _ r: Int) -> (value: Double, ok: Bool) {
        let ux = xy[4 * q + o] - xy[4 * p + o], uy = xy[4 * q + o + 1] - xy[4 * p + o + 1]
        let vx = xy[4 * r + o] - xy[4 * p + o], vy = xy[4 * r + o + 1] - xy[4 * p + o + 1]
        let cr = ux * vy - uy * vx
        let ext = max(ux * ux + uy * uy, vx * vx + vy * vy)
        return (cr, abs(cr) > 1e-9 * ext)
    }
}
