/// Errors raised by the geometry core. Every case says what was wrong with the input, so a
/// caller can report it to a user unchanged.
public enum GeometryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A 3×3 transform could not be inverted (|det| below the tolerance relative to its scale).
    case singularMatrix(determinant: Double)
    /// A point mapped to infinity: its homogeneous w is (near) zero under the transform.
    case pointAtInfinity(Point2)
    /// Fewer points than the estimator needs.
    case tooFewPoints(needed: Int, got: Int)
    /// The two point lists of a correspondence set differ in length.
    case mismatchedCounts(model: Int, image: Int)
    /// A coordinate was NaN or infinite; `index` is the first offending correspondence.
    case nonFiniteInput(index: Int)
    /// The point set is degenerate for the estimate asked for (e.g. all collinear,
    /// fewer than four distinct points); `reason` says which.
    case degenerateConfiguration(reason: String)
    /// A robust estimator found no model supported by enough points.
    case noConsensus(reason: String)
    /// A parameter was outside its valid range.
    case invalidParameter(name: String, reason: String)

    public var description: String {
        switch self {
        case .singularMatrix(let det):
            return "the 3×3 transform is singular (determinant \(det)) and cannot be inverted"
        case .pointAtInfinity(let p):
            return "the point \(p) maps to infinity under this transform (w ≈ 0)"
        case .tooFewPoints(let needed, let got):
            return "at least \(needed) point correspondences are needed, got \(got)"
        case .mismatchedCounts(let m, let i):
            return "the model has \(m) points but the image has \(i); correspondences need equal counts"
        case .nonFiniteInput(let index):
            return "correspondence \(index) has a NaN or infinite coordinate"
        case .degenerateConfiguration(let reason):
            return "degenerate point configuration: \(reason)"
        case .noConsensus(let reason):
            return "robust estimation failed: \(reason)"
        case .invalidParameter(let name, let reason):
            return "invalid parameter \(name): \(reason)"
        }
    }
}
