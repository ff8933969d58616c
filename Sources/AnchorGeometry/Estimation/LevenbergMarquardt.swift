/// Levenberg–Marquardt minimisation of the reprojection error
///
///     E(H) = Σᵢ ‖H(modelᵢ) − imageᵢ‖²      (image units², over the chosen correspondences)
///
/// over the eight free elements of H (h₃₃ fixed to 1 in Hartley-normalised coordinates,
/// where the centroid never maps to infinity for a meaningful fit). Under Gaussian noise on
/// the image points this is the maximum-likelihood estimate — the step the paper's LMedS
/// fit lacks. It also restores full double precision to algebraic (DLT) solutions.
enum LevenbergMarquardt {
    /// Refines `initial` (normalised coordinates) over `indices` (all when `nil`).
    /// Returns the refined transform (normalised coordinates, h₃₃ = 1) and its cost E.
    ///
    /// - Complexity: O(k·m) for m correspondences and k ≤ `maxIterations` iterations; no heap
    ///   allocation (normal equations live in a stack buffer).
    static func minimize(_ initial: Homography, data: NormalizedCorrespondences, indices: [Int]? = nil,
                         maxIterations: Int = 50) -> (homography: Homography, cost: Double) {
        let norm = (initial.m11 * initial.m11 + initial.m12 * initial.m12 + initial.m13 * initial.m13
            + initial.m21 * initial.m21 + initial.m22 * initial.m22 + initial.m23 * initial.m23
            + initial.m31 * initial.m31 + initial.m32 * initial.m32 + initial.m33 * initial.m33).squareRoot()
        guard initial.isFinite, abs(initial.m33) > 1e-8 * norm else {
            return (initial, cost(initial, data: data, indices: indices))
        }
        return data.xy.withUnsafeBufferPointer { xyb in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 8 + 8 + 8 + 8 + 64 + 64) { buf in
                let xy = xyb.baseAddress!
                let p = buf.baseAddress!, g = p + 8, step = p + 16, trial = p + 24, jtj = p + 32, sys = p + 96
                let h0 = initial.scaled(by: 1 / initial.m33)
                p[0] = h0.m11; p[1] = h0.m12; p[2] = h0.m13; p[3] = h0.m21
                p[4] = h0.m22; p[5] = h0.m23; p[6] = h0.m31; p[7] = h0.m32
                var current = normalEquations(p, xy: xy, count: data.count, indices: indices, jtj: jtj, g: g)
                var lambda = 1e-3
                var iterations = 0
                // Below this cost the residuals are at rounding level (≈1e-13 of the point spread).
                let floor = 1e-26 * Double(indices?.count ?? data.count)
                while iterations < maxIterations, current > floor {
                    iterations += 1
                    var accepted = false
                    while lambda < 1e16 {
                        for k in 0..<64 { sys[k] = jtj[k] }
                        for k in 0..<8 {
                            sys[k * 9] += lambda * max(jtj[k * 9], 1e-300)
                            step[k] = -g[k]
                        }
                        if DenseSolve.cholesky(sys, step, n: 8) {
                            // Predicted decrease of the Gauss–Newton model ‖r + J·δ‖²: when even
                            // the model promises nothing measurable, the minimum is reached.
                            var gd = 0.0, dHd = 0.0
                            for r in 0..<8 {
                                gd += g[r] * step[r]
                                var row = 0.0
                                for c in 0..<8 { row += jtj[r * 8 + c] * step[c] }
                                dHd += step[r] * row
                            }
                            if -2 * gd - dHd <= 1e-16 * current { break }
                            for k in 0..<8 { trial[k] = p[k] + step[k] }
                            let c = cost(trial, xy: xy, count: data.count, indices: indices)
                            if c < current {
                                var stepNorm = 0.0, pNorm = 0.0
                                for k in 0..<8 { stepNorm += step[k] * step[k]; pNorm += trial[k] * trial[k]; p[k] = trial[k] }
                                let decrease = current - c
                                lambda = max(lambda * 0.1, 1e-12)
                                accepted = true
                                current = normalEquations(p, xy: xy, count: data.count, indices: indices, jtj: jtj, g: g)
                                // Stop once the update no longer moves the estimate in double precision.
                                if stepNorm <= 1e-26 * pNorm || decrease <= 1e-18 * c { iterations = maxIterations }
                                break
                            }
                        }
                        lambda *= 10
                    }
                    if !accepted { break }
                }
                let h = Homography(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], 1)
                return (h, current)
            }
        }
    }

    /// E(H) for a transform in normalised coordinates.
    static func cost(_ h: Homography, data: NormalizedCorrespondences, indices: [Int]?) -> Double {
        data.xy.withUnsafeBufferPointer { xyb in
            let xy = xyb.baseAddress!
            var s = 0.0
            if let indices {
                for i in indices { s += h.squaredError(xy[4 * i], xy[4 * i + 1], xy[4 * i + 2], xy[4 * i + 3]) }
            } else {
                for i in 0..<data.count { s += h.squaredError(xy[4 * i], xy[4 * i + 1], xy[4 * i + 2], xy[4 * i + 3]) }
            }
            return s
        }
    }

    @inline(__always)
    static func cost(_ p: UnsafePointer<Double>, xy: UnsafePointer<Double>, count: Int, indices: [Int]?) -> Double {
        let h = Homography(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], 1)
        var s = 0.0
        if let indices {
            for i in indices { s += h.squaredError(xy[4 * i], xy[4 * i + 1], xy[4 * i + 2], xy[4 * i + 3]) }
        } else {
            for i in 0..<count { s += h.squaredError(xy[4 * i], xy[4 * i + 1], xy[4 * i + 2], xy[4 * i + 3]) }
        }
        return s
    }

    /// Fills JᵀJ (8×8, both triangles) and the gradient Jᵀr at parameters `p`; returns E.
    @inline(__always)
    static func normalEquations(_ p: UnsafePointer<Double>, xy: UnsafePointer<Double>, count: Int, indices: [Int]?,
                                jtj: UnsafeMutablePointer<Double>, g: UnsafeMutablePointer<Double>) -> Double {
        for k in 0..<64 { jtj[k] = 0 }
        for k in 0..<8 { g[k] = 0 }
        var e = 0.0
        func accumulate(_ i: Int) {
            let x = xy[4 * i], y = xy[4 * i + 1], u = xy[4 * i + 2], v = xy[4 * i + 3]
            let w = p[6] * x + p[7] * y + 1
            let iw = 1 / w
            let px = (p[0] * x + p[1] * y + p[2]) * iw
            let py = (p[3] * x + p[4] * y + p[5]) * iw
            let rx = px - u, ry = py - v
            e += rx * rx + ry * ry
            let a = x * iw, b = y * iw
            // ∂px/∂p = (a, b, iw, 0, 0, 0, −px·a, −px·b); ∂py/∂p = (0, 0, 0, a, b, iw, −py·a, −py·b).
            let j0 = a, j1 = b, j2 = iw, j6x = -px * a, j7x = -px * b, j6y = -py * a, j7y = -py * b
            g[0] += j0 * rx; g[1] += j1 * rx; g[2] += j2 * rx
            g[3] += j0 * ry; g[4] += j1 * ry; g[5] += j2 * ry
            g[6] += j6x * rx + j6y * ry; g[7] += j7x * rx + j7y * ry
            // Blocks: x-row touches params 0,1,2,6,7; y-row touches 3,4,5,6,7.
            let xs = (j0, j1, j2), ys = (j0, j1, j2)
            jtj[0] += xs.0 * xs.0; jtj[1] += xs.0 * xs.1; jtj[2] += xs.0 * xs.2
            jtj[9] += xs.1 * xs.1; jtj[10] += xs.1 * xs.2; jtj[18] += xs.2 * xs.2
            jtj[27] += ys.0 * ys.0; jtj[28] += ys.0 * ys.1; jtj[29] += ys.0 * ys.2
            jtj[36] += ys.1 * ys.1; jtj[37] += ys.1 * ys.2; jtj[45] += ys.2 * ys.2
            jtj[6] += j0 * j6x; jtj[7] += j0 * j7x
            jtj[14] += j1 * j6x; jtj[15] += j1 * j7x
            jtj[22] += j2 * j6x; jtj[23] += j2 * j7x
            jtj[30] += j0 * j6y; jtj[31] += j0 * j7y
            jtj[38] += j1 * j6y; jtj[39] += j1 * j7y
            jtj[46] += j2 * j6y; jtj[47] += j2 * j7y
            jtj[54] += j6x * j6x + j6y * j6y; jtj[55] += j6x * j7x + j6y * j7y
            jtj[63] += j7x * j7x + j7y * j7y
        }
        if let indices { for i in indices { accumulate(i) } } else { for i in 0..<count { accumulate(i) } }
        for r in 0..<8 { for c in 0..<r { jtj[r * 8 + c] = jtj[c * 8 + r] } }
        return e
    }
}

