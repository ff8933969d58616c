import AnchorGeometry

/// A plane affine map x' = a·x + b·y + tx, y' = c·x + d·y + ty, the working form of the
/// rough matcher (cheaper than a full `Homography` in its inner loops).
struct Affine2: Sendable, Hashable {
    var a: Double, b: Double, c: Double, d: Double, tx: Double, ty: Double

    @inline(__always)
    func apply(_ p: Point2) -> Point2 {
        Point2(a * p.x + b * p.y + tx, c * p.x + d * p.y + ty)
    }

    /// Linear part applied to a vector (no translation).
    @inline(__always)
    func applyLinear(_ v: Point2) -> Point2 {
        Point2(a * v.x + b * v.y, c * v.x + d * v.y)
    }

    var determinant: Double { a * d - b * c }

    /// Geometric-mean scale √|det|.
    var meanScale: Double { abs(determinant).squareRoot() }

    var homography: Homography { Homography(a, b, tx, c, d, ty, 0, 0, 1) }

    /// The map that first shifts the model by `shift` (model units), then applies `self`.
    func shiftingModel(by shift: Point2) -> Affine2 {
        let s = applyLinear(shift)
        return Affine2(a: a, b: b, c: c, d: d, tx: tx + s.x, ty: ty + s.y)
    }

    /// Least-squares affine map taking `from[i]` to `to[i]`; nil when fewer than 3 pairs or the
    /// `from` points are (nearly) collinear. Centred coordinates keep the 3×3 normal
    /// equations well conditioned whatever the offset of the data.
    static func fit(from: [Point2], to: [Point2]) -> Affine2? {
        let n = from.count
        guard n >= 3, to.count == n else { return nil }
        var mf = Point2.zero, mt = Point2.zero
        for i in 0..<n { mf += from[i]; mt += to[i] }
        mf = mf / Double(n); mt = mt / Double(n)
        var sxx = 0.0, sxy = 0.0, syy = 0.0
        var ux = 0.0, uy = 0.0, vx = 0.0, vy = 0.0
        for i in 0..<n {
            let p = from[i] - mf, q = to[i] - mt
            sxx += p.x * p.x; sxy += p.x * p.y; syy += p.y * p.y
            ux += p.x * q.x; uy += p.y * q.x
            vx += p.x * q.y; vy += p.y * q.y
        }
        let det = sxx * syy - sxy * sxy
        // Collinear (or coincident) sources leave the linear part undetermined.
        guard det > 1e-12 * (sxx + syy) * (sxx + syy), det.isFinite else { return nil }
        let inv = 1 / det
        let a = (ux * syy - uy * sxy) * inv, b = (uy * sxx - ux * sxy) * inv
        let c = (vx * syy - vy * sxy) * inv, d = (vy * sxx - vx * sxy) * inv
        let tx = mt.x - a * mf.x - b * mf.y, ty = mt.y - c * mf.x - d * mf.y
        let r = Affine2(a: a, b: b, c: c, d: d, tx: tx, ty: ty)
        return [a, b, c, d, tx, ty].allSatisfy(\.isFinite) ? r : nil
    }
}
