import AnchorGeometry

/// What the Monte-Carlo study asks of an estimator: the transform H_est (model → image) for
/// one sample, or a thrown error (counted as a failure of that sample).
///
/// Implementations must be deterministic (take any seed from the sample, e.g. its index) and
/// safe to call from several threads at once.
public protocol ValidationFitter: Sendable {
    /// Name reported as `estimator` in the study's output.
    var name: String { get }
    /// Estimates H (model → image) from `sample.model` and `sample.image`. In paired mode
    /// `image[i]` corresponds to `model[i]`; in pairing mode the correspondences are unknown.
    func fit(_ sample: ValidationSample) throws -> Homography
}

/// A fitter built from a closure; handy for tests and for wiring estimators without a type.
public struct ClosureFitter: ValidationFitter {
    public let name: String
    private let body: @Sendable (ValidationSample) throws -> Homography

    public init(name: String, _ body: @escaping @Sendable (ValidationSample) throws -> Homography) {
        self.name = name
        self.body = body
    }

    public func fit(_ sample: ValidationSample) throws -> Homography {
        try body(sample)
    }
}
