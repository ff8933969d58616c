import AnchorGeometry

/// What a model is made of: a finite shape or a periodic lattice.
public enum ModelGeometry: Hashable, Sendable {
    case shape(ShapeModel)
    case lattice(LatticeModel)
}

/// Whether a model's anchors appear dark or bright in images of it (a hint for extractors;
/// corner holes of Si(111)-7×7 are dark minima).
public enum AnchorContrast: String, Hashable, Sendable, CaseIterable {
    case dark, bright, edge
}

/// An anchor model (the paper's structural model, Figs. 1a, 4b, 5a): named points in a
/// physical unit, split into anchors (P_m, matched to the image) and objects (localised
/// afterwards), plus optional named regions (device parts) for measurements.
///
/// **Coordinate frame.** Model coordinates use the same handedness as images: x to the
/// right and y *down* as seen looking at the surface (or the device) from above, in `unit`.
/// An unmirrored image of the structure is therefore related to the model by a homography
/// with positive determinant (a rotation plus scale and shear, never a reflection), and
/// "clockwise" means clockwise on screen.
///
/// Build one from JSON with `init(jsonData:)` (schema in docs/models.md) or take a built-in
/// from `BuiltinModels.named(_:)`. Values constructed in code are checked with `validate()`.
public struct AnchorModel: Hashable, Sendable {
    /// Short name, e.g. "si111-7x7" or "square:40".
    public var name: String
    /// One-line description.
    public var summary: String
    /// Unit of every model coordinate (nm for atomic models, µm for devices).
    public var unit: LengthUnit
    public var geometry: ModelGeometry
    /// Named polygons in model units (device electrodes, the active area, …).
    public var regions: [NamedRegion]
    /// Name of the point-extraction strategy that suits the model ("blobs", "rectangle", …).
    public var defaultExtractor: String?
    /// How anchors look in an image (extractor hint).
    public var anchorContrast: AnchorContrast?

    /// Creates a model and checks it (see `validate()`).
    public init(name: String, summary: String = "", unit: LengthUnit, geometry: ModelGeometry,
                regions: [NamedRegion] = [], defaultExtractor: String? = nil,
                anchorContrast: AnchorContrast? = nil) throws {
        self.name = name
        self.summary = summary
        self.unit = unit
        self.geometry = geometry
        self.regions = regions
        self.defaultExtractor = defaultExtractor
        self.anchorContrast = anchorContrast
        try validate()
    }

    /// True for lattice models (the vote filter applies to them).
    public var isPeriodic: Bool {
        if case .lattice = geometry { return true }
        return false
    }

    /// The lattice, for periodic models.
    public var lattice: LatticeModel? {
        if case .lattice(let l) = geometry { return l }
        return nil
    }

    /// The shape, for finite models.
    public var shape: ShapeModel? {
        if case .shape(let s) = geometry { return s }
        return nil
    }

    /// The nearest-anchor distance L in model units: for a lattice, the smallest distance
    /// between two anchor sites anywhere in the lattice; for a shape, the smallest distance
    /// between two anchors (0 for a shape with a single anchor). The vote filter of the
    /// paper (Fig. 1b) accepts neighbours at distances in [0.9 L, 1.1 L].
    public var nearestAnchorDistance: Double {
        switch geometry {
        case .lattice(let l): return l.nearestDistance(role: .anchor) ?? 0
        case .shape(let s): return s.nearestDistance(role: .anchor) ?? 0
        }
    }

    /// Every anchor of a shape model, or the anchors of cell (0, 0) of a lattice.
    public var anchorPoints: [ModelPoint] {
        switch geometry {
        case .shape(let s):
            return s.points.filter { $0.role == .anchor }.map(Self.modelPoint)
        case .lattice(let l):
            return l.points(role: .anchor, in: CellIndex(0, 0))
        }
    }

    /// Every object point of a shape model, or the objects of cell (0, 0) of a lattice.
    public var objectPoints: [ModelPoint] {
        switch geometry {
        case .shape(let s):
            return s.points.filter { $0.role == .object }.map(Self.modelPoint)
        case .lattice(let l):
            return l.points(role: .object, in: CellIndex(0, 0))
        }
    }

    /// Anchors lying inside `bounds` (model units): lattice anchors of every cell that
    /// reaches into it, or the shape's anchors that fall inside.
    /// - Throws: `ModelError.tooManyPoints` when `bounds` spans more than 20 million cells.
    /// - Complexity: O(cells · sites) for a lattice.
    public func anchorPoints(in bounds: ModelBounds) throws -> [ModelPoint] {
        try points(role: .anchor, in: bounds)
    }

    /// Object sites lying inside `bounds` (model units).
    /// - Throws: `ModelError.tooManyPoints` when `bounds` spans more than 20 million cells.
    public func objectPoints(in bounds: ModelBounds) throws -> [ModelPoint] {
        try points(role: .object, in: bounds)
    }

    /// Lattice anchors of cells i ∈ `i`, j ∈ `j` (empty for shape models).
    public func anchorPoints(cellsI i: ClosedRange<Int>, cellsJ j: ClosedRange<Int>) -> [ModelPoint] {
        guard let l = lattice else { return [] }
        var out: [ModelPoint] = []
        for jj in j {
            for ii in i { out += l.points(role: .anchor, in: CellIndex(ii, jj)) }
        }
        return out
    }

