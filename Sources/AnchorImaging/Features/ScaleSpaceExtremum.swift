/// Sub-pixel, sub-scale refinement of an extremum in a stack of equally sized response
/// layers (DoG or scale-normalised LoG), shared by `DoGDetector` and `LoGBlobDetector`.
///
/// Fits the second-order Taylor expansion D(x) ≈ D + ∇Dᵀx + ½ xᵀ H x in (column, row, layer)
/// from central differences and moves to its stationary point x̂ = −H⁻¹∇D (Lowe 2004, §4,
/// Eq. 3); when an offset exceeds ½ the sample point moves and the fit is repeated.
struct ScaleSpaceExtremum {
    /// Refined column and row in layer pixels, and refined layer index (fractional).
    var x: Double, y: Double, layer: Double
    /// Interpolated response at the refined point, D(x̂) = D + ½ ∇Dᵀ x̂.
    var value: Double
    /// Spatial Hessian entries at the final sample point (for the edge test).
    var dxx: Double, dyy: Double, dxy: Double

    /// Refines the discrete extremum at (`x`, `y`, `layer`).
    ///
    /// - Parameters:
    ///   - layers: responses, each `width × height`, row-major.
    ///   - layerRange: layers the sample point may move within (needs a neighbour each side).
    ///   - border: the sample point stays at least this many pixels from the edge (≥ 1).
    ///   - maxSteps: moves allowed before giving up (Lowe/OpenCV use 5).
    /// - Returns: `nil` when the fit does not converge, leaves the allowed region, or the
    ///   Hessian is singular.
    static func refine(
        layers: [UnsafeBufferPointer<Float>], width w: Int, height h: Int,
        x x0: Int, y y0: Int, layer l0: Int, layerRange: ClosedRange<Int>, border: Int, maxSteps: Int = 5
    ) -> ScaleSpaceExtremum? {
        var x = x0, y = y0, l = l0
        var visited: [SIMD3<Int>] = []
        for _ in 0..<maxSteps {
            let p = layers[l - 1], c = layers[l], n = layers[l + 1]
            let i = y * w + x
            let v = Double(c[i])
            let dx = 0.5 * (Double(c[i + 1]) - Double(c[i - 1]))
            let dy = 0.5 * (Double(c[i + w]) - Double(c[i - w]))
            let ds = 0.5 * (Double(n[i]) - Double(p[i]))
            let dxx = Double(c[i + 1]) + Double(c[i - 1]) - 2 * v
            let dyy = Double(c[i + w]) + Double(c[i - w]) - 2 * v
            let dss = Double(n[i]) + Double(p[i]) - 2 * v
            let dxy = 0.25 * (Double(c[i + w + 1]) - Double(c[i + w - 1]) - Double(c[i - w + 1]) + Double(c[i - w - 1]))
            let dxs = 0.25 * (Double(n[i + 1]) - Double(n[i - 1]) - Double(p[i + 1]) + Double(p[i - 1]))
            let dys = 0.25 * (Double(n[i + w]) - Double(n[i - w]) - Double(p[i + w]) + Double(p[i - w]))
            guard let off = solveSymmetric3(
                dxx, dxy, dxs, dyy, dys, dss, -dx, -dy, -ds) else { return nil }
            let (ox, oy, os) = off
            // An extremum between the last layer of one octave and the first of the next
            // would be rejected by both (each fit points out of its octave); accept the fit
            // at the edge of the layer range when it stays within one layer.
            let atScaleEdge = abs(os) >= 0.5 && abs(os) < 1 && !layerRange.contains(l + Int(os.rounded()))
            // An extremum half-way between two samples makes the fit point from each to the
            // other; moving back to a visited sample would oscillate until the step limit,
            // so then the current fit is taken (offsets are then ≈ ½).
            let nx = x + Int(ox.rounded()), ny = y + Int(oy.rounded()), nl = l + Int(os.rounded())
            let oscillates = visited.contains(SIMD3(nx, ny, nl))
                && abs(ox) < 0.75 && abs(oy) < 0.75 && abs(os) < 0.75
            visited.append(SIMD3(x, y, l))
            if (abs(ox) < 0.5 && abs(oy) < 0.5 && (abs(os) < 0.5 || atScaleEdge)) || oscillates {
                return ScaleSpaceExtremum(
                    x: Double(x) + ox, y: Double(y) + oy, layer: Double(l) + os,
                    value: v + 0.5 * (dx * ox + dy * oy + ds * os),
                    dxx: dxx, dyy: dyy, dxy: dxy)
            }
            // A huge offset means a nearly flat fit; OpenCV gives up the same way.
            let limit = Double(Int32.max / 3)
            guard abs(ox) < limit, abs(oy) < limit, abs(os) < limit else { return nil }
            x += Int(ox.rounded())
            y += Int(oy.rounded())
            l += Int(os.rounded())
            guard layerRange.contains(l), l - 1 >= 0, l + 1 < layers.count,
                  x >= border, y >= border, x < w - border, y < h - border else { return nil }
        }
        return nil
    }

    /// Solves the symmetric system [a b c; b d e; c e f] · x = (r0, r1, r2) by Cramer's rule;
    /// `nil` when (near-)singular.
    static func solveSymmetric3(
        _ a: Double, _ b: Double, _ c: Double, _ d: Double, _ e: Double, _ f: Double,
        _ r0: Double, _ r1: Double, _ r2: Double
    ) -> (Double, Double, Double)? {
        let c00 = d * f - e * e, c01 = c * e - b * f, c02 = b * e - c * d
        let det = a * c00 + b * c01 + c * c02
        let scale = max(abs(a), abs(d), abs(f), abs(b), abs(c), abs(e))
        guard det.isFinite, scale > 0, abs(det) > 1e-12 * scale * scale * scale else { return nil }
        let c11 = a * f - c * c, c12 = b * c - a * e, c22 = a * d - b * b
        let inv = 1 / det
        return ((c00 * r0 + c01 * r1 + c02 * r2) * inv,
                (c01 * r0 + c11 * r1 + c12 * r2) * inv,
                (c02 * r0 + c12 * r1 + c22 * r2) * inv)
    }

    /// True when `layers[l][y·w + x]` is ≥ (`maximum`) or ≤ all 26 neighbours in the 3×3×3
    /// box around it (ties count, as in OpenCV's SIFT, so flat-topped peaks are not lost;
    /// duplicates are removed later).
    @inline(__always)
    static func isExtremum(
        _ layers: [UnsafeBufferPointer<Float>], _ l: Int, _ i: Int, _ w: Int, maximum: Bool
    ) -> Bool {
        let v = layers[l][i]
        for k in (l - 1)...(l + 1) {
            let b = layers[k]
            for dy in -1...1 {
                let row = i + dy * w
                for j in (row - 1)...(row + 1) {
                    if k == l && j == i { continue }
                    if maximum ? b[j] > v : b[j] < v { return false }
                }
            }
        }
        return true
    }
}
