import Testing
import Foundation
import AnchorGeometry
import AnchorImaging
import AnchorModels
@testable import AnchorRegistration

@Suite struct ScratchPipeline {
    @Test func spiepyDefects() throws {
        let img = try RealLatticeTests.readSPIEPy("image_with_defects.dat", side: 256)
        let model = try BuiltinModels.named("si111-7x7")
        let lev = try img.planeLevelled().lineLevelled(statistic: .median)
        let e1 = try LatticeEstimator.estimate(img), e2 = try LatticeEstimator.estimate(lev)
        let ac = try Autocorrelation(image: lev, maxShift: 128, highPassPeriod: 85)
        for p in ac.peaks(minRadius: 3, threshold: 0.05).prefix(14) { print("PEAK", p.shift, p.shift.length, p.value) }
        print("EST raw", e1, "lev", e2, LatticeEstimator.alignBasis(e2, toModel: model.lattice!.a1, model.lattice!.a2))
        for ex in [ExtractorKind.blobs, .darkKeypoints] {
            let a = try FrameAnalysis.analyse(img, model: model, options: RegistrationOptions(extractor: ex))
            let r = a.registration
            print("REG", ex, r.homography, "anchors", r.metrics.anchors, "inl", r.metrics.inliers, "mae", r.metrics.mae, "recall", r.metrics.recall, "rms px", r.metrics.rmsPixels, "det", r.detectedPoints, r.filteredPoints, "iter", r.iterations, r.timings, r.pixelSize)
            print("SITES", a.sites.count, a.sites.filter { !$0.present }.count, a.halves as Any)
            print("CELLS", a.cells.map(\.bits).joined(separator: " "))
        }
    }
}
