import AnchorGeometry
import AnchorImaging
import AnchorModels

/// The image folded into the model's unit cell through a finished registration: every sampled
/// pixel p goes to the fractional model coordinates (u, v) of H⁻¹(p − d(p)) (d: the scan-line
/// field, when the registration has one), so the fold follows the whole fitted distortion,
/// unlike `CellAverage`, which folds with one pair of straight lattice vectors.
///
/// The fold is made over a *doubled* cell (2·a1, 2·a2): its four quadrants are four
/// interleaved sub-lattices of cells. If the model's cell is the image's period they agree up
/// to noise; if the image repeats only every second cell (a centred lattice folded with its
/// half cell, a 2× superstructure) they differ. `cell` is their mean: the ordinary cell
/// average.
struct ModelCellFold {
    /// Bins per model cell along a1 and a2 (the doubled fold has `2·bins` per side).
    let bins: Int
    /// The cell average, row-major over (v, u): `cell[v * bins + u]` (NaN where no sample
    /// fell).
    let cell: [Double]
    /// The four quadrant averages (sub-lattices (i mod 2, j mod 2) = (0,0), (1,0), (0,1),
    /// (1,1)), each laid out like `cell`.
    let quadrants: [[Double]]
    /// Samples per bin of each quadrant.
    let quadrantCounts: [[Int]]
    /// The quadrant averages of the upper and the lower half of the frame separately (rows
    /// above and below the middle), laid out like `quadrants`: their noise is independent,
    /// so the product of their sub-lattice differences estimates the squared superstructure
    /// without a noise bias (see `MotifEvidence.superstructure`).
    let halfQuadrants: [[[Double]]]
    /// Samples folded.
    let samples: Int

