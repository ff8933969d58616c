import Testing
import Foundation
import AnchorGeometry
import AnchorImaging
@testable import AnchorRegistration

/// Lattice estimation on real Si(111)-7×7 STM data (SPIEPy demo, see shared/data/real/SOURCES.md).
@Suite struct RealLatticeTests {
    static let realData = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/data/real")

    /// SPIEPy `.dat`: two little-endian uint32 (rows, cols), then rows×cols float64.
    static func readSPIEPy(_ name: String) throws -> Image {
        let d = try Data(contentsOf: realData.appendingPathComponent("si7x7-spiepy/\(name)"))
        let rows = Int(UInt32(littleEndian: d.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt32.self) }))
        let cols = Int(UInt32(littleEndian: d.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self) }))
        var px = [Float](repeating: 0, count: rows * cols)
        d.withUnsafeBytes { b in
            for i in 0..<(rows * cols) {
                px[i] = Float(Double(bitPattern: UInt64(littleEndian: b.loadUnaligned(fromByteOffset: 8 + 8 * i, as: UInt64.self))))
            }
        }
        return try Image(width: cols, height: rows, pixels: px)
    }

    @Test func si7x7PeriodFromUnlevelledScan() throws {
        let img = try Self.readSPIEPy("image_with_defects.dat")
        let est = try LatticeEstimator.estimate(img)
        // SOURCES.md: the 7×7 period is ≈43–47 px by autocorrelation, slightly anisotropic.
        for v in [est.a1, est.a2] {
            #expect(v.length > 42 && v.length < 48, "\(v) has length \(v.length)")
        }
        let angle = acos(abs(est.a1.dot(est.a2)) / (est.a1.length * est.a2.length)) * 180 / .pi
        #expect(abs(angle - 60) < 6, "angle \(angle)°")
    }
}
