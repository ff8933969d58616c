import Testing
import Foundation
import TestData
import AnchorGeometry
import AnchorImaging
@testable import AnchorRegistration

/// Lattice estimation on real Si(111)-7×7 STM data (SPIEPy demo, see shared/data/real/SOURCES.md).
@Suite struct RealLatticeTests {
    /// SPIEPy `.dat`: two little-endian uint32 (rows, cols), then rows×cols float64.
    static func readSPIEPy(_ name: String, side: Int) throws -> Image {
        let options = ImageReadOptions(raw: RawLayout(rows: side, cols: side, sampleType: .f64le, offset: 8))
        let doc = try ImageFile.read(path: TestData.realPath("si7x7-spiepy/\(name)"), options: options)
        return doc.channels[0].image
    }

    @Test func si7x7PeriodFromUnlevelledScan() throws {
        let img = try Self.readSPIEPy("image_with_defects.dat", side: 256)
        let est = try LatticeEstimator.estimate(img)
        // SOURCES.md: the 7×7 period is ≈43–47 px by autocorrelation, slightly anisotropic.
        for v in [est.a1, est.a2] {
            #expect(v.length > 42 && v.length < 48, "\(v) has length \(v.length)")
        }
        let angle = acos(abs(est.a1.dot(est.a2)) / (est.a1.length * est.a2.length)) * 180 / .pi
        #expect(abs(angle - 60) < 6, "angle \(angle)°")
    }
}
