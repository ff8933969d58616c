import AnchorGeometry
import Testing
@testable import AnchorModels

/// The coincident-anchor check of a model (k-d tree, O(n log n)) against the pairwise
/// definition it replaces.
@Suite struct CoincidenceCheckTests {
    @Test("same first pair as comparing every pair, on random sets with planted duplicates")
    func agreesWithPairwise() {
        var g = SeededGenerator(seed: 8)
        for trial in 0..<30 {
            var pts = (0..<200).map { _ in Point2(Double(g.next() % 1000) / 7, Double(g.next() % 1000) / 7) }
            if trial % 3 == 0 { pts[150] = pts[40] }
            var expected: (Int, Int)? = nil
            search: for a in pts.indices {
                for b in (a + 1)..<pts.count where pts[a].distance(to: pts[b]) < 1e-9 { expected = (a, b); break search }
            }
            let found = AnchorModel.firstCoincidentPair(pts, tolerance: 1e-9, inclusive: false)
            #expect(found?.0 == expected?.0 && found?.1 == expected?.1, "trial \(trial)")
        }
    }

    @Test("a model of 20,000 distinct anchors loads; one duplicate is named")
    func largeModel() throws {
        var points = (0..<20_000).map { k in ShapePoint(name: "P\(k)", position: Point2(Double(k % 200), Double(k / 200))) }
        #expect(throws: Never.self) {
            try AnchorModel(name: "big", unit: .micrometre, geometry: .shape(ShapeModel(points: points)))
        }
        points.append(ShapePoint(name: "Q", position: Point2(3, 7)))
        #expect(throws: ModelError.coincidentAnchors("P1403", "Q")) {
            try AnchorModel(name: "big", unit: .micrometre, geometry: .shape(ShapeModel(points: points)))
        }
    }
}
