/// Solves a small dense linear system A·x = b (row-major `a`, n × n) by Gaussian elimination
/// with partial pivoting, in Double. Returns `nil` when A is singular to working precision.
/// Used by the least-squares background fits (n ≤ 10), where a library solver would be
/// overkill.
/// - Complexity: O(n³).
func solveSmallLinearSystem(_ a: [Double], _ b: [Double], n: Int) -> [Double]? {
    var m = a, r = b
    var scale = 0.0
    for v in a { scale = max(scale, abs(v)) }
    guard scale > 0, scale.isFinite else { return nil }
    for col in 0..<n {
        var piv = col
        for row in (col + 1)..<max(n, col + 1) where abs(m[row * n + col]) > abs(m[piv * n + col]) {
            piv = row
        }
        guard abs(m[piv * n + col]) > 1e-13 * scale else { return nil }
        if piv != col {
            for k in 0..<n { m.swapAt(col * n + k, piv * n + k) }
            r.swapAt(col, piv)
        }
        let d = m[col * n + col]
        for row in (col + 1)..<max(n, col + 1) {
            let f = m[row * n + col] / d
            if f == 0 { continue }
            for k in col..<n { m[row * n + k] -= f * m[col * n + k] }
            r[row] -= f * r[col]
        }
    }
    var x = [Double](repeating: 0, count: n)
    for row in stride(from: n - 1, through: 0, by: -1) {
        var s = r[row]
        for k in (row + 1)..<max(n, row + 1) { s -= m[row * n + k] * x[k] }
        x[row] = s / m[row * n + row]
    }
    return x.allSatisfy(\.isFinite) ? x : nil
}
