import AnchorGeometry

/// Paired mode: `Homography.estimateRobust` on the given correspondences.
///
/// The sampler's seed is derived from the study's seed and the sample's stream, so each
/// sample is fitted identically whichever thread runs it.
public struct PairedEstimatorFitter: ValidationFitter {
    public let estimator: HomographyEstimator
    public let options: RobustEstimationOptions

    public init(estimator: HomographyEstimator, options: RobustEstimationOptions = .init()) {
        self.estimator = estimator
        self.options = options
    }

    public var name: String { options.refine ? estimator.rawValue : estimator.rawValue + "-norefine" }

    public func fit(_ sample: ValidationSample) throws -> Homography {
        var o = options
        o.seed = options.seed ^ ValidationSampleGenerator.stream(points: sample.condition.points, index: sample.index,
                                                                 mode: .paired)
        return try Homography.estimateRobust(from: sample.model, to: sample.image, using: estimator, options: o)
            .homography
    }
}

/// The estimators `anchorreg validate --estimator` accepts, and the fitter for each.
public enum ValidationFitters {
    /// Every name: the robust estimators, and each with `-norefine` (no Levenberg–Marquardt
    /// finish, the paper's method for `lmeds-norefine`).
    public static var estimatorNames: [String] {
        HomographyEstimator.allCases.map(\.rawValue) + HomographyEstimator.allCases.map { $0.rawValue + "-norefine" }
    }

    /// The default estimator of a mode, the best measured on the study's protocol
    /// (docs/validation.md):
    /// - paired: `dlt` — normalised DLT finished by Levenberg–Marquardt over all points. The
    ///   protocol's correspondences carry Gaussian noise and no gross outliers, so the
    ///   least-squares reprojection fit is the maximum-likelihood estimate; robust
    ///   estimators can only lose accuracy by rejecting good points (most visibly with 9
    ///   points, where the inlier threshold estimated from the data is itself noisy).
    /// - pairing: the library default (`HomographyEstimator.default`, LMedS), because the
    ///   pairs found without correspondences do contain wrong pairs.
    public static func defaultEstimator(for mode: ValidationMode) -> String {
        switch mode {
        case .paired: return HomographyEstimator.dlt.rawValue
        case .pairing: return HomographyEstimator.default.rawValue
        }
    }

    /// The fitter for `name` in the configuration's mode.
    /// - Throws: `GeometryError.invalidParameter` for an unknown name.
    public static func fitter(named name: String, configuration: ValidationConfiguration) throws -> any ValidationFitter {
        var base = name
        var refine = true
        if base.hasSuffix("-norefine") {
            base = String(base.dropLast("-norefine".count))
            refine = false
        }
        guard let estimator = HomographyEstimator(rawValue: base) else {
            throw GeometryError.invalidParameter(
                name: "estimator", reason: "unknown estimator \(name); choose one of \(estimatorNames.joined(separator: ", "))")
        }
        let options = RobustEstimationOptions(seed: configuration.seed, refine: refine)
        switch configuration.mode {
        case .paired:
            return PairedEstimatorFitter(estimator: estimator, options: options)
        case .pairing:
            return PairingChainFitter(estimator: estimator, options: options, prior: configuration.prior)
        }
    }
}
