import AnchorGeometry
import AnchorImaging

/// Sub-pixel anchor positions from the whole motif around each anchor, not just its extremum.
///
/// The extremum of a noisy corner hole moves by a good fraction of a pixel with the noise; the
/// neighbourhood of every anchor of a lattice, however, shows the same motif (a corner hole
/// with its ring of adatoms). The average of all neighbourhoods is a template with the noise
/// averaged away, and each anchor is then placed where its own neighbourhood matches that
/// template best: translation-only inverse-compositional Lucas–Kanade (Baker & Matthews,
/// IJCV 56, 2004) with a per-anchor gain and offset, so a brighter or darker region of the
/// frame does not pull the fit. The template's own sub-pixel extremum is the anchor of the
/// motif, so the refined positions keep the meaning "the anchor's extremum" of the
/// extractors and `LocalPeakSearch`.
///
/// Every anchor uses about π r² samples instead of the nine of a 3 × 3 parabola, so its
/// position error shrinks roughly with the motif's size; measured on the synthetic frames of
/// issue 4 it halves the scatter of neighbouring corner-hole distances (the paper's Fig. 7c).
///
/// It does not promise anything where the motif differs between anchors (a defect at the
/// anchor, a step through the window): such anchors move by more than `maxShift` or fail to
/// converge and are returned as `nil`, for the caller to keep their earlier positions.
enum AnchorMotifRefinement {
    /// Refined positions (image pixels, x right, y down), `nil` where an anchor could not be
    /// refined.
    ///
    /// - Parameters:
    ///   - image: the (lightly smoothed) image to match in.
    ///   - positions: current anchor positions in image pixels.
    ///   - templateMask: which anchors build the template (the fit's inliers).
    ///   - radius: motif radius in pixels (less than half the anchor spacing keeps
    ///     neighbouring anchors' extrema out).
    ///   - maxShift: largest accepted move from `positions`, in pixels.
    /// - Complexity: O(n r²) to build the template and O(n) samples of at most ~300 points per
    ///   Lucas–Kanade step.
    static func refine(in image: Image, positions: [Point2], templateMask: [Bool],
                       radius: Double, maxShift: Double) -> [Point2?] {
        precondition(positions.count == templateMask.count)
        let r = Int(radius.rounded(.down))
        guard r >= 2, positions.count >= 4 else { return positions.map { _ in nil } }
        // Offsets of the motif, a disc of radius r; the template is sampled on a square one
        // pixel larger so that its central-difference gradient exists on the whole disc.
        let side = 2 * r + 3, c = r + 1
        // The motif is smooth on the scale of the blur, so a large disc is sampled on a
        // stride that keeps about 300 samples: the fit's precision is set by the template's
        // gradient energy, which a stride at or below the blur scale keeps.
        // Between strides the quincunx (every other point of the stride grid) halves the count.
        let stride = max(1, r / 8)
        let perStride = Double.pi * Double(r * r) / Double(stride * stride)
        let quincunx = perStride > 400
        var disc: [(dx: Int, dy: Int)] = []
        for dy in Swift.stride(from: -r, through: r, by: 1) where dy % stride == 0 {
            for dx in Swift.stride(from: -r, through: r, by: 1) where dx % stride == 0 && dx * dx + dy * dy <= r * r {
                if quincunx && (dx / stride + dy / stride) % 2 != 0 { continue }
                disc.append((dx, dy))
            }
        }
        // The template is needed only where the solver reads it: on the disc, one pixel beside
        // it (central differences) and around its centre and corners (the motif's extremum
        // and rim); sampling just those keeps the template's cost at the disc's.
        var needed = Set<Int>()
        for o in disc {
            let i = (c + o.dy) * side + c + o.dx
            needed.formUnion([i, i - 1, i + 1, i - side, i + side])
        }
        for y in (c - 2)...(c + 2) { for x in (c - 2)...(c + 2) { needed.insert(y * side + x) } }
        needed.formUnion([0, side - 1, (side - 1) * side, side * side - 1])
        let templateIndices = needed.sorted()

        // One round: a second one, with the template rebuilt at the refined positions, changed
        // no figure of `bench-si7x7 --seeds 100` beyond the third decimal and cost a fifth of
        // the fine stage.
        guard let template = averageNeighbourhood(image, at: positions, mask: templateMask, side: side, centre: c,
                                                 indices: templateIndices),
              let solver = Solver(template: template, side: side, centre: c, disc: disc) else {
            return positions.map { _ in nil }
        }
        // The motif's own extremum anchors it; adding it keeps the anchor meaning and removes
        // the average offset of the starting positions.
        let centreShift = motifExtremum(template, side: side, centre: c)
        var matches: [(k: Int, position: Point2, misfit: Double)] = []
        for k in positions.indices {
            guard let m = solver.align(image, at: positions[k], maxShift: 2 * maxShift) else { continue }
            let p = positions[k] + m.shift + centreShift
            if p.distance(to: positions[k]) <= maxShift { matches.append((k, p, m.misfit)) }
        }
        // An anchor whose neighbourhood is not the motif (a missing adatom beside it, an
        // adsorbate, a step) matches worse than the rest: it keeps its earlier position.
        var result: [Point2?] = positions.map { _ in nil }
        guard !matches.isEmpty else { return result }
        let middle = median(matches.map(\.misfit))
        let limit = middle + 3 * robustScale(matches.map { $0.misfit - middle })
        for m in matches where m.misfit <= limit { result[m.k] = m.position }
        return result
    }

