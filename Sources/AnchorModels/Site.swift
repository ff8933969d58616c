import AnchorGeometry

/// A named site of a lattice unit cell, at fractional position (u, v): its model position in
/// cell (i, j) is (i + u)·a1 + (j + v)·a2 (model units).
///
/// Anchors (`role == .anchor`) are the paper's P_m; objects are what is localised once the
/// homography is known (the adatoms of Si(111)-7×7, Fig. 6a).
public struct Site: Hashable, Sendable {
    /// Unique within the cell (e.g. "CH", "A1").
    public var name: String
    /// Fractional coordinate along a1, in [0, 1).
    public var u: Double
    /// Fractional coordinate along a2, in [0, 1).
    public var v: Double
    public var role: SiteRole
    /// The sub-group the site belongs to, e.g. the triangular half "A" or "B" of a 7×7 cell.
    public var group: String?
    /// Number of the site within its group (1…), e.g. the paper's Fig. 6b numbering 1–6.
    public var index: Int?
    /// What kind of feature the site is, e.g. "corner-hole", "corner-adatom", "centre-adatom".
    public var kind: String?

    public init(name: String, u: Double, v: Double, role: SiteRole,
                group: String? = nil, index: Int? = nil, kind: String? = nil) {
        self.name = name
        self.u = u
        self.v = v
        self.role = role
        self.group = group
        self.index = index
        self.kind = kind
    }

    /// (u, v) as a point (fractional lattice coordinates, not model units).
    public var fractional: Point2 { Point2(u, v) }
}

/// A named point of a finite shape model, in model units.
public struct ShapePoint: Hashable, Sendable {
    public var name: String
    /// Position in model units.
    public var position: Point2
    public var role: SiteRole
    public var group: String?
    public var index: Int?
    public var kind: String?

    public init(name: String, position: Point2, role: SiteRole = .anchor,
                group: String? = nil, index: Int? = nil, kind: String? = nil) {
        self.name = name
        self.position = position
        self.role = role
        self.group = group
        self.index = index
        self.kind = kind
    }
}
