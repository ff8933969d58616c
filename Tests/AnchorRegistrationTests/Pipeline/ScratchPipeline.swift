import Testing
import Foundation
import AnchorGeometry
import AnchorImaging
import AnchorModels
@testable import AnchorRegistration

@Suite struct ScratchPipeline {
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func synthetic(seed: UInt64) throws {
        let gen = Si7x7SceneGenerator()
        var p = Si7x7SceneParameters.random(seed: seed)
        p.size = min(p.size, 384)
        let scene = try gen.generate(p)
        do {
            let t0 = Date()
            let a = try FrameAnalysis.analyse(scene.image, model: gen.model)
            let ev = SceneEvaluation.evaluate(a, scene: scene, milliseconds: Date().timeIntervalSince(t0) * 1000)
            print("EVAL", seed, p.size, p.fieldOfView, p.calibrated, "recall", ev.adatomRecall, "pred", Double(ev.predictedHits)/Double(ev.adatoms), ev.adatoms, "def tp/fp/fn", ev.truePositives, ev.falsePositives, ev.falseNegatives, "faulted", ev.faultedCorrect as Any, "ch", ev.cornerHoleMedian, ev.cornerHoleP95, "anchors", a.registration.metrics.anchors, a.registration.metrics.inliers)
        } catch {
            print("EVAL", seed, "FAILED", error)
        }
    }
}
