import AnchorGeometry
import AnchorModels
import Testing
@testable import AnchorRegistration

/// The ground-truth scoring the benchmarks report (`anchorreg-bench si7x7`), checked on inputs
/// whose answer is known.
@Suite struct StudyScoringTests {
    @Test("a pair scored with its exact image map is right; a map one cell off is wrong")
    func pairScoring() throws {
        let generator = Si7x7SceneGenerator()
        let p = Si7x7SceneParameters(seed: 21, size: 160, fieldOfView: 14, rotationDegrees: 10,
                                     drift: Point2(0.2, 0.1), defectFraction: 0.05)
        let pair = try generator.generatePair(p)
        let exact = try #require(pair.imageToImage)
        let a = try #require(generator.model.lattice).a1.length
        let good = FramePairEvaluation(imageTransform: exact, pair: pair, latticeConstant: a)
        #expect(good.right)
        #expect(good.holesWrong == 0)
        #expect(good.holesRight > 10)
        // Shift the map by one lattice constant in pixels of the second frame: every hole lands
        // on a neighbour cell, so none is right.
        let shiftPx = a / pair.second.truth.pixelSizeTrueAtCentre
        let off = Homography.translation(shiftPx, 0) * exact
        let bad = FramePairEvaluation(imageTransform: off, pair: pair, latticeConstant: a)
        #expect(!bad.right)
        #expect(bad.holesRight == 0)
        #expect(bad.holesWrong == good.holesRight)
    }

    @Test("pooled figures: counts add up over registered frames only; failed frames listed")
    func summaryArithmetic() {
        var a = SceneEvaluation(seed: 1, registered: true, error: nil)
        a.adatoms = 100; a.adatomHits = 90; a.truePositives = 3; a.falsePositives = 1; a.falseNegatives = 0
        a.faultedCorrect = true
        var b = SceneEvaluation(seed: 2, registered: true, error: nil)
        b.adatoms = 50; b.adatomHits = 50; b.truePositives = 1; b.falsePositives = 0; b.falseNegatives = 1
        b.faultedCorrect = false
        var c = SceneEvaluation(seed: 3, registered: false, error: "too few points")
        c.adatoms = 1000  // not registered: must not count
        let s = Si7x7StudySummary([a, b, c])
        #expect(s.frames == 3 && s.registered == 2)
        #expect(s.adatoms == 150 && s.adatomHits == 140)
        #expect(s.defectPrecision == 4.0 / 5.0)
        #expect(s.defectRecall == 4.0 / 5.0)
        #expect(s.faultedDecided == 2 && s.faultedRight == 1)
        let text = Si7x7StudySummary.report([a, b, c])
        #expect(text.contains("frames 3, registered 2 (66.7 %)"))
        #expect(text.contains("seed 3 failed: too few points"))
        #expect(Si7x7StudySummary.percentile([3, .nan, 1, 2], 1) == 3)
        #expect(Si7x7StudySummary.percentile([3, 1, 2], 0.5) == 2)
        #expect(Si7x7StudySummary.percentile([.nan], 0.5).isNaN)
    }
}
