import AnchorGeometry

/// A periodic model: lattice vectors a1, a2 (model units) and the sites of one unit cell at
/// fractional positions. Site s of cell (i, j) lies at (i + s.u)·a1 + (j + s.v)·a2.
public struct LatticeModel: Hashable, Sendable {
    public var a1: Point2
    public var a2: Point2
    public var sites: [Site]

    public init(a1: Point2, a2: Point2, sites: [Site]) {
        self.a1 = a1
        self.a2 = a2
        self.sites = sites
    }

    /// Area of one cell, |a1 × a2| (model units²).
    public var cellArea: Double { abs(a1.cross(a2)) }

    /// Model position of fractional lattice coordinates (u, v) (cell indices included).
    @inlinable
    public func position(u: Double, v: Double) -> Point2 {
        Point2(u * a1.x + v * a2.x, u * a1.y + v * a2.y)
    }

    /// Model position of `site` in `cell`.
    public func position(of site: Site, in cell: CellIndex) -> Point2 {
        position(u: Double(cell.i) + site.u, v: Double(cell.j) + site.v)
    }

    /// Fractional lattice coordinates (u, v) of a model point (inverse of `position(u:v:)`).
    public func fractional(_ p: Point2) -> Point2 {
        let det = a1.cross(a2)
        return Point2(p.cross(a2) / det, a1.cross(p) / det)
    }

    /// The cells whose origin-cell parallelogram may hold a point of `bounds`, as index
    /// ranges (i, j), widened by `margin` cells on every side.
    /// - Throws: `ModelError.tooManyPoints` when the bounds are not finite or span more than
    ///   `maxCells` cells (a bounds/spacing mismatch that would exhaust memory).
    public func cellRanges(covering bounds: ModelBounds, margin: Int = 1, maxCells: Int = 20_000_000) throws
        -> (i: ClosedRange<Int>, j: ClosedRange<Int>)
    {
        let f = bounds.corners.map(fractional)
        let us = f.map(\.x), vs = f.map(\.y)
        let limit = 1e9
        guard (us + vs).allSatisfy({ $0.isFinite && abs($0) < limit }) else {
            throw ModelError.tooManyPoints(requested: .infinity, limit: maxCells)
        }
        let iMin = Int(us.min()!.rounded(.down)) - margin, iMax = Int(us.max()!.rounded(.down)) + margin
        let jMin = Int(vs.min()!.rounded(.down)) - margin, jMax = Int(vs.max()!.rounded(.down)) + margin
        let cells = Double(iMax - iMin + 1) * Double(jMax - jMin + 1)
        guard cells <= Double(maxCells) else { throw ModelError.tooManyPoints(requested: cells, limit: maxCells) }
        return (iMin...iMax, jMin...jMax)
    }

    /// The sites with `role`, placed in `cell`.
    public func points(role: SiteRole?, in cell: CellIndex) -> [ModelPoint] {
        sites.compactMap { s in
            if let role, s.role != role { return nil }
            return ModelPoint(name: s.name, role: s.role, group: s.group, index: s.index,
                              kind: s.kind, cell: cell, position: position(of: s, in: cell))
        }
    }

    /// A Lagrange–Gauss reduced basis of the same lattice: the two shortest independent
    /// lattice vectors, |b1| ≤ |b2|, |b1·b2| ≤ |b1|²/2.
    public var reducedBasis: (Point2, Point2) {
        var b1 = a1, b2 = a2
        if b1.lengthSquared > b2.lengthSquared { swap(&b1, &b2) }
        for _ in 0..<200 {
            let mu = (b1.dot(b2) / b1.lengthSquared).rounded()
            b2 = b2 - b1 * mu
            if b2.lengthSquared >= b1.lengthSquared { break }
            swap(&b1, &b2)
        }
        return (b1, b2)
    }

    /// Smallest distance between two distinct points of the sites with `role` over the
    /// whole lattice (model units); nil when there is no such site. Searches translations of
    /// the reduced basis, so it is right for any (even very skewed) choice of a1, a2.
    /// - Complexity: O(n log n) for n sites of that role (a k-d tree over the origin cell and
    ///   its 24 neighbours in the reduced basis).
    public func nearestDistance(role: SiteRole) -> Double? {
        let chosen = sites.filter { $0.role == role }.map { position(u: $0.u, v: $0.v) }
        guard !chosen.isEmpty else { return nil }
        let (b1, b2) = reducedBasis
        // Wrap every site into the reduced cell first: a site of a skewed cell may lie many
        // reduced cells from the origin, beyond the ±2 translations searched below.
        let det = b1.cross(b2)
        let wrapped = chosen.map { p -> Point2 in
            let u = p.cross(b2) / det, v = b1.cross(p) / det
            return b1 * (u - u.rounded(.down)) + b2 * (v - v.rounded(.down))
        }
        // The origin cell's copies come first, so indices 0..<n are the queries.
        var all = wrapped
        for di in -2...2 {
            for dj in -2...2 where di != 0 || dj != 0 {
                let shift = b1 * Double(di) + b2 * Double(dj)
                all += wrapped.map { $0 + shift }
            }
        }
        return KDTree.closestPairDistance(all, queries: wrapped.indices)
    }
}
