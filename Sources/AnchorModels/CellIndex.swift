import AnchorGeometry

/// The integer index (i, j) of a lattice cell: the cell whose origin is i·a1 + j·a2.
public struct CellIndex: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var i: Int
    public var j: Int

    public init(_ i: Int, _ j: Int) {
        self.i = i
        self.j = j
    }

    public static func < (a: CellIndex, b: CellIndex) -> Bool { (a.j, a.i) < (b.j, b.i) }
    public static func + (a: CellIndex, b: CellIndex) -> CellIndex { CellIndex(a.i + b.i, a.j + b.j) }
    public static func - (a: CellIndex, b: CellIndex) -> CellIndex { CellIndex(a.i - b.i, a.j - b.j) }

    public var description: String { "(\(i), \(j))" }
}

extension CellIndex: Codable {
    /// JSON form `[i, j]`.
    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        i = try c.decode(Int.self)
        j = try c.decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(i)
        try c.encode(j)
    }
}

/// One concrete point of a model: a shape point, or a lattice site placed in a given cell.
/// `position` is in model units.
public struct ModelPoint: Hashable, Sendable {
    public var name: String
    public var role: SiteRole
    public var group: String?
    public var index: Int?
    public var kind: String?
    /// The lattice cell (nil for shape models).
    public var cell: CellIndex?
    /// Position in model units.
    public var position: Point2

    public init(name: String, role: SiteRole, group: String? = nil, index: Int? = nil,
                kind: String? = nil, cell: CellIndex? = nil, position: Point2) {
        self.name = name
        self.role = role
        self.group = group
        self.index = index
        self.kind = kind
        self.cell = cell
        self.position = position
    }
}

/// An axis-aligned rectangle in model space (model units), e.g. the bounding box of an
/// image's footprint mapped into the model.
public struct ModelBounds: Hashable, Sendable {
    public var minX: Double, minY: Double, maxX: Double, maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = min(minX, maxX)
        self.maxX = max(minX, maxX)
        self.minY = min(minY, maxY)
        self.maxY = max(minY, maxY)
    }

    /// The smallest bounds holding every point (nil for an empty or non-finite list).
    public init?(covering points: [Point2]) {
        guard let first = points.first, points.allSatisfy(\.isFinite) else { return nil }
        var b = (first.x, first.y, first.x, first.y)
        for p in points {
            b.0 = min(b.0, p.x); b.1 = min(b.1, p.y); b.2 = max(b.2, p.x); b.3 = max(b.3, p.y)
        }
        self.init(minX: b.0, minY: b.1, maxX: b.2, maxY: b.3)
    }

    public func contains(_ p: Point2) -> Bool {
        p.x >= minX && p.x <= maxX && p.y >= minY && p.y <= maxY
    }

    /// The four corners, clockwise on screen from (minX, minY).
    public var corners: [Point2] {
        [Point2(minX, minY), Point2(maxX, minY), Point2(maxX, maxY), Point2(minX, maxY)]
    }
}
