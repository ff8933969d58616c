import Testing
import AnchorGeometry
import AnchorImaging
import AnchorModels
@testable import AnchorRegistration

@Suite struct OMPairGeneratorTests {
    static let small = OMPairParameters(seed: 5, width: 240, height: 180, darkFractionBefore: 0.3,
                                        darkFractionChange: -0.05, noise: 0, truthGridSize: 96)

    @Test func truthFractionsAndDeterminism() throws {
        let a = try OMPairGenerator().generate(Self.small)
        let b = try OMPairGenerator().generate(Self.small)
        #expect(a.before == b.before && a.after == b.after)
        let t = a.truth
        let cell = 1.0 / Double(96 * 96)
        #expect(abs(t.darkFractionBefore - 0.3) <= cell)
        #expect(abs(t.darkFractionAfter - 0.25) <= cell)
        #expect(abs(t.darkFractionChangePoints - (-5)) <= 200 * cell)
        #expect(t.integratedDarknessAfter < t.integratedDarknessBefore)
        #expect(t.homographies.count == 2 && t.homographies[0] != t.homographies[1])
        #expect(t.model.regions.map(\.name) == ["active", "T1", "T2", "T3", "T4"])
        // The darkness maps agree with the fractions and means of the truth.
        let dark = Double(a.darknessBefore.pixels.filter { $0 >= 0.5 }.count) / Double(96 * 96)
        #expect(abs(dark - t.darkFractionBefore) <= cell)
        let mean = a.darknessAfter.pixels.reduce(0.0) { $0 + Double($1) } / Double(96 * 96)
        #expect(abs(mean - t.integratedDarknessAfter) < 1e-5)
        #expect(a.darknessBefore.unit == .micrometre)
    }

    /// The photographs show what the truth says: the pixel at the image of the square's
    /// centre region is the layer (light or dark), points of the electrodes are metal, and
    /// points far outside are substrate.
    @Test func renderingFollowsTheHomographies() throws {
        var p = Self.small
        p.illuminationGradient = 0
        p.blurSigma = 0
        let pair = try OMPairGenerator().generate(p)
        for (img, h) in [(pair.before, pair.truth.homographies[0]), (pair.after, pair.truth.homographies[1])] {
            func rgb(_ m: Point2) -> (Int, Int, Int) {
                let q = h.apply(m)
                let x = Int(q.x.rounded()), y = Int(q.y.rounded())
                let k = (y * img.width + x) * 3
                return (Int(img.samples[k]), Int(img.samples[k + 1]), Int(img.samples[k + 2]))
            }
            let metal = rgb(Point2(20, -12))       // inside T1
            let substrate = rgb(Point2(-12, -12))  // outside every region
            #expect(metal.0 > 150 && metal.2 < 140, "metal \(metal)")
            #expect(substrate.2 > substrate.0, "substrate \(substrate)")
            // Anchor images are the homography applied to the model's anchors.
            let anchors = pair.truth.model.anchorPoints.map { h.apply($0.position) }
            #expect(anchors.allSatisfy { $0.x > 0 && $0.y > 0 && $0.x < Double(img.width) && $0.y < Double(img.height) })
        }
    }

    @Test func invalidParameters() {
        var p = Self.small
        p.darkFractionChange = 0.9
        #expect(throws: SynthesisError.self) { try OMPairGenerator().generate(p) }
        p = Self.small
        p.width = 10
        #expect(throws: SynthesisError.self) { try OMPairGenerator().generate(p) }
    }
}
