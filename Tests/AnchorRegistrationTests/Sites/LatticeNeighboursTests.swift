import Testing
import AnchorGeometry
import AnchorModels
@testable import AnchorRegistration

@Suite struct LatticeNeighboursTests {
    /// The lattice-indexed neighbourhoods are exactly the k-d tree's radius queries, also when
    /// sites are missing (frame edges, sites left out).
    @Test(arguments: [1.3, 1.6, 2.3])  // not a whole number of cells: ties at the radius are rounding
    func sameSetsAsTheKDTree(radiusInCells: Double) throws {
        let model = try BuiltinModels.named("si111-7x7")
        let lattice = try #require(model.lattice)
        let points = try model.objectPoints(in: ModelBounds(minX: -3, minY: -2, maxX: 14, maxY: 11))
        var sites: [LocatedSite] = []
        for (n, p) in points.enumerated() where n % 7 != 3 {
            sites.append(LocatedSite(cell: try #require(p.cell), group: p.group, half: nil, index: p.index, name: p.name,
                                     kind: p.kind, model: p.position, image: p.position, predicted: p.position,
                                     value: 0, score: 0, present: true))
        }
        let radius = radiusInCells * lattice.a1.length
        let neighbours = try #require(LatticeNeighbours(sites, a1: lattice.a1, a2: lattice.a2, radius: radius))
        let tree = KDTree(sites.map(\.model))
        for k in sites.indices {
            var got: [Int] = []
            neighbours.forEach(of: k) { got.append($0) }
            #expect(got.sorted() == tree.indices(within: radius, of: sites[k].model))
        }
    }

    @Test func refusesSitesItCannotIndex() throws {
        let a1 = Point2(1, 0), a2 = Point2(0, 1)
        func site(_ name: String, _ i: Int, _ x: Double) -> LocatedSite {
            LocatedSite(cell: CellIndex(i, 0), group: nil, half: nil, index: nil, name: name, kind: nil,
                        model: Point2(Double(i) + x, 0.5), image: .zero, predicted: .zero, value: 0, score: 0, present: true)
        }
        // One name at two places of the cell.
        #expect(LatticeNeighbours([site("a", 0, 0.2), site("a", 1, 0.4)], a1: a1, a2: a2, radius: 1) == nil)
        // The same site twice.
        #expect(LatticeNeighbours([site("a", 0, 0.2), site("a", 0, 0.2)], a1: a1, a2: a2, radius: 1) == nil)
        #expect(LatticeNeighbours([site("a", 0, 0.2), site("a", 1, 0.2)], a1: a1, a2: a2, radius: 1) != nil)
    }
}

@Suite struct ScanBandFieldTests {
    /// The sliding-window batch gives exactly the per-row medians, rows in any order.
    @Test(arguments: [(4, 3.0), (15, 6.0), (15, 0.5), (400, 2.0)])
    func batchEqualsSingleRows(minimumCount: Int, halfWidth: Double) {
        var g = SeededGenerator(seed: 21)
        let samples = (0..<300).map { _ in
            (y: (g.nextUnit() * 200).rounded() / 2, offset: Point2((g.normal() * 4).rounded() / 4, g.normal()))
        }
        let field = ScanBandField(samples: samples, halfWidth: halfWidth, minimumCount: minimumCount)
        let rows = (0..<500).map { _ in g.nextUnit() * 120 - 10 }
        let batch = field.displacements(atRows: rows)
        for (r, b) in zip(rows, batch) { #expect(field.displacement(atRow: r) == b) }
    }
}
