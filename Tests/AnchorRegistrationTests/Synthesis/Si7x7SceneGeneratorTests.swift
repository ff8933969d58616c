import Testing
import AnchorGeometry
import AnchorImaging
import AnchorModels
@testable import AnchorRegistration

@Suite struct Si7x7SceneGeneratorTests {
    let generator = Si7x7SceneGenerator()

    @Test func deterministicForASeed() throws {
        var p = Si7x7SceneParameters(seed: 7, size: 128, fieldOfView: 10, rotationDegrees: 33,
                                     drift: Point2(0.3, -0.2), creepAmplitude: 0.4, creepTau: 0.1)
        let a = try generator.generate(p)
        let b = try generator.generate(p)
        #expect(a.image.pixels == b.image.pixels)
        #expect(a.truth.adatoms == b.truth.adatoms)
        #expect(a.truth.cornerHoles == b.truth.cornerHoles)
        p.seed = 8
        let c = try generator.generate(p)
        #expect(c.image.pixels != a.image.pixels)
    }

    @Test func truthUnderZeroDistortionIsTheSimilarity() throws {
        let p = Si7x7SceneParameters.ideal(seed: 3, size: 200, fieldOfView: 12, rotationDegrees: 17)
        let scene = try generator.generate(p)
        let t = scene.truth
        let px = p.fieldOfView / Double(p.size)
        let centre = try #require(t.parameters.centre)
        let c = Double(p.size - 1) / 2
        let similarity = Homography.translation(c, c) * Homography.scaling(1 / px, 1 / px)
            * Homography.rotation(17 * .pi / 180) * Homography.translation(-centre.x, -centre.y)
        #expect(!t.cornerHoles.isEmpty && !t.adatoms.isEmpty)
        for q in t.cornerHoles + t.adatoms {
            #expect(similarity.apply(q.model).distance(to: q.image) < 1e-9)
        }
        let h = try #require(t.homography)
        #expect(h.maxDifference(to: similarity) < 1e-9)
        #expect(abs(t.pixelSizeTrueAtCentre - px) < 1e-12)
        #expect(scene.image.pixelSize == PixelSize(x: px, y: px))
        // Every model point inside the image is listed: 12 adatoms per corner hole, roughly.
        let ratio = Double(t.adatoms.count) / Double(t.cornerHoles.count)
        #expect(ratio > 10 && ratio < 14)
    }

    /// The rendered image has its extrema where the truth says: descending from the pixel
    /// nearest a true corner hole ends within 1 px of it (a local minimum), climbing from an
    /// adatom ends within 1.5 px (neighbouring features tilt the sum of Gaussians a little).
    @Test(arguments: [false, true])
    func extremaAtTruePositions(distorted: Bool) throws {
        var p = Si7x7SceneParameters.ideal(seed: 11, size: 192, fieldOfView: 9, rotationDegrees: 71)
        if distorted {
            p.drift = Point2(0.35, 0.25)
            p.creepAmplitude = 0.3
            p.creepTau = 0.15
            p.perspective = Point2(0.005, -0.005)
        }
        let scene = try generator.generate(p)
        let img = scene.image
        func climb(from q: Point2, sign: Float) -> Point2? {
            var x = Int(q.x.rounded()), y = Int(q.y.rounded())
            guard x >= 4, y >= 4, x < img.width - 4, y < img.height - 4 else { return nil }
            for _ in 0..<10 {
                var best = (x, y)
                for dy in -1...1 {
                    for dx in -1...1 where sign * img[x + dx, y + dy] > sign * img[best.0, best.1] {
                        best = (x + dx, y + dy)
                    }
                }
                if best == (x, y) { break }
                (x, y) = best
            }
            return Point2(Double(x), Double(y))
        }
        var holesChecked = 0
        for q in scene.truth.cornerHoles {
            guard let m = climb(from: q.image, sign: -1) else { continue }
            #expect(m.distance(to: q.image) <= 1.0, "corner hole at \(q.image): minimum at \(m)")
            holesChecked += 1
        }
        #expect(holesChecked >= 5)
        var adatomsChecked = 0
        for q in scene.truth.adatoms {
            guard let m = climb(from: q.image, sign: 1) else { continue }
            #expect(m.distance(to: q.image) <= 1.5, "adatom \(q.site) of cell \(q.cell): maximum at \(m), truth \(q.image)")
            adatomsChecked += 1
        }
        #expect(adatomsChecked >= 60)
    }

