import Testing
import AnchorGeometry
import AnchorImaging
import AnchorModels
@testable import AnchorRegistration

/// The point-defect census against the generator's ground truth: on random synthetic HAADF
/// frames (`LatticeSceneParameters.random`: 1–3 % vacancies and 1–3 % substitutions at 1.6×
/// the site's signal, any rotation, drift, perspective, white noise 0.02–0.15) vacancies and
/// substitutions are found with precision and recall ≥ 0.95 (pooled over the seeds), and
/// a frame without defects gets no call at all.
@Suite struct PointDefectCensusTests {
    @Test(arguments: ["graphene", "mos2", "perovskite-110", "fcc111"])
    func vacanciesAndSubstitutionsMatchTheTruth(material: String) throws {
        var tp = (v: 0, s: 0), fp = (v: 0, s: 0), fn = (v: 0, s: 0)
        for seed in UInt64(1)...3 {
            var p = LatticeSceneParameters.random(seed: seed, material: material, contrast: .haadf)
            p.size = 512
            let scene = try LatticeSceneGenerator().generate(p)
            let analysis = try FrameAnalysis.analyse(scene.image, model: try BuiltinModels.named(material))
            let e = LatticeSceneEvaluation.evaluate(analysis, scene: scene, milliseconds: 0)
            #expect(analysis.pointDefects != nil)
            tp.v += e.censusVacancyTruePositives; fp.v += e.censusVacancyFalsePositives; fn.v += e.censusVacancyFalseNegatives
            tp.s += e.censusSubstitutionTruePositives; fp.s += e.censusSubstitutionFalsePositives; fn.s += e.censusSubstitutionFalseNegatives
        }
        #expect(tp.v + fn.v >= 20 && tp.s + fn.s >= 20, "too few truth defects to measure: \(tp) \(fn)")
        #expect(Double(tp.v) >= 0.95 * Double(tp.v + fp.v), "vacancy precision: tp \(tp.v) fp \(fp.v)")
        #expect(Double(tp.v) >= 0.95 * Double(tp.v + fn.v), "vacancy recall: tp \(tp.v) fn \(fn.v)")
        #expect(Double(tp.s) >= 0.95 * Double(tp.s + fp.s), "substitution precision: tp \(tp.s) fp \(fp.s)")
        #expect(Double(tp.s) >= 0.95 * Double(tp.s + fn.s), "substitution recall: tp \(tp.s) fn \(fn.s)")
    }

    /// No defects in the truth: no column is called one (the −4/+4 SD and 20 % rules hold
    /// noise and edge columns back).
    @Test func aPerfectFrameHasNoDefects() throws {
        var p = LatticeSceneParameters.random(seed: 7, material: "perovskite-001", contrast: .haadf)
        p.vacancyFraction = 0
        p.substitutionFraction = 0
        let scene = try LatticeSceneGenerator().generate(p)
        let analysis = try FrameAnalysis.analyse(scene.image, model: try BuiltinModels.named("perovskite-001"))
        let census = try #require(analysis.pointDefects)
        #expect(census.columns.count > 500)
        #expect(census.vacancies == 0 && census.substitutions == 0,
                "\(census.columns.filter { $0.state != .present }.map { "\($0.site) \($0.image) \($0.score)" })")
        // The perovskite's pure O columns (0.07 of the A column in HAADF) are not classified.
        #expect(!census.columns.contains { $0.site.hasPrefix("O") })
    }

    /// Models whose anchors are not atoms (si111-7x7's dark corner holes) get no census.
    @Test func darkAnchorModelsHaveNoCensus() throws {
        var p = Si7x7SceneParameters.random(seed: 3)
        p.size = 256
        let scene = try Si7x7SceneGenerator().generate(p)
        let analysis = try FrameAnalysis.analyse(scene.image, model: try BuiltinModels.named("si111-7x7"))
        #expect(analysis.pointDefects == nil)
    }
}
