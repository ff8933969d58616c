extension Homography {
    /// Robustly estimates the homography taking `model` points to `image` points when some
    /// correspondences may be wrong (mismatched pairs, spurious detections).
    ///
    /// Every estimator but `dlt` samples minimal sets of four correspondences with a seeded
    /// generator (same seed, same result), skips degenerate samples (three collinear points,
    /// or triangle orientations that no homography could produce), adapts the number of
    /// samples to the evidence, and — unless `options.refine` is false — finishes with a
    /// Levenberg–Marquardt minimisation of the reprojection error over the inliers, then
    /// re-classifies inliers with the refined transform (repeating until the inlier set is
    /// stable). With exactly four correspondences every estimator returns the exact solution
    /// with all four inliers. See docs/estimation.md for the choice of default.
    ///
    /// - Parameters:
    ///   - model: points in model coordinates (model units).
    ///   - image: corresponding points in image coordinates (pixels; x right, y down).
    ///   - estimator: the robust method (default `HomographyEstimator.default`, LMedS).
    ///   - options: threshold (image units; `nil` = from the data), confidence, iteration
    ///     cap, seed, refinement.
    /// - Returns: H (model → image), inlier mask, per-correspondence reprojection distances
    ///   (image units), RMS over the inliers, sampled iterations and the threshold used.
    /// - Throws: the errors of `estimate(from:to:)` for invalid or degenerate input,
    ///   `GeometryError.invalidParameter` for invalid options, `GeometryError.noConsensus`
    ///   when fewer than four correspondences agree with any hypothesis.
    /// - Complexity: O(N·n) for N sampled hypotheses (N ≤ `maxIterations`) and n
    ///   correspondences; no heap allocation per hypothesis.
    public static func estimateRobust(
        from model: [Point2], to image: [Point2],
        using estimator: HomographyEstimator = .default,
        options: RobustEstimationOptions = .init()
    ) throws -> HomographyFit {
        try options.validate()
        let data = try NormalizedCorrespondences(model: model, image: image)
        if data.count == 4 || estimator == .dlt {
            let hn = try normalizedLeastSquares(data, indices: nil, polish: options.refine || data.count == 4)
            let h = try data.denormalize(hn).checkedEstimate()
            // With four points there is nothing to reject, and `dlt` rejects nothing by design:
            // every correspondence is an inlier and `threshold` is reported as 0 (none applied).
            return RobustSampling.report(h, model: model, image: image, threshold: nil, iterations: 0)
        }
        switch estimator {
        case .dlt: preconditionFailure("handled above")
        case .lmeds: return try LMedSEstimator.fit(model: model, image: image, data: data, options: options)
        case .ransac: return try RANSACEstimator.fit(model: model, image: image, data: data, options: options)
        case .msac: return try MSACEstimator.fit(model: model, image: image, data: data, options: options)
        case .magsac: return try MAGSACEstimator.fit(model: model, image: image, data: data, options: options)
        }
    }
}