    /// The object sites of lattice cell `cell` in model units (for shapes: all objects).
    public func objectSites(cell: CellIndex) -> [ModelPoint] {
        guard let l = lattice else { return objectPoints }
        return l.points(role: .object, in: cell)
    }

    /// The object sites of cell (i, j) (see `objectSites(cell:)`).
    public func objectSites(i: Int, j: Int) -> [ModelPoint] {
        objectSites(cell: CellIndex(i, j))
    }

    /// The region called `name`, if any.
    public func region(named name: String) -> NamedRegion? {
        regions.first { $0.name == name }
    }

    private func points(role: SiteRole, in bounds: ModelBounds) throws -> [ModelPoint] {
        switch geometry {
        case .shape(let s):
            return s.points.filter { $0.role == role && bounds.contains($0.position) }.map(Self.modelPoint)
        case .lattice(let l):
            let r = try l.cellRanges(covering: bounds)
            var out: [ModelPoint] = []
            for j in r.j {
                for i in r.i {
                    for p in l.points(role: role, in: CellIndex(i, j)) where bounds.contains(p.position) {
                        out.append(p)
                    }
                }
            }
            return out
        }
    }

    private static func modelPoint(_ p: ShapePoint) -> ModelPoint {
        ModelPoint(name: p.name, role: p.role, group: p.group, index: p.index, kind: p.kind,
                   cell: nil, position: p.position)
    }

    /// Checks the model's invariants: finite numbers, non-degenerate lattice, fractional
    /// coordinates in [0, 1), unique names, positive indices, at least one anchor, no two
    /// anchors at one place, regions with area, sizes within `ModelLimits`.
    /// - Throws: the `ModelError` naming the first problem found;
    ///   `ModelError.tooLarge` when the model exceeds `ModelLimits`.
    public func validate() throws {
        switch geometry {
        case .lattice(let l): try ModelLimits.check("lattice.sites", count: l.sites.count, limit: ModelLimits.maxPoints)
        case .shape(let s): try ModelLimits.check("shape.points", count: s.points.count, limit: ModelLimits.maxPoints)
        }
        try ModelLimits.check("regions (vertices)", count: regions.reduce(0) { $0 + $1.polygon.count },
                              limit: ModelLimits.maxRegionVertices)
        var names = Set<String>()
        switch geometry {
        case .lattice(let l):
            for (n, v) in [("a1", l.a1), ("a2", l.a2)] {
                guard v.isFinite else { throw ModelError.nonFiniteNumber(path: "lattice.\(n)") }
                guard v.length > 0 else { throw ModelError.zeroLatticeVector(name: n) }
            }
            guard abs(l.a1.cross(l.a2)) > 1e-9 * l.a1.length * l.a2.length else {
                throw ModelError.parallelLatticeVectors
            }
            for (k, s) in l.sites.enumerated() {
                guard s.u.isFinite, s.v.isFinite else {
                    throw ModelError.nonFiniteNumber(path: "lattice.sites[\(k)].position")
                }
                guard s.u >= 0, s.u < 1 else {
                    throw ModelError.fractionalOutOfRange(site: s.name, coordinate: "u", value: s.u)
                }
                guard s.v >= 0, s.v < 1 else {
                    throw ModelError.fractionalOutOfRange(site: s.name, coordinate: "v", value: s.v)
                }
                try Self.checkCommon(name: s.name, index: s.index, names: &names)
            }
            let anchors = l.sites.filter { $0.role == .anchor }
            guard !anchors.isEmpty else { throw ModelError.noAnchors }
            if let (a, b) = Self.firstCoincidentPair(anchors.map(\.fractional), tolerance: 1e-12, inclusive: false) {
                throw ModelError.coincidentAnchors(anchors[a].name, anchors[b].name)
            }
        case .shape(let s):
            for (k, p) in s.points.enumerated() {
                guard p.position.isFinite else {
                    throw ModelError.nonFiniteNumber(path: "shape.points[\(k)].position")
                }
                try Self.checkCommon(name: p.name, index: p.index, names: &names)
            }
            let anchors = s.points.filter { $0.role == .anchor }
            guard !anchors.isEmpty else { throw ModelError.noAnchors }
            let scale = anchors.map(\.position.length).max() ?? 0
            if let (a, b) = Self.firstCoincidentPair(anchors.map(\.position), tolerance: 1e-12 * max(scale, 1e-300), inclusive: true) {
                throw ModelError.coincidentAnchors(anchors[a].name, anchors[b].name)
            }
        }
        var regionNames = Set<String>()
        for (k, r) in regions.enumerated() {
            guard regionNames.insert(r.name).inserted else { throw ModelError.duplicateRegionName(r.name) }
            guard r.polygon.allSatisfy(\.isFinite) else {
                throw ModelError.nonFiniteNumber(path: "regions[\(k)].polygon")
            }
            guard r.polygon.count >= 3 else {
                throw ModelError.degenerateRegion(name: r.name, reason: "\(r.polygon.count) vertices, at least 3 needed")
            }
            guard r.area > 0 else { throw ModelError.degenerateRegion(name: r.name, reason: "zero area") }
        }
    }

    private static func checkCommon(name: String, index: Int?, names: inout Set<String>) throws {
        guard names.insert(name).inserted else { throw ModelError.duplicateSiteName(name) }
        if let index, index < 1 { throw ModelError.invalidIndex(site: name, value: Double(index)) }
    }
}