extension Homography {
    /// Refines `h` (model → image) by Levenberg–Marquardt minimisation of the reprojection
    /// error Σ ‖H(modelᵢ) − imageᵢ‖² over the correspondences with `inliers[i] == true`
    /// (all when `inliers` is nil). Works in Hartley-normalised coordinates, so the result
    /// does not depend on the units or offset of either point set.
    ///
    /// - Returns: the refined transform scaled to m33 = 1, or `h` unchanged when refinement
    ///   is impossible (fewer than four usable inliers, mismatched or non-finite input, a
    ///   non-finite `h`) or would not lower the error.
    public static func refine(_ h: Homography, model: [Point2], image: [Point2], inliers: [Bool]? = nil) -> Homography {
        guard model.count == image.count, h.isFinite, inliers.map({ $0.count == model.count }) ?? true else { return h }
        var m: [Point2] = [], q: [Point2] = []
        for i in model.indices where inliers?[i] ?? true {
            guard model[i].isFinite, image[i].isFinite else { return h }
            m.append(model[i]); q.append(image[i])
        }
        guard m.count >= 4, let data = try? NormalizedCorrespondences(validatedModel: m, image: q) else { return h }
        let start = data.normalize(h)
        let before = LevenbergMarquardt.cost(start, data: data, indices: nil)
        let result = LevenbergMarquardt.minimize(start, data: data)
        guard result.cost < before, let out = try? data.denormalize(result.homography).checkedEstimate() else { return h }
        return out
    }
}
