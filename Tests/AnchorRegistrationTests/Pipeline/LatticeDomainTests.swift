import Testing
import Foundation
import AnchorGeometry
import AnchorImaging
import AnchorModels
@testable import AnchorRegistration

/// The tolerant registration finds a second lattice domain: a synthetic frame whose upper part
/// shows the same surface with the lattice shifted by a known fraction of a cell (as across a
/// step of Si(111)-7×7).
@Suite struct LatticeDomainTests {
    let generator = Si7x7SceneGenerator()

    func splicedFrame(shiftCells: Point2, splitRow: Int) throws -> (Image, Point2) {
        let lattice = generator.model.lattice!
        let delta = lattice.a1 * shiftCells.x + lattice.a2 * shiftCells.y
        var p = Si7x7SceneParameters(seed: 31, size: 320, fieldOfView: 22, rotationDegrees: 17,
                                     drift: Point2(0.2, -0.1), defectFraction: 0.02, noise: 0.12)
        p.creepAmplitude = 0
        p.perspective = .zero
        p.centre = Point2(40, 30)
        let a = try generator.generate(p)
        p.centre = Point2(40, 30) + delta
        let b = try generator.generate(p)
        var image = a.image
        for y in 0..<splitRow {
            for x in 0..<image.width { image.pixels[y * image.width + x] = b.image.pixels[y * image.width + x] }
        }
        return (image, delta)
    }

    @Test func shiftedUpperPartIsASecondDomain() throws {
        let (image, delta) = try splicedFrame(shiftCells: Point2(0.35, 0.2), splitRow: 130)
        let r = try LatticeRegistrar.registerTolerant(image, to: generator.model)
        #expect(r.domains.count == 2, "domains \(r.domains)")
        guard r.domains.count >= 2 else { return }
        let lattice = generator.model.lattice!
        // Domain 1's anchors sit at H(P_m + shift): the upper part shows model point m where
        // the lower part shows m − δ, so shift ≡ −δ modulo the lattice.
        let error = LatticeDomainSearch.minimumImageShift(r.domains[1].shift + delta, m1: lattice.a1, m2: lattice.a2)
        #expect(error < 0.03 * lattice.a1.length, "shift \(r.domains[1].shift) vs −δ = \(delta * -1): off by \(error) nm")
        // Most of the upper part's anchors belong to domain 1, almost none of the lower's.
        let upper = r.anchors.filter { $0.inlier && $0.image.y < 120 }
        let lower = r.anchors.filter { $0.inlier && $0.image.y > 140 }
        #expect(Double(upper.filter { $0.domain == 1 }.count) >= 0.8 * Double(upper.count))
        #expect(Double(lower.filter { $0.domain == 1 }.count) <= 0.05 * Double(lower.count))
    }

    @Test func singleDomainFrameHasNoSecond() throws {
        let (image, _) = try splicedFrame(shiftCells: .zero, splitRow: 0)
        let r = try LatticeRegistrar.registerTolerant(image, to: generator.model)
        #expect(r.domains.count <= 1, "domains \(r.domains)")
    }
}
