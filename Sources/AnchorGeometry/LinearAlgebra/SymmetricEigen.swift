/// Eigen-decomposition of small dense symmetric matrices by the cyclic Jacobi method.
///
/// Jacobi is slower than tridiagonal QR for large matrices but is simple, needs no
/// allocation beyond the caller's buffers, and computes small eigenvalues to high *relative*
/// accuracy — which is what the DLT needs: the homography is the eigenvector of the
/// smallest eigenvalue of the 9×9 matrix AᵀA.
///
/// - Complexity: O(n³) per sweep; a 9×9 matrix converges in 6–10 sweeps.
public enum SymmetricEigen {
    /// Eigenvalues (ascending) and unit eigenvectors of a symmetric n×n matrix.
    ///
    /// - Parameters:
    ///   - matrix: n×n elements, row-major; only symmetry is assumed (the upper triangle is
    ///     mirrored to the lower one).
    ///   - n: the dimension.
    /// - Returns: `values[k]` with eigenvector `vectors[k]` (length n), sorted by ascending value.
    /// - Throws: `GeometryError.invalidParameter` if the size is wrong or an element is not finite.
    public static func decompose(_ matrix: [Double], dimension n: Int) throws -> (values: [Double], vectors: [[Double]]) {
        guard n > 0, matrix.count == n * n else {
            throw GeometryError.invalidParameter(name: "matrix", reason: "expected \(n)×\(n) = \(n * n) elements, got \(matrix.count)")
        }
        guard matrix.allSatisfy(\.isFinite) else {
            throw GeometryError.invalidParameter(name: "matrix", reason: "an element is NaN or infinite")
        }
        var a = matrix
        for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { a[j * n + i] = a[i * n + j] } }
        var v = [Double](repeating: 0, count: n * n)
        _ = a.withUnsafeMutableBufferPointer { ap in
            v.withUnsafeMutableBufferPointer { vp in
                jacobi(ap.baseAddress!, vp.baseAddress!, n: n)
            }
        }
        let order = (0..<n).sorted { a[$0 * n + $0] < a[$1 * n + $1] }
        return (order.map { a[$0 * n + $0] }, order.map { k in (0..<n).map { v[$0 * n + k] } })
    }

    /// In-place cyclic Jacobi: on return the diagonal of `a` holds the eigenvalues (unsorted)
    /// and column k of `v` (row-major n×n) the eigenvector of `a[k, k]`. `a` must be symmetric
    /// (both triangles filled).
    /// Returns the number of sweeps performed.
    @usableFromInline @discardableResult
    static func jacobi(_ a: UnsafeMutablePointer<Double>, _ v: UnsafeMutablePointer<Double>, n: Int, maxSweeps: Int = 60) -> Int {
        for i in 0..<(n * n) { v[i] = 0 }
        for i in 0..<n { v[i * n + i] = 1 }
        for sweep in 0..<maxSweeps {
            var rotated = false
            for p in 0..<(n - 1) {
                for q in (p + 1)..<n {
                    let apq = a[p * n + q]
                    if apq == 0 { continue }
                    let app = a[p * n + p], aqq = a[q * n + q]
                    // Demmel–Veselić criterion: an element below ε·√|a_pp·a_qq| cannot change
                    // any eigenvalue beyond its own rounding, small eigenvalues included, so it
                    // is dropped; the sweep loop ends when a sweep rotates nothing.
                    if abs(apq) <= 1e-16 * (abs(app) * abs(aqq)).squareRoot() || abs(apq) < 1e-300 {
                        a[p * n + q] = 0; a[q * n + p] = 0; continue
                    }
                    rotated = true
                    let theta = (aqq - app) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    a[p * n + q] = 0
                    a[q * n + p] = 0
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
            if !rotated { return sweep + 1 }
        }
        return maxSweeps
    }
}