    /// Filled-state contrast: at the true positions, corner adatoms are brighter than centre
    /// adatoms and the faulted half brighter than the unfaulted one; a second frame with the
    /// centre/corner ratio above 1 reverses the first order.
    @Test func contrastFollowsTheTipParameters() throws {
        let p = Si7x7SceneParameters.ideal(seed: 8, size: 200, fieldOfView: 14, rotationDegrees: 5)
        func medians(_ scene: SyntheticSTMScene, _ select: (SyntheticTruthPoint) -> Bool) -> Float {
            let v = scene.truth.adatoms.filter(select).map { q in
                scene.image[Int(q.image.x.rounded()), Int(q.image.y.rounded())]
            }.sorted()
            return v[v.count / 2]
        }
        let scene = try generator.generate(p)
        #expect(medians(scene) { $0.kind == "corner-adatom" } > medians(scene) { $0.kind == "centre-adatom" })
        #expect(medians(scene) { $0.faulted == true } > medians(scene) { $0.faulted == false })
        var q = p
        q.contrast.centreToCorner = 1.3
        let swapped = try generator.generate(q)
        #expect(medians(swapped) { $0.kind == "corner-adatom" } < medians(swapped) { $0.kind == "centre-adatom" })
    }

    @Test func newtonInversionMatchesForwardMap() throws {
        let p = Si7x7SceneParameters(seed: 5, size: 256, fieldOfView: 20, rotationDegrees: 200,
                                     drift: Point2(-0.8, 0.5), creepAmplitude: -0.6, creepTau: 0.05,
                                     perspective: Point2(0.01, 0.008))
        let scene = try generator.generate(p)
        #expect(scene.truth.homography == nil)
        for q in scene.truth.adatoms.prefix(200) {
            let back = scene.distortion.modelPoint(x: q.image.x, y: q.image.y)
            #expect(back.distance(to: q.model) < 1e-9)
        }
        // Creep bends the rows: the creep-free homography is off near the top of the frame.
        let top = scene.truth.cornerHoles.min { $0.image.y < $1.image.y }!
        let linear = scene.truth.homographyWithoutCreep.apply(top.model)
        #expect(linear.distance(to: top.image) > 1)
    }

    @Test func defectFractionHonoured() throws {
        let p = Si7x7SceneParameters(seed: 99, size: 160, fieldOfView: 40, defectFraction: 0.05,
                                     noise: 0, pinkNoise: 0, lineOffset: 0)
        let t = try generator.generate(p).truth
        let n = Double(t.adatomCount)
        #expect(n > 2500)
        let expected = 0.05 * n
        let sd = (n * 0.05 * 0.95).squareRoot()
        #expect(abs(Double(t.defectCount) - expected) < 4 * sd)
        #expect(t.defectCount == t.adatoms.filter { !$0.present }.count)
        let none = try generator.generate(Si7x7SceneParameters(seed: 99, size: 64, fieldOfView: 10, defectFraction: 0)).truth
        #expect(none.defectCount == 0)
    }

