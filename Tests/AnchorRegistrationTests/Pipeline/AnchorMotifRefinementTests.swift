import Testing
import Foundation
import AnchorGeometry
import AnchorImaging
import AnchorModels
@testable import AnchorRegistration

/// Motif refinement of anchor positions against known positions.
@Suite struct AnchorMotifRefinementTests {
    /// A square lattice of dark dips, each with an asymmetric bright ring so that the motif is
    /// more than a round blob, at known sub-pixel positions, with Gaussian noise.
    func lattice(noise: Double, seed: UInt64) throws -> (Image, [Point2]) {
        let side = 160, spacing = 20.0
        var truth: [Point2] = []
        for j in 0..<7 { for i in 0..<7 { truth.append(Point2(20.3 + spacing * Double(i) + 0.17 * Double(j), 19.6 + spacing * Double(j))) } }
        var image = try Image(width: side, height: side)
        var g = SeededGenerator(seed: seed, stream: 7)
        for y in 0..<side {
            for x in 0..<side {
                var v = 0.0
                for t in truth {
                    let dx = Double(x) - t.x, dy = Double(y) - t.y
                    let r2 = dx * dx + dy * dy
                    guard r2 < 144 else { continue }
                    v -= exp(-r2 / (2 * 2.0 * 2.0))
                    let bx = dx - 4, by = dy + 2
                    v += 0.6 * exp(-(bx * bx + by * by) / (2 * 1.5 * 1.5))
                }
                image.pixels[y * side + x] = Float(v + noise * g.normal())
            }
        }
        return (image, truth)
    }

    @Test func noisyStartsConvergeOnTheTruePositions() throws {
        let (image, truth) = try lattice(noise: 0.15, seed: 3)
        var g = SeededGenerator(seed: 9)
        let starts = truth.map { $0 + Point2(g.uniform(-0.6, 0.6), g.uniform(-0.6, 0.6)) }
        let smoothed = try image.gaussianBlurred(sigma: 1)
        let refined = AnchorMotifRefinement.refine(in: smoothed, positions: starts, templateMask: starts.map { _ in true },
                                                   radius: 8, maxShift: 2)
        // The template is centred on its own extremum, so positions agree with the truth up to
        // one common offset; the scatter around it is what the refinement promises to shrink.
        var errors: [Point2] = []
        for (k, p) in refined.enumerated() { if let p { errors.append(p - truth[k]) } }
        #expect(errors.count >= 40, "refined \(errors.count) of \(truth.count)")
        let mean = errors.reduce(Point2(0, 0), +) * (1 / Double(errors.count))
        let scatter = (errors.map { ($0 - mean).lengthSquared }.reduce(0, +) / Double(errors.count)).squareRoot()
        // Against the extremum of the same smoothed image (the anchors the pipeline had).
        var peakErrors: [Point2] = []
        for (k, start) in starts.enumerated() {
            if let peak = LocalPeakSearch.refine(in: smoothed, near: start, radius: 3, dark: true) { peakErrors.append(peak.position - truth[k]) }
        }
        let peakMean = peakErrors.reduce(Point2(0, 0), +) * (1 / Double(peakErrors.count))
        let peakScatter = (peakErrors.map { ($0 - peakMean).lengthSquared }.reduce(0, +) / Double(peakErrors.count)).squareRoot()
        // Near the Cramér–Rao bound for this noise (≈ 0.17 px in 2-D for the dip alone).
        #expect(scatter < 0.2, "scatter \(scatter) px")
        #expect(scatter < 0.75 * peakScatter, "motif \(scatter) px, extremum \(peakScatter) px")
        // The common offset is the motif's extremum against the dip centre: small.
        #expect(mean.length < 0.3, "offset \(mean)")
    }

    @Test func anAnchorWithoutTheMotifKeepsItsPosition() throws {
        var (image, truth) = try lattice(noise: 0.05, seed: 4)
        // Fill one anchor's neighbourhood with flat background: nothing to match.
        let gone = truth[24]
        for y in Int(gone.y) - 9...Int(gone.y) + 9 { for x in Int(gone.x) - 9...Int(gone.x) + 9 { image.pixels[y * image.width + x] = 0 } }
        let smoothed = try image.gaussianBlurred(sigma: 1)
        let refined = AnchorMotifRefinement.refine(in: smoothed, positions: truth, templateMask: truth.map { _ in true },
                                                   radius: 8, maxShift: 2)
        #expect(refined[24] == nil)
        #expect(refined.compactMap { $0 }.count >= 40)
    }

    @Test func degenerateInputRefinesNothing() throws {
        let image = try Image(width: 64, height: 64)
        let p = [Point2(20, 20), Point2(40, 20), Point2(20, 40), Point2(40, 40)]
        // A flat image has no gradient: no template to match, nothing moves.
        #expect(AnchorMotifRefinement.refine(in: image, positions: p, templateMask: [true, true, true, true], radius: 6, maxShift: 2)
            .allSatisfy { $0 == nil })
        // Too small a radius.
        #expect(AnchorMotifRefinement.refine(in: image, positions: p, templateMask: [true, true, true, true], radius: 1, maxShift: 2)
            .allSatisfy { $0 == nil })
    }

    /// On a noisy synthetic Si(111)-7×7 frame the motif halves the corner-hole scatter that
    /// the paper's Fig. 7c measures.
    @Test func refinementTightensTheCornerHoleDistances() throws {
        let generator = Si7x7SceneGenerator()
        var p = Si7x7SceneParameters(seed: 45, size: 256, fieldOfView: 30, rotationDegrees: 54,
                                     drift: Point2(0.3, -0.2), defectFraction: 0.01, noise: 0.25)
        p.creepAmplitude = 0
        let s = try generator.generate(p)
        let refined = try LatticeRegistrar.register(s.image, to: generator.model)
        let plain = try LatticeRegistrar.register(s.image, to: generator.model, options: RegistrationOptions(refineAnchors: false))
        let after = refined.metrics.neighbourSpreadAfter
        let before = plain.metrics.neighbourSpreadAfter
        #expect(after < 0.01, "spread after \(after)")
        #expect(after < 0.9 * before, "refined \(after), extremum anchors \(before)")
        #expect(refined.metrics.inliers >= plain.metrics.inliers)
    }
}
