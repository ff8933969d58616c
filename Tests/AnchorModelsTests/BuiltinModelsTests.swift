import Testing
import Foundation
import AnchorGeometry
@testable import AnchorModels

@Suite struct BuiltinModelsTests {
    let si = BuiltinModels.si111_7x7()

    @Test func si7x7HasTwelveAdatomsSixPerHalf() throws {
        let objects = si.objectSites(i: 0, j: 0)
        #expect(objects.count == 12)
        #expect(objects.filter { $0.group == "A" }.count == 6)
        #expect(objects.filter { $0.group == "B" }.count == 6)
        #expect(Set(objects.filter { $0.group == "A" }.compactMap(\.index)) == Set(1...6))
        #expect(objects.filter { $0.kind == "corner-adatom" }.count == 6)
        #expect(objects.filter { $0.kind == "corner-adatom" }.allSatisfy { ($0.index ?? 0) % 2 == 1 })
        #expect(si.anchorPoints.count == 1)
        #expect(abs(si.nearestAnchorDistance - 2.688) < 1e-9)
        #expect(si.unit == .nanometre)
    }

    @Test func si7x7Distances() throws {
        // All adatoms of a 3×3 block of cells: nearest adatom–adatom distance 2a = 0.768 nm.
        var adatoms: [Point2] = []
        var holes: [Point2] = []
        for j in -1...1 {
            for i in -1...1 {
                adatoms += si.objectSites(i: i, j: j).map(\.position)
            }
        }
        holes = si.anchorPoints(cellsI: -1...2, cellsJ: -1...2).map(\.position)
        let centre = si.objectSites(i: 0, j: 0)
        for a in centre {
            // Within a half: 2a = 0.768 nm.
            let sameHalf = centre.filter { $0.group == a.group && $0.name != a.name }
            let nnHalf = sameHalf.map { $0.position.distance(to: a.position) }.min()!
            #expect(abs(nnHalf - 0.768) < 1e-3, "adatom \(a.name) nearest neighbour in its half \(nnHalf)")
            // Across the half-cell boundary (the dimer row) every adatom has a neighbour of the
            // adjacent half at √3a = 0.665 nm (e.g. the six corner adatoms round a corner hole
            // form a regular hexagon of radius √3a) — the 2a of the reference is within a half.
            let nn = adatoms.filter { $0 != a.position }.map { $0.distance(to: a.position) }.min()!
            #expect(abs(nn - 0.665) < 1e-3, "adatom \(a.name) nearest neighbour \(nn)")
            let hole = holes.map { $0.distance(to: a.position) }.min()!
            if a.kind == "corner-adatom" {
                #expect(abs(hole - 0.665) < 1e-3, "corner adatom \(a.name) to corner hole \(hole)")
            } else {
                #expect(hole > 0.9)
            }
        }
    }

    @Test func halfBIsInversionOfHalfA() throws {
        let lattice = try #require(si.lattice)
        let centre = lattice.position(u: 0.5, v: 0.5)
        let sites = si.objectSites(i: 0, j: 0)
        for k in 1...6 {
            let a = try #require(sites.first { $0.group == "A" && $0.index == k })
            let b = try #require(sites.first { $0.group == "B" && $0.index == k })
            let inverted = centre * 2 - a.position
            #expect(inverted.distance(to: b.position) < 1e-12)
            #expect(a.kind == b.kind)
        }
        // Half A lies in triangle (0, a1, a2): u + v < 1; half B in u + v > 1.
        for s in lattice.sites where s.role == .object {
            #expect(s.group == (s.u + s.v < 1 ? "A" : "B"))
        }
    }

    @Test func nearestAnchorDistances() throws {
        #expect(abs(try BuiltinModels.named("square-lattice:0.5").nearestAnchorDistance - 0.5) < 1e-12)
        #expect(abs(try BuiltinModels.named("hex-lattice:0.246").nearestAnchorDistance - 0.246) < 1e-12)
        #expect(abs(try BuiltinModels.named("square:40").nearestAnchorDistance - 20 * 2.0.squareRoot()) < 1e-9)
        #expect(try BuiltinModels.named("square").shape?.points.count == 5)
        let device = try BuiltinModels.named("device4:40")
        #expect(device.regions.map(\.name) == ["active", "T1", "T2", "T3", "T4"])
        #expect(abs(device.region(named: "active")!.area - 1600) < 1e-9)
        #expect(device.region(named: "T2")!.contains(Point2(50, 20)))
        #expect(!device.region(named: "T2")!.contains(Point2(20, 20)))
    }

    /// L is a property of the lattice, not of the basis chosen to describe it.
    @Test func nearestDistanceIgnoresTheChoiceOfBasis() throws {
        let skewed = try AnchorModel(
            name: "skewed", unit: .nanometre,
            geometry: .lattice(LatticeModel(a1: Point2(10, 0), a2: Point2(30, 0.5),
                                            sites: [Site(name: "P", u: 0, v: 0, role: .anchor)])))
        #expect(abs(skewed.nearestAnchorDistance - 0.5) < 1e-12)
        let hexAsSkew = try AnchorModel(
            name: "hex", unit: .nanometre,
            geometry: .lattice(LatticeModel(a1: Point2(1, 0), a2: Point2(7.5, 3.0.squareRoot() / 2),
                                            sites: [Site(name: "P", u: 0, v: 0, role: .anchor)])))
        #expect(abs(hexAsSkew.nearestAnchorDistance - 1) < 1e-12)
    }

    @Test func parameterErrors() {
        #expect(throws: ModelError.unknownModel(name: "nope", available: BuiltinModels.names)) {
            try BuiltinModels.named("nope")
        }
        #expect(throws: ModelError.invalidParameter(model: "square", parameter: "-3", reason: "expected a positive number")) {
            try BuiltinModels.named("square:-3")
        }
        #expect(throws: ModelError.self) { try BuiltinModels.named("square:abc") }
        #expect(throws: ModelError.self) { try BuiltinModels.named("hex-lattice:") }
        #expect(throws: ModelError.self) { try BuiltinModels.named("si111-7x7:2") }
    }

    @Test func anchorsInBoundsCoverRegion() throws {
        let bounds = ModelBounds(minX: 0, minY: 0, maxX: 20, maxY: 20)
        let anchors = try si.anchorPoints(in: bounds)
        #expect(anchors.allSatisfy { bounds.contains($0.position) })
        // Density: one corner hole per 6.257 nm² → about 64 in 400 nm² (edge effects aside).
        #expect(anchors.count >= 55 && anchors.count <= 75)
        // No duplicates.
        #expect(Set(anchors.map(\.position)).count == anchors.count)
        let objects = try si.objectPoints(in: bounds)
        let expected = 12.0 * Double(anchors.count)
        let deviation = abs(Double(objects.count) - expected)
        #expect(deviation < 0.2 * expected)
        // A footprint far too large for the spacing is refused, not allocated.
        let huge = ModelBounds(minX: 0, minY: 0, maxX: 1e7, maxY: 1e7)
        #expect(throws: ModelError.self) { try si.anchorPoints(in: huge) }
        let infinite = ModelBounds(minX: 0, minY: 0, maxX: .infinity, maxY: 1)
        #expect(throws: ModelError.self) { try si.anchorPoints(in: infinite) }
    }
}
