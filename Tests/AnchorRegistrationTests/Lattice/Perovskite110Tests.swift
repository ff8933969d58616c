import TestData
import Testing
import AnchorGeometry
import AnchorImaging
import AnchorModels
@testable import AnchorRegistration

/// `perovskite-110` on the shared SrTiO3 HAADF frame, which shows SrTiO3 down [110] (a 42 ×
/// 29.4 px rectangle of Sr–O columns with the Ti columns half-way along the long side): the
/// registration comes out square-pixelled at the file's 9.326 pm/px, and ok.
@Suite struct Perovskite110Tests {
    @Test func realSrTiO3FrameRegistersAtItsPixelSize() throws {
        let image = try ImageFile.read(path: TestData.realPath("srtio3-haadf-atomap/test_ADF_cropped.npy")).channels[0].image
        let model = try BuiltinModels.named("perovskite-110")
        let analysis = try FrameAnalysis.analyse(image, model: model, locateSites: false)
        let r = analysis.registration
        #expect(r.quality?.status == .ok, "\(r.quality?.reasons.map(\.code) ?? [])")
        let aspect = r.pixelSize[1] / r.pixelSize[0]
        #expect(abs(aspect - 1) < 0.02, "aspect \(aspect)")
        for k in 0..<2 {
            #expect(abs(r.pixelSize[k] / 0.009326 - 1) < 0.01, "pixel size \(r.pixelSize) nm/px against 0.009326")
        }
    }

    /// Synthetic [110] frames: whatever the registration makes of them, a result that comes
    /// out ok is at the true scale (never a confident √2 error).
    @Test(arguments: [UInt64(1), 2, 3])
    func syntheticFramesAreNeverConfidentlyWrong(seed: UInt64) throws {
        var p = LatticeSceneParameters.random(seed: seed, material: "perovskite-110", contrast: .haadf)
        p.size = 256
        let scene = try LatticeSceneGenerator().generate(p)
        let analysis = try FrameAnalysis.analyse(scene.image, model: try BuiltinModels.named("perovskite-110"), locateSites: false)
        let e = LatticeSceneEvaluation.evaluate(analysis, scene: scene, milliseconds: 0)
        #expect(e.status != "ok" || e.scaleError < 0.005, "status \(e.status) with scale error \(e.scaleError)")
    }
}
