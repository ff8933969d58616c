import Testing
import Foundation
import TestData
import AnchorGeometry
import AnchorImaging
import AnchorModels
@testable import AnchorRegistration

/// Registration of the real Si(111)-7×7 STM frames in shared/data/real (see SOURCES.md there):
/// properties that must hold whatever the exact numbers — the frame registers, most anchors
/// fit, the measured lattice is the 7×7 one (aspect near 1, period as the autocorrelation
/// says), and the correction makes the corner-hole lattice more regular.
@Suite struct RealSi7x7RegistrationTests {
    let model: AnchorModel

    init() throws { model = try BuiltinModels.named("si111-7x7") }

    static func readSXM(_ name: String) throws -> Image {
        let path = try TestData.realPath("si7x7-ethz-nanolib/\(name)")
        return try ImageFile.read(path: path).channels[0].image
    }

    func check(_ r: Registration, minimumInliers: Int, minimumFraction: Double) {
        #expect(r.metrics.inliers >= minimumInliers, "\(r.metrics.inliers) inliers")
        #expect(Double(r.metrics.inliers) >= minimumFraction * Double(r.metrics.anchors),
                "\(r.metrics.inliers) of \(r.metrics.anchors) paired anchors fit")
        #expect(r.metrics.neighbourSpreadAfter < r.metrics.neighbourSpreadBefore,
                "spread \(r.metrics.neighbourSpreadBefore) → \(r.metrics.neighbourSpreadAfter)")
        // The typical fitted anchor sits within a twentieth of a cell of the model.
        let residuals = r.anchors.filter(\.inlier).map(\.residual).sorted()
        let spacing = model.lattice!.a1.length / ((r.pixelSize[0] + r.pixelSize[1]) / 2)
        #expect(residuals[residuals.count / 2] < 0.05 * spacing,
                "median inlier residual \(residuals[residuals.count / 2]) px of a \(spacing) px cell")
    }

    /// SPIEPy 256² frame: clean lattice, ≈45 px cells; the standard path registers it.
    @Test func framesWithDefectsRegisters() throws {
        let image = try RealLatticeTests.readSPIEPy("image_with_defects.dat", side: 256)
        let r = try LatticeRegistrar.register(image, to: model)
        check(r, minimumInliers: 25, minimumFraction: 0.8)
        #expect(r.scanLineOffsets == nil && r.levelling == "plane+lines")
        let aspect = r.pixelSize[0] / r.pixelSize[1]
        #expect(aspect > 0.85 && aspect < 1.15, "aspect \(aspect)")
        let period = model.lattice!.a1.length / ((r.pixelSize[0] + r.pixelSize[1]) / 2)
        #expect(period > 42 && period < 48, "period \(period) px")
    }

    /// SPIEPy 512² frame with a step: ≈10–11 px cells, creep along the slow axis, two terraces.
    /// The standard path refuses it (one homography, one plane); the tolerant path registers it.
    @Test func frameWithStepEdgeRegistersOnTheTolerantPath() throws {
        let image = try RealLatticeTests.readSPIEPy("image_with_step_edge.dat", side: 512)
        let r = try LatticeRegistrar.registerTolerant(image, to: model)
        check(r, minimumInliers: 1000, minimumFraction: 0.6)
        #expect(r.levelling == "plane+median-background+lines")
        #expect(r.scanLineOffsets?.count == 512)
        let aspect = r.pixelSize[0] / r.pixelSize[1]
        #expect(aspect > 0.85 && aspect < 1.15, "aspect \(aspect)")
        let period = model.lattice!.a1.length / ((r.pixelSize[0] + r.pixelSize[1]) / 2)
        #expect(period > 9.5 && period < 12, "period \(period) px")
        // Two terraces: the upper one is a second lattice domain, shifted by a fraction of a
        // cell (not in registry, not a whole cell).
        #expect(r.domains.count == 2, "domains \(r.domains)")
        if r.domains.count == 2 {
            let shift = LatticeDomainSearch.minimumImageShift(r.domains[1].shift, m1: model.lattice!.a1, m2: model.lattice!.a2)
            #expect(shift > 0.15 * model.lattice!.a1.length && shift < 0.6 * model.lattice!.a1.length, "shift \(shift) nm")
            #expect(r.domains[1].inliers >= 50)
        }
        // The scan-line field corrects more than H alone.
        if let hOnly = r.metrics.neighbourSpreadAfterHomographyOnly {
            #expect(r.metrics.neighbourSpreadAfter <= hOnly)
        }
    }

    /// Nanonis 256², 0.195 nm/px in the file, very noisy and strongly drifted: registers on
    /// the tolerant path (the frame's own motif finds the corner holes).
    @Test func noisyDriftedFrameRegisters() throws {
        let image = try Self.readSXM("Si_7x7_028.sxm")
        let r = try LatticeRegistrar.register(image, to: model)
        check(r, minimumInliers: 100, minimumFraction: 0.6)
        // Drift changes the apparent pixel size, but within the ±30 % the prior allows.
        for p in r.pixelSize { #expect(p > 0.195 * 0.6 && p < 0.195 * 1.3, "pixel size \(p) nm") }
    }

    /// Nanonis 256² overview at 0.78 nm/px: a 7×7 cell is 3.4 px; refused, saying why.
    @Test func overviewFrameIsRefusedWithTheReason() throws {
        let image = try Self.readSXM("Si_7x7_012.sxm")
        do {
            _ = try LatticeRegistrar.register(image, to: model)
            Issue.record("a 3.4 px cell registered")
        } catch let error as RegistrationError {
            guard case .noLattice(let message) = error else { Issue.record("wrong error \(error)"); return }
            #expect(message.contains("3.4 px"), "\(message)")
        }
    }
}
