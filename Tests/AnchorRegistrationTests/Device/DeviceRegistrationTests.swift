import AnchorGeometry
import AnchorImaging
import AnchorModels
import Foundation
import Testing
@testable import AnchorRegistration

/// One synthetic pair shared by the device tests (generation is the slow part in debug builds).
enum DeviceFixtures {
    static let pair: OMPair = {
        // swiftlint:disable:next force_try
        try! OMPairGenerator().generate(OMPairParameters(seed: 2, width: 512, height: 384, truthGridSize: 256))
    }()

    /// Both photographs of `pair` registered to its model (shared: registration is slow in
    /// debug builds).
    static let registrations: [DeviceRegistration] = {
        // swiftlint:disable:next force_try
        try! [pair.before, pair.after].map { try DeviceRegistration.register($0.luminance(), to: pair.truth.model) }
    }()
}

@Suite("Device registration")
struct DeviceRegistrationTests {
    @Test("square corners within 0.1 % of the side, sub-pixel, on both photographs")
    func corners() throws {
        let p = DeviceFixtures.pair
        for k in 0..<2 {
            let reg = DeviceFixtures.registrations[k]
            let truth = p.truth.anchorsInImage[k]
            let side = truth[0].distance(to: truth[1])
            let names = ["C1", "C2", "C3", "C4", "centre"]
            #expect(reg.pairs.count == 5)
            for pair in reg.pairs {
                let i = try #require(names.firstIndex(of: pair.name))
                #expect(pair.image.distance(to: truth[i]) < 0.001 * side, "frame \(k) \(pair.name)")
            }
            #expect(reg.isTrustworthy)
            #expect(reg.recall == 1)
            // The homography maps the model onto the true image positions.
            for (m, t) in zip(p.truth.model.anchorPoints, truth) {
                #expect(reg.homography.apply(m.position).distance(to: t) < 0.002 * side)
            }
        }
    }

    @Test("a four-fold symmetric model is reported as ambiguous and resolved by the prior")
    func ambiguity() throws {
        let p = DeviceFixtures.pair
        let reg = DeviceFixtures.registrations[0]
        let ambiguity = try #require(reg.ambiguity)
        #expect(ambiguity.contains("4 orientations"))
        let h = p.truth.homographies[0]
        let c = h.apply(Point2(20, 20)), e = h.apply(Point2(21, 20))
        let trueRotation = atan2(e.y - c.y, e.x - c.x) * 180 / .pi
        #expect(abs(reg.rotationDegrees - trueRotation) < 1)
    }

    @Test("electrodes touching the square and dark patches at its edge do not become corners")
    func extractionFindsOnlyTheSquare() throws {
        let ex = DeviceFixtures.registrations[0].extraction
        let truth = DeviceFixtures.pair.truth.anchorsInImage[0]
        let q = try #require(ex.quadrilaterals.first)
        #expect(q.centre.distance(to: truth[4]) < 0.5)
        #expect(ex.brightStructure)
    }

    @Test("a model with four pads does not match a single square: mismatch names what was found")
    func mismatch() throws {
        var points: [ShapePoint] = []
        for (g, (x, y)) in [(0.0, 0.0), (100, 0), (0, 100), (100, 100)].enumerated() {
            for (c, (dx, dy)) in [(0.0, 0.0), (30, 0), (30, 30), (0, 30)].enumerated() {
                points.append(ShapePoint(name: "P\(g).c\(c)", position: Point2(x + dx, y + dy), group: "P\(g)", kind: "corner"))
            }
        }
        let model = try AnchorModel(name: "pads", unit: .micrometre, geometry: .shape(ShapeModel(points: points)))
        #expect {
            try DeviceRegistration.register(DeviceFixtures.pair.before.luminance(), to: model)
        } throws: { e in
            guard case DeviceError.modelMismatch(let r) = e else { return false }
            return r.contains("found 1 quadrilateral")
        }
    }

    @Test("lattice models and flat images are refused with typed errors")
    func refusals() throws {
        let img = DeviceFixtures.pair.before.luminance()
        #expect(throws: DeviceError.self) { try DeviceRegistration.register(img, to: BuiltinModels.hexLattice(spacing: 1)) }
        var g = SeededGenerator(seed: 3)
        let noise = try Image(width: 128, height: 96, pixels: (0..<(128 * 96)).map { _ in Float(100 + g.normal()) })
        #expect {
            try DeviceRegistration.register(noise, to: BuiltinModels.square(side: 40))
        } throws: { e in
            guard case DeviceError.structureNotFound = e else { return false }
            return true
        }
    }

    @Test("distance transform opening removes strips narrower than the disk and keeps squares")
    func opening() throws {
        var m = try BinaryImage(width: 60, height: 40)
        for y in 5..<35 { for x in 5..<35 { m.pixels[y * 60 + x] = 1 } }       // 30×30 square
        for y in 18..<22 { for x in 35..<58 { m.pixels[y * 60 + x] = 1 } }      // 4 px strip
        let o = m.openedByDisk(radius: 5)
        #expect(o.pixels[20 * 60 + 50] == 0)
        #expect(o.pixels[20 * 60 + 20] == 1)
        let dt = squaredDistanceTransform(width: 60, height: 40) { m.pixels[$0] == 0 }
        #expect(dt[20 * 60 + 20] == 15 * 15)   // centre of the square: 15 px to the nearest background pixel
    }
}

@Suite("Device orientation from regions")
struct DeviceOrientationTests {
    @Test("a single electrode breaks the square's symmetry: orientation found without ambiguity", arguments: [0.0, 90.0, 180.0, 270.0])
    func singleElectrode(turnDegrees: Double) throws {
        // A bright 40 µm square with one bright tab (the electrode "T") on its right side, dark
        // background, seen turned by `turnDegrees` + 10°.
        let side = 40.0
        var points: [ShapePoint] = []
        for (k, p) in [Point2(0, 0), Point2(side, 0), Point2(side, side), Point2(0, side)].enumerated() {
            points.append(ShapePoint(name: "C\(k + 1)", position: p, kind: "corner"))
        }
        let tab = [Point2(side, 15), Point2(side + 20, 15), Point2(side + 20, 25), Point2(side, 25)]
        let model = try AnchorModel(name: "tab", unit: .micrometre, geometry: .shape(ShapeModel(points: points)),
                                    regions: [NamedRegion(name: "T", polygon: tab)])
        let theta = (turnDegrees + 10) * .pi / 180
        let h = Homography.translation(160, 120) * Homography.rotation(theta) * Homography.scaling(2.5, 2.5)
            * Homography.translation(-side / 2, -side / 2)
        let inv = try h.inverse()
        let w = 320, ht = 240
        var px = [Float](repeating: 0, count: w * ht)
        let tabRegion = NamedRegion(name: "T", polygon: tab)
        for y in 0..<ht {
            for x in 0..<w {
                let m = inv.apply(Point2(Double(x), Double(y)))
                let inSquare = m.x >= 0 && m.x < side && m.y >= 0 && m.y < side
                px[y * w + x] = inSquare ? 200 : (tabRegion.contains(m) ? 180 : 40)
            }
        }
        let img = try Image(width: w, height: ht, pixels: px).gaussianBlurred(sigma: 0.8)
        let reg = try DeviceRegistration.register(img, to: model)
        #expect(reg.ambiguity == nil)
        #expect(abs(remainder(reg.rotationDegrees - (turnDegrees + 10), 360)) < 1)
    }
}
