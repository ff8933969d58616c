import AnchorGeometry
import Foundation
import Testing
@testable import AnchorModels

/// Models larger than `ModelLimits` are refused with a typed error, and models at the limit
/// are checked in O(n log n) (issue 14: 10⁶ anchors ran past 60 s, 10⁵ took 57 s).
@Suite struct ModelLimitsTests {
    @Test("nearest-anchor distance equals the pairwise definition, shapes and skewed lattices")
    func nearestDistanceAgreesWithPairwise() throws {
        var g = SeededGenerator(seed: 21)
        func r() -> Double { Double(g.next() % 10_000) / 1000 }
        for trial in 0..<20 {
            let pts = (0..<60).map { _ in Point2(r(), r()) }
            var expected = Double.infinity
            for a in pts.indices { for b in pts.indices where b > a { expected = min(expected, pts[a].distance(to: pts[b])) } }
            let shape = ShapeModel(points: pts.enumerated().map { ShapePoint(name: "P\($0.offset)", position: $0.element) })
            #expect(shape.nearestDistance(role: .anchor) == expected, "shape trial \(trial)")

            // A skewed basis (a2 nearly parallel to a1): the nearest image may lie several
            // cells away in the given basis, which the reduced basis must still find.
            let a1 = Point2(1 + r() / 10, 0), a2 = Point2(3 * a1.x + 0.2 + r() / 20, 0.7 + r() / 20)
            let sites = (0..<8).map { k in Site(name: "S\(k)", u: Double(g.next() % 1000) / 1000, v: Double(g.next() % 1000) / 1000, role: .anchor) }
            let lattice = LatticeModel(a1: a1, a2: a2, sites: sites)
            var best = Double.infinity
            for s in sites {
                for t in sites {
                    for i in -8...8 {
                        for j in -8...8 where !(i == 0 && j == 0 && s.name == t.name) {
                            let d = lattice.position(u: s.u, v: s.v).distance(to: lattice.position(u: t.u + Double(i), v: t.v + Double(j)))
                            best = min(best, d)
                        }
                    }
                }
            }
            let found = try #require(lattice.nearestDistance(role: .anchor))
            #expect(abs(found - best) < 1e-12, "lattice trial \(trial): \(found) vs \(best)")
        }
    }

    @Test("a shape of 100,000 points (the limit) loads and gives its nearest distance")
    func atTheLimit() throws {
        let n = ModelLimits.maxPoints
        let points = (0..<n).map { k in ShapePoint(name: "P\(k)", position: Point2(Double(k % 400), Double(k / 400) * 1.5)) }
        let model = try AnchorModel(name: "big", unit: .micrometre, geometry: .shape(ShapeModel(points: points)))
        #expect(model.nearestAnchorDistance == 1)
    }

    @Test("one point over the limit is refused as tooLarge, in code and in JSON")
    func overTheLimit() throws {
        let n = ModelLimits.maxPoints + 1
        let points = (0..<n).map { k in ShapePoint(name: "P\(k)", position: Point2(Double(k % 400), Double(k / 400))) }
        #expect(throws: ModelError.tooLarge(what: "shape.points", count: n, limit: ModelLimits.maxPoints)) {
            try AnchorModel(name: "big", unit: .micrometre, geometry: .shape(ShapeModel(points: points)))
        }
        let sites = (0..<n).map { k in "{\"position\":[\(Double(k % 1000) / 1000),\(Double(k / 1000) / 1000)]}" }
        let json = "{\"name\":\"l\",\"unit\":\"nm\",\"lattice\":{\"a1\":[1,0],\"a2\":[0,1],\"sites\":[\(sites.joined(separator: ","))]}}"
        #expect(throws: ModelError.tooLarge(what: "lattice.sites", count: n, limit: ModelLimits.maxPoints)) {
            try AnchorModel(jsonData: Data(json.utf8))
        }
    }

    @Test("region vertices are counted over all regions")
    func regionVertices() {
        let half = ModelLimits.maxRegionVertices / 2 + 1
        func ring(_ n: Int) -> [Point2] { (0..<n).map { k in Point2(cos(Double(k) * 2 * .pi / Double(n)), sin(Double(k) * 2 * .pi / Double(n))) } }
        let shape = ShapeModel(points: [ShapePoint(name: "A", position: Point2(0, 0)), ShapePoint(name: "B", position: Point2(1, 0))])
        #expect(throws: ModelError.tooLarge(what: "regions (vertices)", count: 2 * half, limit: ModelLimits.maxRegionVertices)) {
            try AnchorModel(name: "r", unit: .micrometre, geometry: .shape(shape),
                            regions: [NamedRegion(name: "a", polygon: ring(half)), NamedRegion(name: "b", polygon: ring(half))])
        }
    }

    @Test("a model file over 8 MiB is refused before it is parsed")
    func fileSize() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("modellimits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("huge.json").path
        // Valid JSON padded with whitespace: only the size is wrong.
        var text = "{\"name\":\"x\",\"unit\":\"nm\",\"lattice\":{\"a1\":[1,0],\"a2\":[0,1],\"sites\":[{\"position\":[0,0]}]}}"
        text += String(repeating: " ", count: ModelLimits.maxFileBytes)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ModelError.tooLarge(what: "the file (bytes)", count: text.utf8.count, limit: ModelLimits.maxFileBytes)) {
            try AnchorModel.load(path)
        }
    }
}
