import RealModule

/// The paper's affine parametrisation (Eq. 1): scale, rotation, shear and translation,
///
///     A = S(sx, sy) · R(θ) · Sh(ax, ay) · T(x0, y0)
///       = ⎡sx  0  0⎤ ⎡cos θ  −sin θ  0⎤ ⎡1   ax  0⎤ ⎡1  0  x0⎤
///         ⎢0  sy  0⎥ ⎢sin θ   cos θ  0⎥ ⎢ay  1   0⎥ ⎢0  1  y0⎥
///         ⎣0   0  1⎦ ⎣0       0      1⎦ ⎣0   0   1⎦ ⎣0  0   1⎦
///
/// applied to column vectors (x, y, 1)ᵀ, so the translation acts first: (x0, y0) is in the
/// coordinates of the points A is applied to (model units for the rough placement A·P_m),
/// and the scale acts last (sx, sy are image units per model unit along the image axes).
/// θ is in radians, counter-clockwise in an x-right, y-up frame (clockwise on screen in
/// image space, where y points down).
///
/// ## The redundancy of Eq. 1
/// Eq. 1 has seven parameters, an affine transform six degrees of freedom: (sx, sy, θ, ax, ay)
/// describe the 2×2 linear part, which has four. Fixing one shear (ay = 0) does *not* work —
/// S·R·Sh(ax, 0) cannot represent every affine transform (e.g. [[1, 0], [1, 0.1]]). The
/// decomposition `init(decomposing:)` therefore uses this convention instead:
/// **of all parameter sets that produce the matrix, the one with the least shear
/// ax² + ay², with sx > 0 and θ ∈ (−π, π]** (sy < 0 marks a reflection). Consequences:
/// a matrix S·R(θ)·T without shear decomposes to exactly those sx, sy, θ and ax = ay = 0;
/// matrix → parameters → matrix is exact (to rounding) for every invertible affine transform;
/// a parameter set *with* shear may come back as an equivalent set with smaller shear.
public struct AffineParameters: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Scale along x and y (applied last, along the output axes).
    public var sx: Double, sy: Double
    /// Rotation in radians.
    public var theta: Double
    /// Shear factors: x += ax·y and y += ay·x (before rotation).
    public var ax: Double, ay: Double
    /// Translation, applied first (input coordinates).
    public var x0: Double, y0: Double

    public init(sx: Double = 1, sy: Double = 1, theta: Double = 0, ax: Double = 0, ay: Double = 0,
                x0: Double = 0, y0: Double = 0) {
        self.sx = sx; self.sy = sy; self.theta = theta; self.ax = ax; self.ay = ay; self.x0 = x0; self.y0 = y0
    }

    /// The identity (unit scale, no rotation, shear or translation).
    public static let identity = AffineParameters()

    /// A = S · R · Sh · T (Eq. 1) as a 3×3 matrix.
    public var matrix: Homography {
        Homography.scaling(sx, sy) * Homography.rotation(theta) * Homography(1, ax, 0, ay, 1, 0, 0, 0, 1)
            * Homography.translation(x0, y0)
    }

    /// Decomposes an affine matrix into Eq. 1's parameters with the least-shear convention
    /// described on the type.
    ///
    /// - Throws: `GeometryError.invalidParameter` when the matrix is not affine (its last row
    ///   is not (0, 0, c) with c ≠ 0) or not finite; `GeometryError.singularMatrix` when its
    ///   linear part is singular.
    public init(decomposing matrix: Homography) throws {
        guard matrix.isFinite else {
            throw GeometryError.invalidParameter(name: "matrix", reason: "an element is NaN or infinite")
        }
        guard matrix.m31 == 0, matrix.m32 == 0, matrix.m33 != 0 else {
            throw GeometryError.invalidParameter(
                name: "matrix", reason: "not affine: the last row is (\(matrix.m31), \(matrix.m32), \(matrix.m33)), expected (0, 0, c ≠ 0)")
        }
        let a = matrix.normalized()
        let p = a.m11, q = a.m12, r = a.m21, w = a.m22
        let det = p * w - q * r
        let size = max(abs(p), abs(q), abs(r), abs(w))
        guard abs(det) > 1e-14 * size * size else { throw GeometryError.singularMatrix(determinant: det) }

        // With φ = 2θ, (x, y) = (cos φ, sin φ), the linear system for the row scales gives
        //   ax = (2qw + D·y) / (A + D·x),  ay = (2pr − D·y) / (A + D·x),  A = pw + qr, D = det.
        // For fixed y the shear is least when |A + D·x| is largest: x = sign(A·D)·√(1 − y²).
        // √(ax² + ay²) is then a ratio of a convex and a positive concave function of y, so
        // quasi-convex on [−1, 1]; its stationary point is the sign change of
        //   G(y) = N′(y)·g(y)·√(1 − y²) + 2·N(y)·|D|·y,  N = (2qw + Dy)² + (2pr − Dy)²,
        //   g = |A| + |D|·√(1 − y²), which bisection finds to the last bit.
        let bigA = p * w + q * r, d = det
        let sgn: Double = bigA * d >= 0 ? 1 : -1
        func g(_ y: Double) -> Double {
            let root = max(0, 1 - y * y).squareRoot()
            let n = (2 * q * w + d * y) * (2 * q * w + d * y) + (2 * p * r - d * y) * (2 * p * r - d * y)
            let dn = 2 * d * (2 * q * w + d * y) - 2 * d * (2 * p * r - d * y)
            return dn * (abs(bigA) + abs(d) * root) * root + 2 * n * abs(d) * y
        }
        var lo = -1.0, hi = 1.0
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if mid <= lo || mid >= hi { break }
            if g(mid) < 0 { lo = mid } else { hi = mid }
        }
        let y = (lo + hi) / 2
        let x = sgn * max(0, 1 - y * y).squareRoot()
        var th = Double.atan2(y: y, x: x) / 2
        var c = Double.cos(th), s = Double.sin(th)
        let delta = c * c * p * w + s * s * q * r
        var d1 = (c * w - s * r) / delta
        if d1 < 0 {
            th += .pi; c = -c; s = -s; d1 = -d1
        }
        let d2 = (c * p + s * q) / delta
        if th > .pi { th -= 2 * .pi }
        sx = 1 / d1
        sy = 1 / d2
        theta = th
        ax = (q * w + c * s * d) / delta
        ay = (p * r - c * s * d) / delta
        // Translation acts first: the matrix's last column is L · (x0, y0).
        let tx = a.m13, ty = a.m23
        x0 = (w * tx - q * ty) / det
        y0 = (p * ty - r * tx) / det
    }

    public var description: String {
        "AffineParameters(sx: \(sx), sy: \(sy), θ: \(theta) rad, ax: \(ax), ay: \(ay), x0: \(x0), y0: \(y0))"
    }
}
