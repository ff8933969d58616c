/// Everything that can be wrong with an anchor model (a JSON model file or a built-in's
/// parameters). Each case names the offending field by its JSON path (e.g.
/// `lattice.sites[3].position`) so that the message can be shown to a user as is.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not valid JSON (or not UTF-8).
    case invalidJSON(String)
    /// A required field is absent.
    case missingField(path: String)
    /// A field has the wrong JSON type.
    case wrongType(path: String, expected: String)
    /// A vector or point does not have the expected number of components.
    case wrongVectorLength(path: String, expected: Int, got: Int)
    /// A number is NaN or infinite (or a string such as "nan" where a number belongs).
    case nonFiniteNumber(path: String)
    /// The unit is not one AnchorReg knows.
    case unknownUnit(path: String, value: String)
    /// The model has both or neither of `shape` and `lattice`.
    case geometryKind(String)
    /// A lattice vector has zero length.
    case zeroLatticeVector(name: String)
    /// a1 and a2 are parallel (the cell has no area).
    case parallelLatticeVectors
    /// A fractional site coordinate is outside [0, 1).
    case fractionalOutOfRange(site: String, coordinate: String, value: Double)
    /// Two sites (or two shape points) share a name.
    case duplicateSiteName(String)
    /// A role other than "anchor" or "object".
    case unknownRole(site: String, value: String)
    /// The model has no anchor point, so nothing can be matched.
    case noAnchors
    /// Two anchors coincide (the nearest-anchor distance L would be zero).
    case coincidentAnchors(String, String)
    /// A site index is not a positive integer.
    case invalidIndex(site: String, value: Double)
    /// A region polygon has fewer than three vertices or zero area.
    case degenerateRegion(name: String, reason: String)
    /// Two regions share a name.
    case duplicateRegionName(String)
    /// The file's `version` is newer than this program understands.
    case unsupportedVersion(Int)
    /// No built-in model has that name.
    case unknownModel(name: String, available: [String])
    /// A region of model space holds more lattice cells than allowed (or is not finite).
    case tooManyPoints(requested: Double, limit: Int)
    /// The model (or its file) is larger than `ModelLimits` allows: `what` names the part.
    case tooLarge(what: String, count: Int, limit: Int)
    /// A model file could not be read.
    case unreadableFile(path: String, reason: String)
    /// A built-in's parameter (`name:param`) is malformed or out of range.
    case invalidParameter(model: String, parameter: String, reason: String)

    public var description: String {
        switch self {
        case .invalidJSON(let s): return "model file is not valid JSON: \(s)"
        case .missingField(let p): return "model: required field \"\(p)\" is missing"
        case .wrongType(let p, let e): return "model: \"\(p)\" must be \(e)"
        case .wrongVectorLength(let p, let e, let g):
            return "model: \"\(p)\" must have \(e) numbers, found \(g)"
        case .nonFiniteNumber(let p): return "model: \"\(p)\" is not a finite number"
        case .unknownUnit(let p, let v):
            return "model: \"\(p)\" has unknown unit \"\(v)\" (use m, mm, µm/um, nm, Å/A)"
        case .geometryKind(let s): return "model: \(s)"
        case .zeroLatticeVector(let n): return "model: lattice vector \(n) has zero length"
        case .parallelLatticeVectors:
            return "model: lattice vectors a1 and a2 are parallel (the unit cell has no area)"
        case .fractionalOutOfRange(let s, let c, let v):
            return "model: site \"\(s)\" has fractional \(c) = \(v), outside [0, 1)"
        case .duplicateSiteName(let n): return "model: two sites are named \"\(n)\""
        case .unknownRole(let s, let v):
            return "model: site \"\(s)\" has unknown role \"\(v)\" (use \"anchor\" or \"object\")"
        case .noAnchors: return "model: no site has role \"anchor\"; at least one anchor is needed"
        case .coincidentAnchors(let a, let b):
            return "model: anchors \"\(a)\" and \"\(b)\" are at the same place"
        case .invalidIndex(let s, let v):
            return "model: site \"\(s)\" has index \(v); an index is a positive integer"
        case .degenerateRegion(let n, let r): return "model: region \"\(n)\" is degenerate: \(r)"
        case .duplicateRegionName(let n): return "model: two regions are named \"\(n)\""
        case .unsupportedVersion(let v):
            return "model: file version \(v) is newer than this program understands (1)"
        case .unknownModel(let n, let a):
            return "no built-in model \"\(n)\"; available: \(a.joined(separator: ", ")) (or give a JSON model file)"
        case .tooManyPoints(let n, let l):
            return "model: the region spans \(n.isFinite ? String(Int(n)) : "infinitely many") lattice cells, more than \(l); check the lattice spacing and the image size"
        case .tooLarge(let w, let n, let l):
            return "model: \(w) holds \(n), more than the \(l) AnchorReg accepts (real models are far smaller; is this the intended file?)"
        case .unreadableFile(let p, let r): return "cannot read model file \(p): \(r)"
        case .invalidParameter(let m, let p, let r):
            return "model \(m): invalid parameter \"\(p)\": \(r)"
        }
    }
}
