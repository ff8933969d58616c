import Testing
import AnchorGeometry
import AnchorModels
@testable import AnchorRegistration

/// The material-frame scores, on frames the pipeline handles and on a wrong model.
@Suite struct LatticeSceneEvaluationTests {
    @Test func goodFrameScoresHighAndVacanciesAreCounted() throws {
        var p = LatticeSceneParameters.random(seed: 2, material: "mos2", contrast: .haadf)
        p.size = 256
        let scene = try LatticeSceneGenerator().generate(p)
        let analysis = try FrameAnalysis.analyse(scene.image, model: try BuiltinModels.named("mos2"))
        let e = LatticeSceneEvaluation.evaluate(analysis, scene: scene, milliseconds: 0)
        #expect(e.status == "ok")
        #expect(e.scaleError < 0.005, "scale error \(e.scaleError)")
        #expect(e.recall > 0.9, "recall \(e.recall)")
        #expect(e.medianErrorPm < 5, "median \(e.medianErrorPm) pm")
        // Every visible truth vacancy is either found or missed, never dropped.
        #expect(e.vacancyTruePositives + e.vacancyFalseNegatives == e.vacancies)
        #expect(e.vacancies > 0)
    }

    @Test func wrongModelIsNotOkAndScoresLow() throws {
        var p = LatticeSceneParameters.random(seed: 3, material: "graphene", contrast: .haadf)
        p.size = 256
        let scene = try LatticeSceneGenerator().generate(p)
        let analysis = try? FrameAnalysis.analyse(scene.image, model: try BuiltinModels.named("perovskite-001"))
        if let analysis {
            let e = LatticeSceneEvaluation.evaluate(analysis, scene: scene, milliseconds: 0)
            #expect(e.status != "ok")
            #expect(e.scaleError > 0.1, "scale error \(e.scaleError)")
        }
    }
}
