/// Direct solvers for small dense linear systems (n ≲ 20), working in caller-owned buffers so
/// that estimators can call them in hot loops without heap allocation.
public enum DenseSolve {
    /// Solves A·x = b by Gaussian elimination with partial pivoting.
    ///
    /// - Parameters:
    ///   - a: n×n row-major, destroyed.
    ///   - b: length n; replaced by the solution x.
    /// - Returns: `false` when a pivot is below `1e-14 ×` the largest |element| of A (the
    ///   system is singular to working precision); `b` is then unspecified.
    /// - Complexity: O(n³).
    @inlinable
    public static func gaussian(_ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>, n: Int) -> Bool {
        var scale = 0.0
        for i in 0..<(n * n) { scale = max(scale, abs(a[i])) }
        guard scale > 0, scale.isFinite else { return false }
        let tiny = 1e-14 * scale
        for col in 0..<n {
            var piv = col
            var best = abs(a[col * n + col])
            for r in (col + 1)..<max(col + 1, n) where abs(a[r * n + col]) > best {
                best = abs(a[r * n + col]); piv = r
            }
            if !(best > tiny) { return false }
            if piv != col {
                for k in col..<n { let t = a[col * n + k]; a[col * n + k] = a[piv * n + k]; a[piv * n + k] = t }
                let t = b[col]; b[col] = b[piv]; b[piv] = t
            }
            let inv = 1 / a[col * n + col]
            for r in (col + 1)..<max(col + 1, n) {
                let f = a[r * n + col] * inv
                if f == 0 { continue }
                for k in (col + 1)..<n { a[r * n + k] -= f * a[col * n + k] }
                b[r] -= f * b[col]
            }
        }
        var i = n - 1
        while i >= 0 {
            var s = b[i]
            for k in (i + 1)..<max(i + 1, n) { s -= a[i * n + k] * b[k] }
            b[i] = s / a[i * n + i]
            i -= 1
        }
        return true
    }

    /// Solves A·x = b for symmetric positive-definite A by Cholesky factorisation (A = L·Lᵀ).
    /// Only the lower triangle of `a` is read; it is overwritten by L.
    ///
    /// - Returns: `false` when A is not (numerically) positive definite.
    /// - Complexity: O(n³ / 3).
    @inlinable
    public static func cholesky(_ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>, n: Int) -> Bool {
        for j in 0..<n {
            var d = a[j * n + j]
            for k in 0..<j { d -= a[j * n + k] * a[j * n + k] }
            guard d > 0, d.isFinite else { return false }
            let ljj = d.squareRoot()
            a[j * n + j] = ljj
            let inv = 1 / ljj
            for i in (j + 1)..<max(j + 1, n) {
                var s = a[i * n + j]
                for k in 0..<j { s -= a[i * n + k] * a[j * n + k] }
                a[i * n + j] = s * inv
            }
        }
        for i in 0..<n {
            var s = b[i]
            for k in 0..<i { s -= a[i * n + k] * b[k] }
            b[i] = s / a[i * n + i]
        }
        var i = n - 1
        while i >= 0 {
            var s = b[i]
            for k in (i + 1)..<max(i + 1, n) { s -= a[k * n + i] * b[k] }
            b[i] = s / a[i * n + i]
            i -= 1
        }
        return true
    }

    /// Convenience: solves A·x = b (row-major A) with partial-pivoting Gaussian elimination.
    /// - Throws: `GeometryError.invalidParameter` for a size mismatch,
    ///   `GeometryError.singularMatrix` when A is singular to working precision.
    public static func solve(_ a: [Double], _ b: [Double]) throws -> [Double] {
        let n = b.count
        guard n > 0, a.count == n * n else {
            throw GeometryError.invalidParameter(name: "a", reason: "expected \(n)×\(n) elements, got \(a.count)")
        }
        var m = a, x = b
        let ok = m.withUnsafeMutableBufferPointer { mp in
            x.withUnsafeMutableBufferPointer { xp in gaussian(mp.baseAddress!, xp.baseAddress!, n: n) }
        }
        guard ok, x.allSatisfy(\.isFinite) else { throw GeometryError.singularMatrix(determinant: 0) }
        return x
    }
}
