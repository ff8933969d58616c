import AnchorGeometry

/// `fit PAIRS.csv`: the robust homography of one sample's correspondences.
public enum PairedFitting {
    /// Fits H (model → image) to `set`'s correspondences; a failure is returned in the result
    /// (`SampleFit.error`) so a batch goes on.
    public static func fit(_ set: PairedPointSet, estimator: HomographyEstimator,
                           options: RobustEstimationOptions) -> SampleFit {
        do {
            let f = try Homography.estimateRobust(from: set.model, to: set.image, using: estimator, options: options)
            return SampleFit(sample: set.sample, homography: f.homography, inliers: f.inliers, residuals: f.residuals,
                             rms: f.rms, pairs: nil, error: nil)
        } catch {
            return .failure(set.sample, error)
        }
    }
}
