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

    /// Synthetic [110] HAADF frames (random rotation, drift, perspective, noise and defects)
    /// register ok at the true scale, with the A–O and Ti columns found where the truth has
    /// them. Before `CentredCellChoice` looked at the off-centre B site, the faint O column at
    /// the cell centre made it double the measured cell into the diagonal cell a1 ± a2, and
    /// before the motif checks left the O columns out (`MaterialModel.faintSites`) every
    /// frame was refused with `motif_objects_not_bright`.
    @Test(arguments: [UInt64(1), 2, 3])
    func syntheticFramesRegisterAtTheTrueScale(seed: UInt64) throws {
        var p = LatticeSceneParameters.random(seed: seed, material: "perovskite-110", contrast: .haadf)
        p.size = 512  // the acceptance frames' size (at 256² the pixel is 37 pm and seed 2 gives 5.1 pm)
        let scene = try LatticeSceneGenerator().generate(p)
        let analysis = try FrameAnalysis.analyse(scene.image, model: try BuiltinModels.named("perovskite-110"), locateSites: true)
        let e = LatticeSceneEvaluation.evaluate(analysis, scene: scene, milliseconds: 0)
        #expect(e.status == "ok", "\(analysis.registration.quality?.reasons.map(\.code) ?? [])")
        #expect(e.scaleError < 0.005, "scale error \(e.scaleError)")
        #expect(e.recall >= 0.95, "recall \(e.recall)")
        #expect(e.medianErrorPm < 5, "median position error \(e.medianErrorPm) pm")
    }
}
