import AnchorGeometry

/// Pairing mode: the correspondences are found by `PointSetRegistration` (rough placement
/// within the prior, vote filter, k-d tree pairing, robust fit, re-pairing until the pairs
/// are stable), told only what an experiment would tell it: the prior's rotation and scale
/// ranges and that the model is a lattice of unit spacing.
public struct PairingChainFitter: ValidationFitter {
    public let estimator: HomographyEstimator
    public let options: RobustEstimationOptions
    public let prior: ValidationPrior

    public init(estimator: HomographyEstimator, options: RobustEstimationOptions = .init(),
                prior: ValidationPrior = .standard) {
        self.estimator = estimator
        self.options = options
        self.prior = prior
    }

    public var name: String { "chain-" + estimator.rawValue + (options.refine ? "" : "-norefine") }

    public func fit(_ sample: ValidationSample) throws -> Homography {
        var o = options
        o.seed = options.seed ^ ValidationSampleGenerator.stream(points: sample.condition.points, index: sample.index,
                                                                 mode: .pairing)
        let placement = PlacementPrior(
            rotationDegrees: prior.rotationDegrees, rotationToleranceDegrees: prior.rotationToleranceDegrees,
            scale: prior.scale, scaleTolerance: prior.scaleTolerance)
        let result = try PointSetRegistration.register(
            model: sample.model, image: sample.image, prior: placement,
            options: PointSetRegistration.Options(spacing: 1, periodic: true, estimator: estimator, robust: o))
        return result.homography
    }
}
