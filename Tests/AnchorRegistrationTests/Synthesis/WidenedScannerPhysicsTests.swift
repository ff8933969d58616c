import Testing
import AnchorGeometry
import AnchorImaging
@testable import AnchorRegistration

/// The widened scanner physics of issue 10 (slow- and fast-axis creep, bow, piezo
/// non-linearity, scan-line jitter): the truth is where the rendered image shows the features,
/// and where the homography of the rest of the map does not.
@Suite struct WidenedScannerPhysicsTests {
    let generator = Si7x7SceneGenerator()

    enum Effect: String, CaseIterable, CustomTestStringConvertible {
        case slowCreep, fastCreep, bow, nonlinearity, jitter, all
        var testDescription: String { rawValue }

        func apply(_ p: inout Si7x7SceneParameters) {
            if self == .slowCreep || self == .all {
                p.creepAmplitude = 0.6
                p.creepAmplitudeY = 0.25
                p.creepTau = 0.15
            }
            if self == .fastCreep || self == .all {
                p.fastCreepAmplitude = 0.15
                p.fastCreepTau = 0.06
            }
            if self == .bow || self == .all { p.bow = 0.8 }
            if self == .nonlinearity || self == .all {
                p.nonlinearityX = Point2(0.02, -0.015)
                p.nonlinearityY = Point2(-0.02, 0.012)
            }
            if self == .jitter || self == .all { p.lineJitter = 0.6 }
        }
    }

    /// Sub-pixel minimum of the image near `q` (descend, then one parabola per axis), nil near
    /// the border.
    func minimum(_ img: Image, near q: Point2) -> Point2? {
        var x = Int(q.x.rounded()), y = Int(q.y.rounded())
        for _ in 0..<10 {
            guard x >= 3, y >= 3, x < img.width - 3, y < img.height - 3 else { return nil }
            var best = (x, y)
            for dy in -1...1 {
                for dx in -1...1 where img[x + dx, y + dy] < img[best.0, best.1] { best = (x + dx, y + dy) }
            }
            if best == (x, y) { break }
            (x, y) = best
        }
        guard x >= 3, y >= 3, x < img.width - 3, y < img.height - 3 else { return nil }
        let c = Double(img[x, y])
        let ox = parabolaVertexOffset(Double(img[x - 1, y]), c, Double(img[x + 1, y]))
        let oy = parabolaVertexOffset(Double(img[x, y - 1]), c, Double(img[x, y + 1]))
        return Point2(Double(x) + ox, Double(y) + oy)
    }

    @Test(arguments: Effect.allCases)
    func renderedCornerHolesAreAtTheTruth(effect: Effect) throws {
        var p = Si7x7SceneParameters.ideal(seed: 12, size: 288, fieldOfView: 13, rotationDegrees: 23)
        p.drift = Point2(0.3, -0.2)
        effect.apply(&p)
        let scene = try generator.generate(p)
        let d = scene.distortion
        #expect(!d.isHomography)
        #expect(scene.truth.homography == nil)
        // Exact truth: the per-pixel map sends every truth point onto its model point.
        for q in scene.truth.cornerHoles + scene.truth.adatoms {
            #expect(d.modelPoint(x: q.image.x, y: q.image.y).distance(to: q.model) < 1e-8)
        }
        // The rendered corner holes sit at the truth; the homography of the rest is off.
        // Jitter moves each row on its own: there the minimum along the hole's nearest row
        // must sit at the truth's x moved by that row's jitter relative to the truth's row.
        let jitter = !d.lineJitter.isEmpty
        var errors: [Double] = []
        var linearOff = 0.0
        let img = scene.image
        for h in scene.truth.cornerHoles {
            guard let m = minimum(img, near: h.image) else { continue }
            linearOff = max(linearOff, scene.truth.homographyWithoutCreep.apply(h.model).distance(to: h.image))
            if jitter {
                let r = Int(h.image.y.rounded())
                var x = Int(h.image.x.rounded())
                guard r >= 0, r < img.height, x >= 3, x < img.width - 3 else { continue }
                for _ in 0..<6 {
                    if img[x - 1, r] < img[x, r], x > 3 { x -= 1 } else if img[x + 1, r] < img[x, r], x < img.width - 4 { x += 1 } else { break }
                }
                let xr = Double(x) + parabolaVertexOffset(Double(img[x - 1, r]), Double(img[x, r]), Double(img[x + 1, r]))
                let expected = h.image.x + d.jitter(atRow: h.image.y) - d.jitter(atRow: Double(r))
                errors.append(abs(xr - expected))
            } else {
                errors.append(m.distance(to: h.image))
            }
        }
        #expect(errors.count >= 20)
        errors.sort()
        #expect(errors[errors.count / 2] < 0.1, "median \(errors[errors.count / 2]) px")
        #expect(errors.last! < 0.25, "worst \(errors.last!) px")
        #expect(linearOff > (effect == .jitter ? 0.5 : 1), "the effect moves the holes by only \(linearOff) px from the homography")
    }

    /// The widened distribution: valid, invertible, truth consistent, a quarter of the frames
    /// a homography, the others with at least one effect; the classic one is unchanged.
    @Test func widenedRandomFramesRenderWithConsistentTruth() throws {
        var homographies = 0
        for seed in UInt64(0)..<24 {
            var p = Si7x7SceneParameters.random(seed: seed, physics: .widened)
            #expect(Si7x7SceneParameters.random(seed: seed, physics: .classic) == Si7x7SceneParameters.random(seed: seed))
            #expect(abs(p.creepAmplitude) <= 0.08 * p.fieldOfView && abs(p.fastCreepAmplitude) <= 0.015 * p.fieldOfView)
            #expect(abs(p.bow) <= 1 && p.drift.length <= 0.1 * p.fieldOfView)
            #expect(max(abs(p.nonlinearityX.x), abs(p.nonlinearityX.y), abs(p.nonlinearityY.x), abs(p.nonlinearityY.y)) <= 0.02)
            let scene0 = try generator.distortion(for: p)
            if scene0.isHomography { homographies += 1 }
            // Shrink to 64 px keeping every effect's size relative to the field.
            let scale = Double(p.size) / 64
            p.size = 64
            p.fieldOfView /= scale
            p.drift = p.drift / scale
            p.creepAmplitude /= scale
            p.creepAmplitudeY /= scale
            p.fastCreepAmplitude /= scale
            p.bow /= scale
            let scene = try generator.generate(p)
            for q in scene.truth.cornerHoles + scene.truth.adatoms.prefix(30) {
                #expect(scene.distortion.modelPoint(x: q.image.x, y: q.image.y).distance(to: q.model) < 1e-8)
            }
        }
        #expect(homographies >= 2 && homographies <= 12)
    }

    @Test func foldingParametersAreRefused() {
        var p = Si7x7SceneParameters.ideal(seed: 1)
        p.fastCreepAmplitude = 0.5
        p.fastCreepTau = 0.03
        #expect(throws: SynthesisError.self) { try generator.generate(p) }
        p = Si7x7SceneParameters.ideal(seed: 1)
        p.nonlinearityX = Point2(0.3, 0)
        #expect(throws: SynthesisError.self) { try generator.generate(p) }
    }
}
