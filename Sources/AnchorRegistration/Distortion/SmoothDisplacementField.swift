import AnchorGeometry

/// A smooth 2-D displacement field over an image, d(x, y) in pixels: a uniform bicubic
/// B-spline (tensor product) on a grid of `intervals` × `intervals` spans covering the frame,
/// fitted to anchor residuals by penalised least squares.
///
/// Why: some distortion is not tied to the scan lines (sample tilt with a curved scanner
/// bow, local thermal gradients, an electron microscope's lens distortion); a smooth field
/// follows it with few numbers, and the bending penalty keeps it from chasing noise between
/// anchors. Coordinates: image pixels, centres at integers, x right, y down; the grid spans
/// −0.5 … width − 0.5 and −0.5 … height − 0.5, and points outside read the border value.
public struct SmoothDisplacementField: Sendable, Codable, Equatable {
    public var width: Int
    public var height: Int
    /// B-spline spans per axis.
    public var intervals: Int
    /// (intervals + 3)² control vectors, pixels, row-major (index = j · (intervals + 3) + i,
    /// j along y).
    public var coefficients: [Point2]

    /// d at image point `p`, pixels.
    public func displacement(at p: Point2) -> Point2 {
        guard p.isFinite, coefficients.count == (intervals + 3) * (intervals + 3) else { return .zero }
        let (ix, wx) = Self.basis(p.x, extent: width, intervals: intervals)
        let (iy, wy) = Self.basis(p.y, extent: height, intervals: intervals)
        let n = intervals + 3
        var d = Point2.zero
        for b in 0..<4 {
            var row = Point2.zero
            for a in 0..<4 { row += coefficients[(iy + b) * n + ix + a] * wx[a] }
            d += row * wy[b]
        }
        return d
    }

    /// First control index and the four cubic B-spline weights at coordinate `t`.
    static func basis(_ t: Double, extent: Int, intervals: Int) -> (Int, [Double]) {
        let clamped = min(max(t, -0.5), Double(extent) - 0.5)
        let u = (clamped + 0.5) / Double(max(extent, 1)) * Double(intervals)
        let i = min(Int(u), intervals - 1)
        let f = u - Double(i)
        let f2 = f * f, f3 = f2 * f
        return (i, [(1 - f) * (1 - f) * (1 - f) / 6, (3 * f3 - 6 * f2 + 4) / 6,
                    (-3 * f3 + 3 * f2 + 3 * f + 1) / 6, f3 / 6])
    }

    /// The spans per axis for `count` anchors: about √count / 2, 1…8 (with the bending
    /// penalty a few more control points than a plain fit could afford).
    public static func intervals(forAnchors count: Int) -> Int {
        min(8, max(1, Int((Double(count).squareRoot() / 2).rounded())))
    }

    /// Fits the field to `samples` (image position, residual displacement), pixels, minimising
    /// Σ|d(p) − r|² + λ · Σ (second differences of the control vectors along x and y)², with
    /// λ = `smoothing` × the mean diagonal of the data term (so the penalty does not depend on
    /// the number of anchors). Returns nil for fewer than 6 samples or a singular system.
    /// - Complexity: O(n · 16² + m³), m = (intervals + 3)² ≤ 121.
    public init?(samples: [(position: Point2, residual: Point2)], width: Int, height: Int,
                 intervals: Int, smoothing: Double = 0.05) {
        guard samples.count >= 6, width > 0, height > 0, intervals >= 1 else { return nil }
        let n = intervals + 3, m = n * n
        var ata = [Double](repeating: 0, count: m * m)
        var atx = [Double](repeating: 0, count: m), aty = [Double](repeating: 0, count: m)
        var idx = [Int](repeating: 0, count: 16), wt = [Double](repeating: 0, count: 16)
        for s in samples where s.position.isFinite && s.residual.isFinite {
            let (ix, wx) = Self.basis(s.position.x, extent: width, intervals: intervals)
            let (iy, wy) = Self.basis(s.position.y, extent: height, intervals: intervals)
            for b in 0..<4 {
                for a in 0..<4 {
                    idx[b * 4 + a] = (iy + b) * n + ix + a
                    wt[b * 4 + a] = wx[a] * wy[b]
                }
            }
            for u in 0..<16 {
                atx[idx[u]] += wt[u] * s.residual.x
                aty[idx[u]] += wt[u] * s.residual.y
                for v in 0..<16 { ata[idx[u] * m + idx[v]] += wt[u] * wt[v] }
            }
        }
        var trace = 0.0
        for k in 0..<m { trace += ata[k * m + k] }
        let lambda = smoothing * trace / Double(m)
        // Second differences along x and y: DᵀD added to the normal matrix.
        func addDifference(_ k0: Int, _ k1: Int, _ k2: Int) {
            let ks = [k0, k1, k2], cs = [1.0, -2.0, 1.0]
            for u in 0..<3 { for v in 0..<3 { ata[ks[u] * m + ks[v]] += lambda * cs[u] * cs[v] } }
        }
        for j in 0..<n {
            for i in 1..<(n - 1) {
                addDifference(j * n + i - 1, j * n + i, j * n + i + 1)
                addDifference((i - 1) * n + j, i * n + j, (i + 1) * n + j)
            }
        }
        // A small ridge keeps control points without data (and the null space of the second
        // differences, the plane) determined: they tend to zero displacement.
        for k in 0..<m { ata[k * m + k] += 1e-6 * max(lambda, 1e-12) + 1e-9 }
        var a2 = ata
        let okX = ata.withUnsafeMutableBufferPointer { a in atx.withUnsafeMutableBufferPointer { DenseSolve.cholesky(a.baseAddress!, $0.baseAddress!, n: m) } }
        let okY = a2.withUnsafeMutableBufferPointer { a in aty.withUnsafeMutableBufferPointer { DenseSolve.cholesky(a.baseAddress!, $0.baseAddress!, n: m) } }
        guard okX, okY, atx.allSatisfy(\.isFinite), aty.allSatisfy(\.isFinite) else { return nil }
        self.width = width
        self.height = height
        self.intervals = intervals
        coefficients = (0..<m).map { Point2(atx[$0], aty[$0]) }
    }
}
