import AnchorGeometry
import AnchorImaging

/// The average neighbourhood of an anchor (the corner hole with the adatom triangles around
/// it), learnt from the frame itself, and its normalised cross-correlation with the image —
/// a matched filter that locates anchors where a single dark pixel does not.
///
/// Why: on large frames with small cells (≈10 px per Si(111)-7×7 cell) or on very noisy ones,
/// a corner hole is one or two pixels, about as dark as the noise; the darkest pixel near the
/// prediction is often noise, which scatters the anchors by a pixel or more. The whole cell
/// pattern around the hole (≈ a hundred pixels) averaged over hundreds of cells and then
/// correlated with each neighbourhood finds each anchor to a fraction of a pixel.
struct AnchorMotif {
    /// Half side of the square template, pixels.
    let radius: Int
    /// Zero-mean, unit-norm template, row-major (2·radius + 1)².
    let values: [Double]

    /// Averages the neighbourhoods of `centres` (image pixels, sub-pixel, sampled bilinearly).
    /// Returns `nil` with fewer than 8 usable centres or a flat average.
    init?(image: Image, centres: [Point2], radius: Int) {
        guard radius >= 1 else { return nil }
        let side = 2 * radius + 1
        var sum = [Double](repeating: 0, count: side * side)
        var used = 0
        for c in centres {
            guard c.x - Double(radius) >= 0, c.y - Double(radius) >= 0,
                  c.x + Double(radius) <= Double(image.width - 1), c.y + Double(radius) <= Double(image.height - 1) else { continue }
            var patch = [Double](repeating: 0, count: side * side)
            var ok = true
            for dy in -radius...radius {
                for dx in -radius...radius {
                    guard let v = image.sample(at: Point2(c.x + Double(dx), c.y + Double(dy))), v.isFinite else { ok = false; break }
                    patch[(dy + radius) * side + dx + radius] = Double(v)
                }
                if !ok { break }
            }
            guard ok else { continue }
            for i in sum.indices { sum[i] += patch[i] }
            used += 1
        }
        guard used >= 8 else { return nil }
        let mean = sum.reduce(0, +) / Double(sum.count)
        var t = sum.map { $0 - mean }
        let norm = t.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return nil }
        for i in t.indices { t[i] /= norm }
        self.radius = radius
        values = t
    }

    /// The best match within `searchRadius` px of `near`: sub-pixel position (parabola through
    /// the correlation peak and its neighbours) and the normalised correlation (−1…1). `nil`
    /// when the window leaves the image or the peak lies on the search border (the anchor is
    /// farther away than allowed).
    func match(in image: Image, near p: Point2, searchRadius: Double) -> (position: Point2, score: Double)? {
        guard p.isFinite else { return nil }
        let s = Int(searchRadius.rounded(.up)) + 1
        let cx = Int(p.x.rounded()), cy = Int(p.y.rounded())
        guard cx - s - radius >= 0, cy - s - radius >= 0,
              cx + s + radius < image.width, cy + s + radius < image.height else { return nil }
        let side = 2 * s + 1
        var score = [Double](repeating: -2, count: side * side)
        let tside = 2 * radius + 1
        let n = Double(tside * tside)
        image.pixels.withUnsafeBufferPointer { px in
            for oy in -s...s {
                for ox in -s...s {
                    var dot = 0.0, sum = 0.0, sum2 = 0.0
                    for dy in -radius...radius {
                        let row = (cy + oy + dy) * image.width + cx + ox
                        let trow = (dy + radius) * tside + radius
                        for dx in -radius...radius {
                            let v = Double(px[row + dx])
                            dot += values[trow + dx] * v
                            sum += v
                            sum2 += v * v
                        }
                    }
                    let variance = sum2 - sum * sum / n
                    score[(oy + s) * side + ox + s] = variance > 0 ? dot / variance.squareRoot() : -2
                }
            }
        }
        // Best integer position inside the search disc.
        var best = (ox: 0, oy: 0, v: -2.0)
        for oy in -s...s {
            for ox in -s...s {
                let q = Point2(Double(cx + ox), Double(cy + oy))
                guard q.distance(to: p) <= searchRadius else { continue }
                let v = score[(oy + s) * side + ox + s]
                if v > best.v { best = (ox, oy, v) }
            }
        }
        guard best.v > -2, abs(best.ox) < s, abs(best.oy) < s else { return nil }
        func at(_ ox: Int, _ oy: Int) -> Double { score[(oy + s) * side + ox + s] }
        let c = best.v
        let l = at(best.ox - 1, best.oy), r = at(best.ox + 1, best.oy)
        let u = at(best.ox, best.oy - 1), d = at(best.ox, best.oy + 1)
        // A neighbour outside the disc is still a valid sample (the grid is a full square).
        // A true maximum must dominate its four neighbours.
        guard c >= l, c >= r, c >= u, c >= d else { return nil }
        let denX = l - 2 * c + r, denY = u - 2 * c + d
        let fx = denX < 0 ? max(-0.5, min(0.5, 0.5 * (l - r) / denX)) : 0
        let fy = denY < 0 ? max(-0.5, min(0.5, 0.5 * (u - d) / denY)) : 0
        return (Point2(Double(cx + best.ox) + fx, Double(cy + best.oy) + fy), c)
    }
}
