import Testing
import Foundation
import AnchorGeometry
import AnchorImaging
import AnchorModels
@testable import AnchorRegistration

/// The tolerant path against ground truth: a noisy synthetic frame with strong creep, small
/// cells and a step-like terrace offset; every fitted anchor must sit on a true corner hole.
@Suite struct TolerantRegistrationTests {
    let generator = Si7x7SceneGenerator()

    @Test func noisyCreepingFrameAnchorsSitOnTheTrueCornerHoles() throws {
        var p = Si7x7SceneParameters(seed: 44, size: 320, fieldOfView: 48, rotationDegrees: 31,
                                     drift: Point2(0.6, -0.4), defectFraction: 0.03, noise: 0.5)
        p.creepAmplitude = 0.6
        let scene = try generator.generate(p)
        // A terrace: the lower 40 % of the frame raised by many times the corrugation.
        var image = scene.image
        let lo = image.pixels.min()!, hi = image.pixels.max()!
        for y in 190..<image.height {
            for x in 0..<image.width { image.pixels[y * image.width + x] += 6 * (hi - lo) }
        }
        let r = try LatticeRegistrar.registerTolerant(image, to: generator.model)
        let holes = scene.truth.cornerHoles.map(\.image)
        let tree = KDTree(holes)
        let spacing = generator.model.lattice!.a1.length / ((r.pixelSize[0] + r.pixelSize[1]) / 2)
        var errors: [Double] = []
        for a in r.anchors where a.inlier {
            guard let hit = tree.nearest(to: a.image) else { continue }
            errors.append(hit.distance)
        }
        errors.sort()
        #expect(errors.count >= 200)
        #expect(errors[errors.count / 2] < 0.03 * spacing, "median \(errors[errors.count / 2]) px of \(spacing) px")
        #expect(errors.last! < 0.12 * spacing, "worst \(errors.last!) px: an anchor on the wrong feature")
        // The raised part is a terrace of its own, in registry with the main one: at most a
        // second domain with (almost) no shift.
        #expect(r.domains.count <= 2, "domains \(r.domains)")
        if r.domains.count == 2 {
            let lattice = generator.model.lattice!
            let shift = LatticeDomainSearch.minimumImageShift(r.domains[1].shift, m1: lattice.a1, m2: lattice.a2)
            // Measured through the scan-line field, which the raised terrace's rows take from
            // the main terrace's: 0.05 a here (0.9 px).
            #expect(shift < 0.08 * lattice.a1.length, "terrace shift \(r.domains[1].shift) nm")
        }
    }
}