    /// Folds `image` (pixels, x right, y down) through `registration`, sampling about
    /// `maxSamples` pixels on a regular grid.
    ///
    /// Only the area the fit claims is folded: pixels within about a cell of an inlier
    /// anchor, each with the lattice shift of that anchor's domain. Where the fit does not
    /// hold (the inlier fraction says how much of the frame that is) the fold would only
    /// smear the motif.
    ///
    /// - Complexity: O(maxSamples + anchors + bins²).
    init?(image: Image, registration: Registration, lattice: LatticeModel, bins: Int = 28, maxSamples: Int = 70_000) {
        guard let inverse = try? registration.homography.inverse(), bins >= 4 else { return nil }
        let m1 = lattice.a1, m2 = lattice.a2
        let det = m1.cross(m2)
        guard det.isFinite, abs(det) > 1e-12 else { return nil }
        let n2 = 2 * bins
        var sums = [Double](repeating: 0, count: n2 * n2)
        var counts = [Int](repeating: 0, count: n2 * n2)
        var halfSums = [[Double]](repeating: [Double](repeating: 0, count: n2 * n2), count: 2)
        var halfCounts = [[Int]](repeating: [Int](repeating: 0, count: n2 * n2), count: 2)
        let step = max(1, Int((Double(image.width * image.height) / Double(maxSamples)).squareRoot().rounded(.up)))
        let hasField = registration.scanLineOffsets != nil
        // Which domain owns each square of `g` px (−1: no inlier anchor near): squares half a
        // cell wide, each inlier anchor claiming its own and the eight around it.
        let inliers = registration.anchors.filter(\.inlier)
        guard inliers.count >= 4 else { return nil }
        let cellPixels = lattice.a1.length / max(1e-12, (registration.pixelSize[0] + registration.pixelSize[1]) / 2)
        let g = max(2.0, cellPixels / 2)
        let gw = Int(Double(image.width) / g) + 1, gh = Int(Double(image.height) / g) + 1
        // Each square also takes its anchor's residual (model units), so that the fold is
        // centred on the anchors themselves: the motif test asks what the image shows around
        // the anchors, the held-out residual how well the fit places them.
        let shifts = registration.domains.map(\.shift)
        var owner = [Int](repeating: -1, count: gw * gh)
        var ownerDistance = [Double](repeating: .infinity, count: gw * gh)
        var correction = [Point2](repeating: .zero, count: gw * gh)
        for a in inliers {
            let domain = a.domain ?? 0
            var m = inverse.apply(hasField ? a.image - registration.scanLineDisplacement(at: a.image) : a.image)
            if domain > 0, domain < shifts.count { m -= shifts[domain] }
            let offset = m - a.model
            guard offset.isFinite else { continue }
            let cx = Int((a.image.x / g).rounded(.down)), cy = Int((a.image.y / g).rounded(.down))
            for dy in -1...1 {
                for dx in -1...1 {
                    let x = cx + dx, y = cy + dy
                    guard x >= 0, y >= 0, x < gw, y < gh else { continue }
                    let d = a.image.distance(to: Point2((Double(x) + 0.5) * g, (Double(y) + 0.5) * g))
                    if d < ownerDistance[y * gw + x] {
                        ownerDistance[y * gw + x] = d
                        owner[y * gw + x] = domain
                        correction[y * gw + x] = offset
                    }
                }
            }
        }
        let fb = Double(n2)
        var used = 0
        image.pixels.withUnsafeBufferPointer { px in
            for y in Swift.stride(from: 0, to: image.height, by: step) {
                for x in Swift.stride(from: 0, to: image.width, by: step) {
                    let value = Double(px[y * image.width + x])
                    guard value.isFinite else { continue }
                    let square = Int(Double(y) / g) * gw + Int(Double(x) / g)
                    let domain = owner[square]
                    guard domain >= 0 else { continue }
                    var p = Point2(Double(x), Double(y))
                    if hasField { p -= registration.scanLineDisplacement(at: p) }
                    var m = inverse.apply(p) - correction[square]
                    if domain > 0, domain < shifts.count { m -= shifts[domain] }
                    guard m.isFinite else { continue }
                    // Fractional coordinates over the doubled cell: (u, v) / 2 mod 1.
                    var u = 0.5 * (m.x * m2.y - m.y * m2.x) / det
                    var v = 0.5 * (m1.x * m.y - m1.y * m.x) / det
                    u -= u.rounded(.down)
                    v -= v.rounded(.down)
                    let iu = min(Int(u * fb), n2 - 1), iv = min(Int(v * fb), n2 - 1)
                    let b = iv * n2 + iu
                    sums[b] += value
                    counts[b] += 1
                    let half = 2 * y < image.height ? 0 : 1
                    halfSums[half][b] += value
                    halfCounts[half][b] += 1
                    used += 1
                }
            }
        }
        guard used >= 16 * bins else { return nil }
        var quadrants = [[Double]](repeating: [Double](repeating: .nan, count: bins * bins), count: 4)
        var quadrantCounts = [[Int]](repeating: [Int](repeating: 0, count: bins * bins), count: 4)
        var cell = [Double](repeating: .nan, count: bins * bins)
        var halfQuadrants = [[[Double]]](repeating: quadrants, count: 2)
        for qv in 0..<2 {
            for qu in 0..<2 {
                let q = qv * 2 + qu
                for jv in 0..<bins {
                    for ju in 0..<bins {
                        let b = (qv * bins + jv) * n2 + qu * bins + ju
                        quadrantCounts[q][jv * bins + ju] = counts[b]
                        for h in 0..<2 where halfCounts[h][b] > 0 {
                            halfQuadrants[h][q][jv * bins + ju] = halfSums[h][b] / Double(halfCounts[h][b])
                        }
                        guard counts[b] > 0 else { continue }
                        let n = Double(counts[b])
                        let mean = sums[b] / n
                        quadrants[q][jv * bins + ju] = mean
                    }
                }
            }
        }
        for k in 0..<(bins * bins) {
            var s = 0.0, n = 0
            for q in 0..<4 where quadrantCounts[q][k] > 0 {
                s += quadrants[q][k] * Double(quadrantCounts[q][k])
                n += quadrantCounts[q][k]
            }
            if n > 0 { cell[k] = s / Double(n) }
        }
        self.bins = bins
        self.cell = cell
        self.quadrants = quadrants
        self.quadrantCounts = quadrantCounts
        self.halfQuadrants = halfQuadrants
        self.samples = used
    }

    /// The cell average at fractional model coordinates (u, v) (periodic), bilinear between
    /// bin centres (bin i covers [i, i + 1) / bins); NaN where a neighbouring bin is empty.
    func value(atU u: Double, v: Double, of values: [Double]? = nil) -> Double {
        let a = values ?? cell
        let fb = Double(bins)
        let x = u * fb - 0.5, y = v * fb - 0.5
        let x0 = x.rounded(.down), y0 = y.rounded(.down)
        let fx = x - x0, fy = y - y0
        func at(_ i: Int, _ j: Int) -> Double {
            let b = bins
            return a[((j % b + b) % b) * b + (i % b + b) % b]
        }
        let i = Int(x0), j = Int(y0)
        return (1 - fy) * ((1 - fx) * at(i, j) + fx * at(i + 1, j)) + fy * ((1 - fx) * at(i, j + 1) + fx * at(i + 1, j + 1))
    }
}
