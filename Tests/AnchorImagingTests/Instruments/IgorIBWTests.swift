import AnchorGeometry
import Foundation
import Testing
@testable import AnchorImaging

/// Igor binary wave v5: the two shared files (Asylum PFM stack, MATRIX-exported STM image;
/// sizes and scales from SOURCES.md), a wave written from the technical note, broken files.
@Suite struct IgorIBWTests {
    /// 256×256×5 float32, 2×2 µm scan, 7.84 nm/px (sfA = 2 µm / 255), five Asylum channels.
    @Test func asylumStackChannelsAndScale() throws {
        let doc = try ImageFile.read(path: SPMFixtures.formatPath("ibw/SciFiDatasets_P0089OP0027.ibw"))
        #expect(doc.format == .ibw)
        #expect(doc.channels.map(\.name) == ["Height (retrace)", "Amplitude (retrace)", "Deflection (retrace)",
                                             "Phase (retrace)", "UserIn0 (retrace)"])
        for c in doc.channels {
            #expect(c.image.width == 256 && c.image.height == 256)
            #expect(abs(c.image.pixelSize!.x - 7.843137) < 1e-5 && abs(c.image.pixelSize!.y - 7.843137) < 1e-5)
        }
        #expect(doc.channels[0].image.valueUnit == "m")
        #expect(doc.channels[3].image.valueUnit == "deg")
        #expect(doc.metadata["ScanSize"] == "2e-06" && doc.metadata["ImagingMode"] == "PFM Mode")
        // Heights of a PFM sample: tens of nanometres.
        let r = try #require(doc.channels[0].image.finiteRange)
        #expect(r.min > -1e-7 && r.max < 1e-7 && r.max > r.min)
    }

    /// 256 points × 58 lines (an incomplete scan), 5 nm frame → 0.0195 nm/px, current in A.
    @Test func matrixExportedCurrentImage() throws {
        let doc = try ImageFile.read(path: SPMFixtures.formatPath("ibw/SciFiDatasets_ScV6Sn6_STM_I.ibw"))
        #expect(doc.channels.count == 1)
        let img = doc.channels[0].image
        #expect(img.width == 256 && img.height == 58)
        #expect(abs(img.pixelSize!.x - 0.01953125) < 1e-9 && abs(img.pixelSize!.y - 0.01953125) < 1e-9)
        #expect(img.valueUnit == "A")
        #expect(doc.metadata["wave_name"] == "I 3 37-1 Backward Down")
    }

    /// A v5 wave written from PTN003: int16, 3 × 2, big endian or little endian.
    static func wave(little: Bool, values: [Int16], nx: Int, ny: Int, dx: Double, unit: String = "nm",
                     note: String = "ScanSize: 3e-09\r", corruptChecksum: Bool = false) -> Data {
        func put(_ b: inout [UInt8], _ at: Int, _ v: UInt64, _ n: Int) {
            for i in 0..<n { b[at + (little ? i : n - 1 - i)] = UInt8(truncatingIfNeeded: v >> (8 * i)) }
        }
        var b = [UInt8](repeating: 0, count: 384)
        put(&b, 0, 5, 2)
        let wfm = 320 + 2 * values.count
        put(&b, 4, UInt64(wfm), 4)
        put(&b, 12, UInt64(note.utf8.count), 4)
        let w = 64
        put(&b, w + 12, UInt64(values.count), 4)
        put(&b, w + 16, 0x10, 2)
        for (i, ch) in "test".utf8.enumerated() { b[w + 28 + i] = ch }
        put(&b, w + 68, UInt64(nx), 4)
        put(&b, w + 72, UInt64(ny), 4)
        put(&b, w + 84, dx.bitPattern, 8)
        put(&b, w + 92, (dx * 2).bitPattern, 8)
        b[w + 148] = UInt8(ascii: "V")
        for (k, ch) in unit.utf8.enumerated() { b[w + 152 + k] = ch; b[w + 156 + k] = ch }
        var sum: UInt16 = 0
        for i in stride(from: 0, to: 384, by: 2) {
            sum = sum &+ (little ? UInt16(b[i]) | UInt16(b[i + 1]) << 8 : UInt16(b[i]) << 8 | UInt16(b[i + 1]))
        }
        put(&b, 2, UInt64(UInt16(0) &- sum &+ (corruptChecksum ? 1 : 0)), 2)
        for v in values {
            let u = UInt16(bitPattern: v)
            b += little ? [UInt8(u & 0xFF), UInt8(u >> 8)] : [UInt8(u >> 8), UInt8(u & 0xFF)]
        }
        b += Array(note.utf8)
        return Data(b)
    }

    @Test(arguments: [true, false])
    func writtenWaveOrientationAndCalibration(little: Bool) throws {
        let values: [Int16] = [1, 2, 3, 4, 5, 6]
        let doc = try ImageFile.read(data: Self.wave(little: little, values: values, nx: 3, ny: 2, dx: 0.5))
        #expect(doc.format == .ibw)
        let img = doc.channels[0].image
        #expect(img.width == 3 && img.height == 2)
        // Igor stores the bottom line first: the first three values are the last row.
        #expect(img.pixels == [4, 5, 6, 1, 2, 3])
        #expect(img.pixelSize == PixelSize(x: 0.5, y: 1.0))
        #expect(img.valueUnit == "V")
        #expect(doc.metadata["ScanSize"] == "3e-09")
    }

    @Test func brokenWavesAreTypedErrors() throws {
        let bad = Self.wave(little: true, values: [1, 2, 3, 4], nx: 2, ny: 2, dx: 1, corruptChecksum: true)
        #expect(throws: FormatError.corrupt(format: .ibw, "header checksum does not match")) { _ = try IgorIBW.read(data: bad) }
        let wrongCount = Self.wave(little: true, values: [1, 2, 3, 4], nx: 3, ny: 2, dx: 1)
        #expect(throws: FormatError.corrupt(format: .ibw, "npnts 4 is not the product of the dimensions [3, 2]")) {
            _ = try IgorIBW.read(data: wrongCount)
        }
        let oneD = Self.wave(little: true, values: [1, 2, 3, 4], nx: 4, ny: 0, dx: 1)
        #expect(throws: FormatError.self) { _ = try IgorIBW.read(data: oneD) }
        #expect(throws: FormatError.unsupported(format: .ibw, "Igor binary wave version 2 (only version 5 is read)")) {
            _ = try IgorIBW.read(data: Data([2, 0, 0, 0]))
        }
        let good = Self.wave(little: true, values: [1, 2, 3, 4], nx: 2, ny: 2, dx: 1)
        SPMFixtures.mutations(of: good, fileExtension: "ibw", cuts: 60, flips: 200, "ibw written")
        SPMFixtures.mutations(of: try SPMFixtures.formatFile("ibw/SciFiDatasets_ScV6Sn6_STM_I.ibw"), fileExtension: "ibw", "ibw real")
    }
}