    @Test func pairSharesTheSurface() throws {
        let p = Si7x7SceneParameters(seed: 21, size: 160, fieldOfView: 14, rotationDegrees: 10,
                                     drift: Point2(0.2, 0.1), defectFraction: 0.05)
        let pair = try generator.generatePair(p)
        let a = pair.first.truth, b = pair.second.truth
        #expect(a.faultedHalf == b.faultedHalf)
        #expect(b.parameters.contrast != a.parameters.contrast)
        #expect(pair.cellOffset == b.centreCell - a.centreCell)
        let first = Dictionary(uniqueKeysWithValues: a.adatoms.map { ("\($0.cell)\($0.site)", $0) })
        var common = 0
        for q in b.adatoms {
            guard let r = first["\(q.cell)\(q.site)"] else { continue }
            common += 1
            #expect(r.present == q.present)
            #expect(r.model == q.model)
            let mapped = try #require(pair.imageToImage).apply(r.image)
            #expect(mapped.distance(to: q.image) < 1e-6)
        }
        #expect(common > 100)
        #expect(pair.first.image.pixels != pair.second.image.pixels)
    }

    /// The random parameter sets of the acceptance study are always valid and invertible,
    /// and their truth round-trips through the per-pixel map (frames shrunk to 48 px).
    @Test func randomParametersRenderWithConsistentTruth() throws {
        for seed in UInt64(0)..<16 {
            var p = Si7x7SceneParameters.random(seed: seed)
            let scale = Double(p.size) / 48
            p.size = 48
            p.fieldOfView /= scale
            p.drift = p.drift / scale
            p.creepAmplitude /= scale
            let scene = try generator.generate(p)
            #expect(scene.truth.parameters.calibrated == (scene.image.pixelSize != nil))
            for q in scene.truth.cornerHoles + scene.truth.adatoms.prefix(20) {
                #expect(scene.distortion.modelPoint(x: q.image.x, y: q.image.y).distance(to: q.model) < 1e-8)
            }
        }
    }

    @Test func adsorbatesAreOnTheSurfaceAndBright() throws {
        var p = Si7x7SceneParameters.ideal(seed: 31, size: 160, fieldOfView: 20)
        p.adsorbateDensity = 3
        let pair = try generator.generatePair(p)
        let a = pair.first.truth, b = pair.second.truth
        #expect(!a.adsorbates.isEmpty)
        // Same surface: an adsorbate seen by both frames is at the same model point.
        let common = a.adsorbates.filter { x in b.adsorbates.contains { $0.model == x.model } }
        #expect(!common.isEmpty)
        // Each adsorbate raises the image at its centre by at least twice an adatom's height
        // (the same frame without adsorbates is the reference).
        let img = pair.first.image
        var q0 = pair.first.truth.parameters
        q0.adsorbateDensity = 0
        let bare = try generator.generate(q0).image
        let unit = Float(p.contrast.heightScale)
        for x in a.adsorbates {
            let q = x.image
            guard q.x >= 0, q.y >= 0, q.x <= Double(img.width - 1), q.y <= Double(img.height - 1) else { continue }
            let (i, j) = (Int(q.x.rounded()), Int(q.y.rounded()))
            #expect(img[i, j] - bare[i, j] > 2 * unit)
        }
        #expect(a.adatoms.contains { $0.obscured })
        let clean = try generator.generate(Si7x7SceneParameters.ideal(seed: 31, size: 64, fieldOfView: 8))
        #expect(clean.truth.adsorbates.isEmpty && !clean.truth.adatoms.contains { $0.obscured })
    }

    @Test func invalidParametersAreRejected() {
        #expect(throws: SynthesisError.self) { try generator.generate(Si7x7SceneParameters(seed: 1, size: 8)) }
        #expect(throws: SynthesisError.self) { try generator.generate(Si7x7SceneParameters(seed: 1, fieldOfView: -1)) }
        #expect(throws: SynthesisError.self) { try generator.generate(Si7x7SceneParameters(seed: 1, defectFraction: 1.5)) }
        #expect(throws: SynthesisError.self) { try generator.generate(Si7x7SceneParameters(seed: 1, creepTau: 0)) }
        #expect(throws: SynthesisError.self) { try generator.generate(Si7x7SceneParameters(seed: 1, noise: .nan)) }
    }
}
