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

@Suite struct OMPairLookTests {
    /// Luminance of the rendering at model point m of frame 0 (no blur, noise or shading).
    static func lum(_ pair: OMPair, _ m: Point2) -> Double {
        let q = pair.truth.homographies[0].apply(m)
        let x = Int(q.x.rounded()), y = Int(q.y.rounded())
        let k = (y * pair.before.width + x) * 3
        let s = pair.before.samples
        return 0.299 * Double(s[k]) + 0.587 * Double(s[k + 1]) + 0.114 * Double(s[k + 2])
    }

    static func plain(_ look: OMPairLook) -> OMPairParameters {
        OMPairParameters(seed: 3, width: 240, height: 180, look: look, illuminationGradient: 0, vignetting: 0,
                         noise: 0, blurSigma: 0, truthGridSize: 64)
    }

    @Test(arguments: OMPairLook.Tone.allCases)
    func filmToneAgainstSubstrateAndMetal(_ tone: OMPairLook.Tone) throws {
        let pair = try OMPairGenerator().generate(Self.plain(OMPairLook(tone: tone)))
        let t = pair.darknessBefore
        // A light film point: the truth grid sample with the least darkness.
        let i = t.pixels.indices.min { t.pixels[$0] < t.pixels[$1] }!
        let film = Self.lum(pair, Point2((Double(i % 64) + 0.5) * 40 / 64, (Double(i / 64) + 0.5) * 40 / 64))
        let metal = Self.lum(pair, Point2(20, -12)), substrate = Self.lum(pair, Point2(-12, -12))
        switch tone {
        case .brightest: #expect(film > metal && film > substrate)
        case .darkest: #expect(film < metal && film < substrate)
        case .between: #expect(film > substrate && film < metal)
        }
    }

    @Test func electrodeEndsGreyAndJPEG() throws {
        var p = Self.plain(OMPairLook(tone: .between, electrodes: .overlap, colour: false))
        p.jpegQuality = 80
        let pair = try OMPairGenerator().generate(p)
        // Grey camera: equal channels before compression; JPEG of grey stays near-grey.
        let s = pair.before.samples
        let spread = stride(from: 0, to: s.count, by: 3).map { max(s[$0], s[$0 + 1], s[$0 + 2]) - min(s[$0], s[$0 + 1], s[$0 + 2]) }
        #expect(Double(spread.map(Int.init).reduce(0, +)) / Double(spread.count) < 3)
        #expect(pair.beforeJPEG != nil && pair.afterJPEG != nil)
        let decoded = try #require(try ImageFile.read(data: pair.beforeJPEG!, fileExtension: "jpg").rgb)
        #expect(decoded == pair.before)
        // Overlap: the model's electrodes reach 2 µm into the square, the film there is hidden
        // (NaN in the truth map), and the picture shows metal there.
        let t1 = try #require(pair.truth.model.region(named: "T1"))
        #expect(t1.contains(Point2(20, 1)))
        #expect(pair.darknessBefore[32, 0].isNaN && !pair.darknessBefore[32, 32].isNaN)
        // Short: a gap of substrate between electrode and square.
        let short = try OMPairGenerator().generate(Self.plain(OMPairLook(tone: .between, electrodes: .short)))
        #expect(abs(Self.lum(short, Point2(20, -1)) - Self.lum(short, Point2(-12, -12))) < 3)
        #expect(Self.lum(short, Point2(20, -4)) > Self.lum(short, Point2(-12, -12)) + 50)
    }
}
