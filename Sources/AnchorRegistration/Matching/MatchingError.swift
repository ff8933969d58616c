import AnchorGeometry

/// Why point-set matching could not place or pair the model.
public enum MatchingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A point list is too short for the requested step.
    case tooFewPoints(set: String, needed: Int, got: Int)
    /// A point has a NaN or infinite coordinate.
    case nonFinitePoint(set: String, index: Int)
    /// The placement prior is impossible (message names the field).
    case invalidPrior(reason: String)
    /// An option is out of range (message names it).
    case invalidOption(name: String, reason: String)
    /// The model's points are degenerate (all identical, or no spacing can be derived).
    case degenerateModel(reason: String)
    /// No placement within the prior matched enough model points.
    case noPlacement(bestSupport: Int, needed: Int)
    /// The robust fit on the pairs failed (the underlying geometry error is given).
    case fitFailed(GeometryError)

    public var description: String {
        switch self {
        case .tooFewPoints(let set, let needed, let got):
            return "the \(set) points are too few: at least \(needed) needed, got \(got)"
        case .nonFinitePoint(let set, let index):
            return "\(set) point \(index) has a NaN or infinite coordinate"
        case .invalidPrior(let reason):
            return "invalid placement prior: \(reason)"
        case .invalidOption(let name, let reason):
            return "invalid matching option \(name): \(reason)"
        case .degenerateModel(let reason):
            return "degenerate model: \(reason)"
        case .noPlacement(let best, let needed):
            return "no placement of the model within the prior is supported by enough points "
                + "(best: \(best) model points matched, \(needed) needed); widen the rotation/scale "
                + "tolerances, check the scale, or the capture radius"
        case .fitFailed(let e):
            return "the robust fit on the paired points failed: \(e)"
        }
    }
}