    /// The mean of the anchors' neighbourhoods on a `side` × `side` grid centred on `centre`,
    /// evaluated at `indices` (row-major into that grid; elsewhere 0).
    private static func averageNeighbourhood(_ image: Image, at positions: [Point2], mask: [Bool],
                                             side: Int, centre c: Int, indices: [Int]) -> [Double]? {
        var sum = [Double](repeating: 0, count: side * side)
        var patch = [Double](repeating: 0, count: indices.count)
        // Image offsets of the grid points (row · width + column), worked out once.
        let offsets = indices.map { g in (g / side) * image.width + g % side }
        var n = 0
        for (k, p) in positions.enumerated() where mask[k] {
            guard samplePatch(image, at: p, side: side, centre: c, offsets: offsets, into: &patch) else { continue }
            for (j, i) in indices.enumerated() { sum[i] += patch[j] }
            n += 1
        }
        guard n >= 3 else { return nil }
        let scale = 1 / Double(n)
        for i in indices { sum[i] *= scale }
        return sum
    }

    /// Sub-pixel extremum of the template near its centre (separable parabola), as an offset.
    private static func motifExtremum(_ t: [Double], side: Int, centre c: Int) -> Point2 {
        // The motif's polarity: its centre is an extremum relative to the rim.
        let rimMean = (t[0] + t[side - 1] + t[(side - 1) * side] + t[side * side - 1]) / 4
        let dark = t[c * side + c] < rimMean
        var bx = c, by = c
        var best = t[c * side + c]
        for y in (c - 1)...(c + 1) {
            for x in (c - 1)...(c + 1) {
                let v = t[y * side + x]
                if dark ? v < best : v > best { best = v; bx = x; by = y }
            }
        }
        let ox = parabolaVertexOffset(t[by * side + bx - 1], t[by * side + bx], t[by * side + bx + 1])
        let oy = parabolaVertexOffset(t[(by - 1) * side + bx], t[by * side + bx], t[(by + 1) * side + bx])
        return Point2(Double(bx - c) + ox, Double(by - c) + oy)
    }

    /// Bilinear samples of `image` at grid points p + (x − c, y − c) of a `side` × `side`
    /// grid, given by their image offsets y · width + x, written to `out`; `false` if the grid
    /// leaves the image or a sample is not finite.
    static func samplePatch(_ image: Image, at p: Point2, side: Int, centre c: Int, offsets: [Int],
                            into out: inout [Double]) -> Bool {
        let w = image.width, h = image.height
        let x0 = p.x - Double(c), y0 = p.y - Double(c)
        guard x0 >= 0, y0 >= 0, x0 + Double(side - 1) < Double(w - 1), y0 + Double(side - 1) < Double(h - 1) else { return false }
        let ix = Int(x0.rounded(.down)), iy = Int(y0.rounded(.down))
        let fx = x0 - Double(ix), fy = y0 - Double(iy)
        let w00 = (1 - fx) * (1 - fy), w10 = fx * (1 - fy), w01 = (1 - fx) * fy, w11 = fx * fy
        let base = iy * w + ix
        var finite = true
        image.pixels.withUnsafeBufferPointer { px in
            for (j, o) in offsets.enumerated() {
                let i = base + o
                let v = w00 * Double(px[i]) + w10 * Double(px[i + 1]) + w01 * Double(px[i + w]) + w11 * Double(px[i + w + 1])
                out[j] = v
                if !v.isFinite { finite = false }
            }
        }
        return finite
    }

    /// Inverse-compositional Lucas–Kanade for a translation, with the template's gradient and
    /// Hessian computed once.
    private struct Solver {
        let side: Int, centre: Int
        let disc: [(dx: Int, dy: Int)]
        /// Zero-mean template and its gradients on the disc.
        let t0: [Double], gx: [Double], gy: [Double]
        let tNorm: Double

