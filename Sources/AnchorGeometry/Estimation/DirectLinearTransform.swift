/// The direct linear transform (DLT) on normalised correspondences: the homography is the
/// unit vector h minimising ‖A·h‖, A being the 2n×9 matrix of the linearised equations
///
///     [ 0  0  0  −x −y −1   v·x  v·y  v ] · h = 0
///     [ x  y  1   0  0  0  −u·x −u·y −u ] · h = 0
///
/// for every model point (x, y) ↦ image point (u, v). It is the eigenvector of the smallest
/// eigenvalue of the 9×9 matrix AᵀA (Hartley & Zisserman, Multiple View Geometry, alg. 4.2).
enum DirectLinearTransform {
    /// The inhomogeneous form (h₃₃ = 1) solved through its 8×8 normal equations by Cholesky.
    ///
    /// In Hartley-normalised coordinates h₃₃ is the image of the model centroid's w and is
    /// far from zero for any meaningful fit, so fixing it costs nothing — and the solve is
    /// ~30× cheaper than the 9×9 Jacobi eigenproblem. Returns `nil` when the system is
    /// singular or ill-conditioned (a pivot below 1e-12 of its diagonal element), which
    /// happens exactly for degenerate configurations (or h₃₃ ≈ 0): callers then fall back to
    /// `solve`, which diagnoses.
    static func solveInhomogeneous(_ data: NormalizedCorrespondences, indices: [Int]? = nil, weights: [Double]? = nil) -> Homography? {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 64 + 8 + 8) { buf in
            let a = buf.baseAddress!, b = a + 64, diag = a + 72
            for k in 0..<72 { a[k] = 0 }
            data.xy.withUnsafeBufferPointer { xyb in
                let xy = xyb.baseAddress!
                @inline(__always) func add(_ i: Int) {
                    let x = xy[4 * i], y = xy[4 * i + 1], u = xy[4 * i + 2], v = xy[4 * i + 3]
                    let w = weights?[i] ?? 1
                    if w == 0 { return }
                    // Row 1: (0, 0, 0, −x, −y, −1, v·x, v·y)·h = −v; row 2: (x, y, 1, 0, 0, 0, −u·x, −u·y)·h = u.
                    let r1: (Double, Double, Double, Double, Double, Double, Double, Double) = (0, 0, 0, -x, -y, -1, v * x, v * y)
                    let r2: (Double, Double, Double, Double, Double, Double, Double, Double) = (x, y, 1, 0, 0, 0, -u * x, -u * y)
                    withUnsafeBytes(of: r1) { p1 in
                        withUnsafeBytes(of: r2) { p2 in
                            let q1 = p1.bindMemory(to: Double.self), q2 = p2.bindMemory(to: Double.self)
                            for r in 0..<8 {
                                let s1 = w * q1[r], s2 = w * q2[r]
                                for c in r..<8 { a[r * 8 + c] += s1 * q1[c] + s2 * q2[c] }
                                b[r] += -s1 * v + s2 * u
                            }
                        }
                    }
                }
                if let indices { for i in indices { add(i) } } else { for i in 0..<data.count { add(i) } }
            }
            for r in 0..<8 {
                diag[r] = a[r * 8 + r]
                for c in 0..<r { a[r * 8 + c] = a[c * 8 + r] }
            }
            guard DenseSolve.cholesky(a, b, n: 8) else { return nil }
            for r in 0..<8 where !(a[r * 8 + r] * a[r * 8 + r] > 1e-12 * diag[r]) { return nil }
            let h = Homography(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], 1)
            return h.isFinite ? h : nil
        }
    }


    struct Solution {
        /// The estimate in normalised coordinates (unit Frobenius norm).
        var homography: Homography
        /// Eigenvalues of AᵀA, ascending: [0] is the algebraic residual, [1] the spectral gap
        /// that says whether the solution is unique.
        var smallest: Double, secondSmallest: Double, largest: Double
    }

    /// Solves over the correspondences listed in `indices` (all when `nil`), each row pair
    /// weighted by `weights[i]` when given (the weighted form used by IRLS).
    static func solve(_ data: NormalizedCorrespondences, indices: [Int]? = nil, weights: [Double]? = nil) -> Solution {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 162) { buf in
            let a = buf.baseAddress!, v = a + 81
            for k in 0..<81 { a[k] = 0 }
            data.xy.withUnsafeBufferPointer { xyb in
                let xy = xyb.baseAddress!
                func add(_ i: Int) {
                    let x = xy[4 * i], y = xy[4 * i + 1], u = xy[4 * i + 2], vv = xy[4 * i + 3]
                    let w = weights?[i] ?? 1
                    if w == 0 { return }
                    // Row 1 = (0, 0, 0, −x, −y, −1, v·x, v·y, v); row 2 = (x, y, 1, 0, 0, 0, −u·x, −u·y, −u).
                    let r1: (Double, Double, Double, Double, Double, Double, Double, Double, Double) =
                        (0, 0, 0, -x, -y, -1, vv * x, vv * y, vv)
                    let r2: (Double, Double, Double, Double, Double, Double, Double, Double, Double) =
                        (x, y, 1, 0, 0, 0, -u * x, -u * y, -u)
                    withUnsafeBytes(of: r1) { p1 in
                        withUnsafeBytes(of: r2) { p2 in
                            let q1 = p1.bindMemory(to: Double.self), q2 = p2.bindMemory(to: Double.self)
                            for r in 0..<9 {
                                let s1 = w * q1[r], s2 = w * q2[r]
                                for c in r..<9 { a[r * 9 + c] += s1 * q1[c] + s2 * q2[c] }
                            }
                        }
                    }
                }
                if let indices { for i in indices { add(i) } } else { for i in 0..<data.count { add(i) } }
            }
            for r in 0..<9 { for c in 0..<r { a[r * 9 + c] = a[c * 9 + r] } }
            SymmetricEigen.jacobi(a, v, n: 9)
            var order = (0, 0, 0)  // smallest, second, largest
            var e0 = Double.infinity, e1 = Double.infinity, eMax = -Double.infinity
            for k in 0..<9 {
                let e = a[k * 9 + k]
                if e < e0 { e1 = e0; order.1 = order.0; e0 = e; order.0 = k } else if e < e1 { e1 = e; order.1 = k }
                if e > eMax { eMax = e; order.2 = k }
            }
            let k = order.0
            let h = Homography(v[k], v[9 + k], v[18 + k], v[27 + k], v[36 + k], v[45 + k], v[54 + k], v[63 + k], v[72 + k])
            return Solution(homography: h, smallest: e0, secondSmallest: e1, largest: eMax)
        }
    }
}
