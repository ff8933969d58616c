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

    /// DLT (and optional LM polish) in normalised coordinates, with the uniqueness check.
    static func normalizedLeastSquares(_ data: NormalizedCorrespondences, indices: [Int]?, polish: Bool) throws -> Homography {
        let dlt = DirectLinearTransform.solve(data, indices: indices)
        // A second null direction of A means a family of solutions: the points do not pin H
        // down (e.g. all but one on a line). Eigenvalues are accurate to ~1e-16 of the largest.
        guard dlt.secondSmallest > 1e-12 * dlt.largest else {
            throw GeometryError.degenerateConfiguration(
                reason: "the correspondences do not determine a unique homography (too many points lie on one line)")
        }
        guard polish else { return dlt.homography }
        let refined = LevenbergMarquardt.minimize(dlt.homography, data: data, indices: indices)
        let before = LevenbergMarquardt.cost(dlt.homography, data: data, indices: indices)
        return refined.cost <= before ? refined.homography : dlt.homography
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