        init?(template t: [Double], side: Int, centre c: Int, disc: [(dx: Int, dy: Int)]) {
            self.side = side
            self.centre = c
            self.disc = disc
            var mean = 0.0
            for o in disc { mean += t[(c + o.dy) * side + c + o.dx] }
            mean /= Double(disc.count)
            var t0 = [Double](), gx = [Double](), gy = [Double]()
            t0.reserveCapacity(disc.count); gx.reserveCapacity(disc.count); gy.reserveCapacity(disc.count)
            var hxx = 0.0, hxy = 0.0, hyy = 0.0, norm = 0.0
            for o in disc {
                let i = (c + o.dy) * side + c + o.dx
                let a = t[i] - mean
                let dx = 0.5 * (t[i + 1] - t[i - 1]), dy = 0.5 * (t[i + side] - t[i - side])
                t0.append(a); gx.append(dx); gy.append(dy)
                hxx += dx * dx; hxy += dx * dy; hyy += dy * dy; norm += a * a
            }
            let det = hxx * hyy - hxy * hxy
            guard det > 1e-12 * max(1e-300, (hxx + hyy) * (hxx + hyy)), norm > 0 else { return nil }
            self.t0 = t0; self.gx = gx; self.gy = gy
            self.tNorm = norm
        }

        /// The shift d such that the neighbourhood at p + d matches the template, and the
        /// remaining misfit (weighted mean squared difference after gain and offset, relative
        /// to the template's variance); `nil` when the match does not converge, leaves the
        /// image, has a non-positive gain or moves farther than `maxShift`. Residuals are
        /// Huber-weighted so a few odd pixels (an adsorbate at the rim) do not pull the fit.
        func align(_ image: Image, at p: Point2, maxShift: Double) -> (shift: Point2, misfit: Double)? {
            let w = image.width, h = image.height
            let n = disc.count
            var d = Point2(0, 0)
            var v = [Double](repeating: 0, count: n)
            var e = [Double](repeating: 0, count: n)
            var c = 0.0
            for iteration in 0..<12 {
                // All samples share the fractional part of p + d: one set of bilinear weights.
                let q = p + d
                let x0 = q.x - Double(centre - 1), y0 = q.y - Double(centre - 1)
                guard x0 >= 0, y0 >= 0, x0 + Double(side - 3) < Double(w - 1), y0 + Double(side - 3) < Double(h - 1) else { return nil }
                let ix = Int(q.x.rounded(.down)), iy = Int(q.y.rounded(.down))
                let fx = q.x - Double(ix), fy = q.y - Double(iy)
                let w00 = (1 - fx) * (1 - fy), w10 = fx * (1 - fy), w01 = (1 - fx) * fy, w11 = fx * fy
                var mean = 0.0
                image.pixels.withUnsafeBufferPointer { px in
                    for j in 0..<n {
                        let i = (iy + disc[j].dy) * w + ix + disc[j].dx
                        let s = w00 * Double(px[i]) + w10 * Double(px[i + 1]) + w01 * Double(px[i + w]) + w11 * Double(px[i + w + 1])
                        v[j] = s
                        mean += s
                    }
                }
                mean /= Double(n)
                var cross = 0.0
                for j in 0..<n { cross += (v[j] - mean) * t0[j] }
                let gain = cross / tNorm
                guard gain > 0, gain.isFinite else { return nil }
                for j in 0..<n { e[j] = (v[j] - mean) / gain - t0[j] }
                if iteration == 0 {
                    // The Huber threshold needs the residuals' scale, not its last digit: about
                    // 64 of them, evenly strided, give it for a fraction of the selection work.
                    let every = max(1, n / 64)
                    c = max(1e-12, 1.345 * robustScale(Swift.stride(from: 0, to: n, by: every).map { e[$0] }))
                }
                var bx = 0.0, by = 0.0, hxx = 0.0, hxy = 0.0, hyy = 0.0, sq = 0.0, wsum = 0.0
                for j in 0..<n {
                    let a = abs(e[j])
                    let wt = a <= c ? 1 : c / a
                    bx += wt * gx[j] * e[j]; by += wt * gy[j] * e[j]
                    hxx += wt * gx[j] * gx[j]; hxy += wt * gx[j] * gy[j]; hyy += wt * gy[j] * gy[j]
                    sq += wt * e[j] * e[j]; wsum += wt
                }
                let det = hxx * hyy - hxy * hxy
                guard det > 0 else { return nil }
                let step = Point2((hyy * bx - hxy * by) / det, (hxx * by - hxy * bx) / det)
                d = d - step
                guard d.length <= maxShift else { return nil }
                if step.length < 5e-3 { return (d, sq / wsum / (tNorm / Double(n))) }
            }
            return nil
        }
    }
}
