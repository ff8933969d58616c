extension Homography {
    /// Estimates the homography taking `model` points to `image` points by the normalised
    /// direct linear transform (Hartley normalisation: each set translated to its centroid and
    /// scaled to mean distance √2; Hartley & Zisserman alg. 4.2), followed by a Gauss–Newton /
    /// Levenberg–Marquardt polish of the reprojection error over all points.
    ///
    /// The polish makes the result the least-squares (maximum-likelihood under Gaussian image
    /// noise) estimate instead of the algebraic one, and restores full double precision: from
    /// ≥ 4 noise-free correspondences every model point maps back onto its image point to
    /// ~1e-12 relative to the point spread. It does not reject outliers; see
    /// `estimateRobust(from:to:using:options:)` for that.
    ///
    /// - Parameters:
    ///   - model: points in model coordinates (model units).
    ///   - image: the corresponding points in image coordinates (pixels; x right, y down),
    ///     `image[i]` ↔ `model[i]`.
    /// - Returns: H (model → image), scaled so that m33 = 1 unless m33 is zero.
    /// - Throws: `GeometryError.mismatchedCounts`, `.tooFewPoints` (< 4), `.nonFiniteInput`,
    ///   `.degenerateConfiguration` (fewer than 4 distinct points on either side, all points
    ///   collinear, three of four collinear, or no unique solution because too many points
    ///   lie on a line; also when the estimate is singular).
    /// - Complexity: O(n) for n correspondences (a 9×9 eigenproblem plus a few O(n) LM passes).
    public static func estimate(from model: [Point2], to image: [Point2]) throws -> Homography {
        let data = try NormalizedCorrespondences(model: model, image: image)
        let hn = try normalizedLeastSquares(data, indices: nil, polish: true)
        return try data.denormalize(hn).checkedEstimate()
    }

    /// `estimate(from:to:)` without the Levenberg–Marquardt polish: the normalised algebraic
    /// (DLT) fit alone, for inner loops that fit many times (the distortion models'
    /// cross-validation), where the polish costs more than it changes.
    /// - Throws: as `estimate(from:to:)`.
    package static func estimateAlgebraic(from model: [Point2], to image: [Point2]) throws -> Homography {
        let data = try NormalizedCorrespondences(model: model, image: image)
        let hn = try normalizedLeastSquares(data, indices: nil, polish: false)
        return try data.denormalize(hn).checkedEstimate()
    }

    /// Algebraic fit (and optional LM polish) in normalised coordinates, with the uniqueness
    /// check. Four correspondences use the exact minimal solver, more the inhomogeneous DLT;
    /// the 9×9 eigen-solution is the fallback that also diagnoses degenerate sets.
    /// The linear least-squares homography (normalised DLT, Hartley & Zisserman Alg. 4.2)
    /// mapping `model` to `image`, without the Levenberg–Marquardt polish of `estimate`: for
    /// many fits on subsets of one set, e.g. cross-validation over anchors.
    ///
    /// - Throws: `GeometryError` for fewer than 4 pairs or a degenerate configuration.
    package static func estimateLinear(from model: [Point2], to image: [Point2]) throws -> Homography {
        let data = try NormalizedCorrespondences(model: model, image: image)
        let hn = try normalizedLeastSquares(data, indices: nil, polish: false)
        return try data.denormalize(hn).checkedEstimate()
    }

    static func normalizedLeastSquares(_ data: NormalizedCorrespondences, indices: [Int]?, polish: Bool) throws -> Homography {
        let m = indices?.count ?? data.count
        var algebraic: Homography? = nil
        if m == 4 {
            let i = indices ?? [0, 1, 2, 3]
            let usable = data.xy.withUnsafeBufferPointer { xy in
                [(0, 1, 2), (0, 1, 3), (0, 2, 3), (1, 2, 3)].allSatisfy { t in
                    MinimalSolver.area(xy.baseAddress!, 0, i[t.0], i[t.1], i[t.2]).ok
                        && MinimalSolver.area(xy.baseAddress!, 2, i[t.0], i[t.1], i[t.2]).ok
                }
            }
            if usable {
                algebraic = data.xy.withUnsafeBufferPointer { MinimalSolver.solve($0.baseAddress!, i[0], i[1], i[2], i[3]) }
            }
        } else {
            algebraic = DirectLinearTransform.solveInhomogeneous(data, indices: indices)
        }
        if algebraic == nil {
            let dlt = DirectLinearTransform.solve(data, indices: indices)
            // A second null direction of A means a family of solutions: the points do not pin H
            // down (e.g. all but one on a line). Eigenvalues are accurate to ~1e-16 of the largest.
            guard dlt.secondSmallest > 1e-12 * dlt.largest else {
                throw GeometryError.degenerateConfiguration(
                    reason: "the correspondences do not determine a unique homography (too many points lie on one line)")
            }
            algebraic = dlt.homography
        }
        let start = algebraic!
        guard polish else { return start }
        let refined = LevenbergMarquardt.minimize(start, data: data, indices: indices)
        let before = LevenbergMarquardt.cost(start, data: data, indices: indices)
        return refined.cost <= before ? refined.homography : start
    }

    /// The estimate scaled to m33 = 1, or an error if it is singular or not finite.
    func checkedEstimate() throws -> Homography {
        guard isFinite else {
            throw GeometryError.degenerateConfiguration(reason: "the estimate is not finite")
        }
        do {
            _ = try inverse()
        } catch {
            throw GeometryError.degenerateConfiguration(
                reason: "the estimated transform is singular (determinant \(determinant)); the image points are degenerate")
        }
        return m33 != 0 ? normalized() : self
    }
}
