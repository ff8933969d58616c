import Testing
import Foundation
import AnchorGeometry
import AnchorImaging
import AnchorModels
@testable import AnchorRegistration

@Suite struct ScanDecompositionTests {
    /// Points made by a known decomposition (rotation, upper-triangular U, creep) come back.
    @Test func recoversAKnownDecomposition() throws {
        let truth = ScanDecomposition(rotation: 0.4, scan: [0.04, 0.0015, 0.043], centreModel: Point2(3, -7),
                                      centreSigma: .zero, creepAmplitude: 0.3, creepTau: 0.07, points: 0,
                                      rmsResidual: 0, width: 400, height: 400, slowAxisUp: false)
        var img: [Point2] = [], mod: [Point2] = []
        var g = SeededGenerator(seed: 5)
        for _ in 0..<300 {
            let p = Point2(g.uniform(0, 399), g.uniform(0, 399))
            img.append(p)
            mod.append(truth.modelPoint(ofImage: p) + Point2(g.normal(), g.normal()) * 0.002)
        }
        let d = try ScanDecomposition.fit(image: img, model: mod, width: 400, height: 400)
        #expect(abs(d.rotation - 0.4) < 1e-3)
        #expect(abs(d.scan[0] - 0.04) < 1e-5 && abs(d.scan[1] - 0.0015) < 1e-5 && abs(d.scan[2] - 0.043) < 1e-5)
        #expect((d.centreModel - Point2(3, -7)).length < 0.002)
        #expect(abs(d.creepAmplitude - 0.3) < 0.03)
        #expect(abs((d.creepTau ?? 0) - 0.07) < 0.02)
        // The inverse map is the inverse.
        let m = Point2(3.4, -6.1)
        #expect((d.modelPoint(ofImage: d.imagePoint(ofModel: m)) - m).length < 1e-6)
    }

    /// On a rendered frame with drift, the decomposition of its true corner holes gives the
    /// drift over the frame from U (fast axis untouched, the slow axis stretched and sheared).
    @Test func driftOfARenderedFrameComesOutOfU() throws {
        let p = Si7x7SceneParameters(seed: 3, size: 256, fieldOfView: 14, rotationDegrees: 31, drift: Point2(0.5, -0.8))
        let scene = try Si7x7SceneGenerator().generate(p)
        let pts = scene.truth.cornerHoles + scene.truth.adatoms
        let d = try ScanDecomposition.fit(image: pts.map(\.image), model: pts.map(\.model), width: 256, height: 256)
        let v = try #require(d.inFrameVelocity(frameTime: 1))
        // The lattice moves opposite to the tip: −drift per frame (to the 1/W line-time term).
        #expect(abs(v.x + 0.5) < 0.01 && abs(v.y - 0.8) < 0.01)
        // The line time's x/W term tilts the first column by d_y/(W·H·p) ≈ 2e-4 rad.
        #expect(abs(d.rotation - 31 * .pi / 180) < 4e-4)
        #expect(d.creepTau == nil)
    }

    @Test func refusesTooFewPoints() {
        #expect(throws: RegistrationError.self) {
            try ScanDecomposition.fit(image: [.zero, Point2(1, 0)], model: [.zero, Point2(1, 0)], width: 10, height: 10)
        }
    }

    @Test func driftEstimatorIsExactOnAQuadratic() throws {
        let t = [0.0, 40, 80, 120, 160]
        let p = t.map { Point2(0.01 * $0 - 2e-5 * $0 * $0, -0.003 * $0) }
        let e = try #require(DriftEstimator.estimate(t: t, p: p, sigma: [0.01, 0.01, 0.01, 0.01, 0.01], at: 80, forecastAt: 200))
        #expect(abs(e.velocity.x - (0.01 - 4e-5 * 80)) < 1e-9)
        #expect(abs(e.velocity.y + 0.003) < 1e-9)
        let f = try #require(e.forecastPosition)
        #expect(abs(f.x - (2 - 2e-5 * 40000)) < 1e-8)
        #expect(DriftEstimator.estimate(t: [1], p: [.zero], sigma: [1], at: 1) == nil)
    }
}
