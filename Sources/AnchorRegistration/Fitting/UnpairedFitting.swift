import AnchorGeometry

/// `fit POINTS.csv --unpaired`: H of one sample's model and image point sets through the
/// pairing chain (`PointSetRegistration`).
public enum UnpairedFitting {
    /// Fits H (model → image) to `set`; a failure is returned in the result
    /// (`SampleFit.error`) so a batch goes on. Inliers, residuals and pairs are per pair
    /// found, pairs as [model index, image index] in the order of the sample's rows of each set.
    public static func fit(_ set: UnpairedPointSet, prior: PlacementPrior, periodic: Bool,
                           estimator: HomographyEstimator, options: RobustEstimationOptions) -> SampleFit {
        do {
            let r = try PointSetRegistration.register(
                model: set.model, image: set.image, prior: prior,
                options: PointSetRegistration.Options(periodic: periodic, estimator: estimator, robust: options))
            return SampleFit(sample: set.sample, homography: r.homography, inliers: r.inliers, residuals: r.residuals,
                             rms: r.rms, pairs: r.pairs.map { [$0.model, $0.image] }, error: nil)
        } catch {
            return .failure(set.sample, error)
        }
    }
}
