import AnchorGeometry
import AnchorModels

/// The sites within a radius of each located site, found through the lattice instead of a
/// k-d tree: the neighbourhood of a site — which sites of which nearby cells — is the same in
/// every cell, so it is worked out once per site of the unit cell, and each site's
/// neighbours are read from a dense (cell, site) table.
struct LatticeNeighbours {
    /// Per site kind: (Δi, Δj, kind) of every site within the radius, itself included.
    private let offsets: [[(di: Int, dj: Int, kind: Int)]]
    /// Index into the site list of (cell, kind), −1 where no site was located.
    private let table: [Int32]
    private let iRange: ClosedRange<Int>, jRange: ClosedRange<Int>
    private let kinds: Int
    private let kindOf: [Int]
    private let cells: [CellIndex]

    /// `nil` when the sites cannot be indexed by cell and name (a site without a cell, or
    /// one name at two places of the cell): use a k-d tree then.
    init?(_ sites: [LocatedSite], a1: Point2, a2: Point2, radius: Double) {
        guard !sites.isEmpty, radius.isFinite, radius >= 0 else { return nil }
        var kindIndex: [String: Int] = [:]
        var relative: [Point2] = []  // position within its cell, per kind
        var kindOf: [Int] = []
        for s in sites {
            let rel = s.model - a1 * Double(s.cell.i) - a2 * Double(s.cell.j)
            if let k = kindIndex[s.name] {
                guard rel.distance(to: relative[k]) < 1e-6 * max(a1.length, 1) else { return nil }
                kindOf.append(k)
            } else {
                kindIndex[s.name] = relative.count
                kindOf.append(relative.count)
                relative.append(rel)
            }
        }
        let kinds = relative.count
        // Cells farther than this cannot hold a neighbour.
        let cellReach = Int((radius / min(a1.length, a2.length, abs(a1.cross(a2)) / max(a1.length, a2.length))).rounded(.up)) + 2
        guard cellReach < 64 else { return nil }
        let r2 = radius * radius
        var offsets = [[(di: Int, dj: Int, kind: Int)]](repeating: [], count: kinds)
        for k in 0..<kinds {
            for dj in -cellReach...cellReach {
                for di in -cellReach...cellReach {
                    for t in 0..<kinds {
                        let p = relative[t] + a1 * Double(di) + a2 * Double(dj)
                        if p.distanceSquared(to: relative[k]) <= r2 { offsets[k].append((di, dj, t)) }
                    }
                }
            }
        }
        let iMin = sites.map(\.cell.i).min()!, iMax = sites.map(\.cell.i).max()!
        let jMin = sites.map(\.cell.j).min()!, jMax = sites.map(\.cell.j).max()!
        let ni = iMax - iMin + 1, nj = jMax - jMin + 1
        guard ni * nj * kinds <= 50_000_000 else { return nil }
        var table = [Int32](repeating: -1, count: ni * nj * kinds)
        for (n, s) in sites.enumerated() {
            let slot = ((s.cell.j - jMin) * ni + (s.cell.i - iMin)) * kinds + kindOf[n]
            guard table[slot] < 0 else { return nil }  // the same site twice
            table[slot] = Int32(n)
        }
        self.offsets = offsets
        self.table = table
        self.iRange = iMin...iMax
        self.jRange = jMin...jMax
        self.kinds = kinds
        self.kindOf = kindOf
        self.cells = sites.map(\.cell)
    }

    /// Calls `body` with the index of every site within the radius of site `n` (itself
    /// included), in no particular order.
    func forEach(of n: Int, _ body: (Int) -> Void) {
        let c = cells[n]
        let ni = iRange.count
        for o in offsets[kindOf[n]] {
            let i = c.i + o.di, j = c.j + o.dj
            guard iRange.contains(i), jRange.contains(j) else { continue }
            let m = table[((j - jRange.lowerBound) * ni + (i - iRange.lowerBound)) * kinds + o.kind]
            if m >= 0 { body(Int(m)) }
        }
    }
}
