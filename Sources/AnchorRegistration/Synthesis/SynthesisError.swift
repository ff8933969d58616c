import AnchorGeometry

/// Errors of the synthetic-scene generators.
public enum SynthesisError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A generator parameter is outside its valid range; `reason` says what is allowed.
    case invalidParameter(name: String, reason: String)
    /// The distortion could not be inverted at a surface point (the scan map folds over:
    /// drift or creep too strong for the frame).
    case distortionNotInvertible(Point2)

    public var description: String {
        switch self {
        case .invalidParameter(let n, let r): return "synthetic scene: invalid \(n): \(r)"
        case .distortionNotInvertible(let p):
            return "synthetic scene: the scan distortion cannot be inverted near model point \(p) (drift or creep too strong)"
        }
    }
}
