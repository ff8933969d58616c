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
}

@Suite("Device registration")
struct DeviceRegistrationTests {
    @Test("square corners within 0.1 % of the side, sub-pixel, on both photographs")
    func corners() throws {
        let p = DeviceFixtures.pair
        for (k, img) in [p.before, p.after].enumerated() {
            let reg = try DeviceRegistration.register(img.luminance(), to: p.truth.model)
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
        let reg = try DeviceRegistration.register(p.before.luminance(), to: p.truth.model)
        let ambiguity = try #require(reg.ambiguity)
        #expect(ambiguity.contains("4 orientations"))
        let h = p.truth.homographies[0]
        let c = h.apply(Point2(20, 20)), e = h.apply(Point2(21, 20))
        let trueRotation = atan2(e.y - c.y, e.x - c.x) * 180 / .pi
        #expect(abs(reg.rotationDegrees - trueRotation) < 1)
    }

    @Test("electrodes touching the square and dark patches at its edge do not become corners")
    func extractionFindsOnlyTheSquare() throws {
        let ex = try RectangleExtractor().extract(DeviceFixtures.pair.before.luminance())
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
