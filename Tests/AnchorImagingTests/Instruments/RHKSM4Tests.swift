import AnchorGeometry
import Foundation
import Testing
@testable import AnchorImaging

/// RHK SM4: the shared file holds I(V) spectra only (a clear refusal), so image pages are
/// tested on files written here from the SM4 object layout.
@Suite struct RHKSM4Tests {
    @Test func spectraOnlyFileIsRefusedClearly() throws {
        #expect(throws: FormatError.unsupported(format: .sm4, "the file holds no image page (5 pages: 5 × line)")) {
            _ = try ImageFile.read(path: SPMFixtures.formatPath("sm4/sm4file_test_iv.SM4"))
        }
    }

    /// Little-endian writer of the SM4 object layout.
    struct Writer {
        var bytes: [UInt8] = []
        mutating func u16(_ v: Int) { bytes += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        mutating func u32(_ v: Int) { for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
        mutating func f32(_ v: Float) { u32(Int(v.bitPattern)) }
        mutating func utf16(_ s: String) { for u in s.utf16 { u16(Int(u)) } }
        mutating func patch32(_ at: Int, _ v: Int) { for i in 0..<4 { bytes[at + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) } }
    }

    struct Page {
        var dataType: Int          // 0 image, 1 line
        var label: String
        var width: Int, height: Int
        var xScale: Float, yScale: Float, zScale: Float, zOffset: Float
        var units: (String, String, String)
        var scanDirection: Int
        var values: [Int32]
    }

    static func file(_ pages: [Page]) -> Data {
        var w = Writer()
        w.u16(56)
        w.utf16("STiMage 005.006 1"); w.u16(0)         // 36 bytes of signature
        w.u32(pages.count); w.u32(1); w.u32(12); w.u32(0); w.u32(0)
        let fileObject = w.bytes.count
        w.u32(1); w.u32(0); w.u32(16)                  // page index header, offset patched
        // Page index header.
        w.patch32(fileObject + 4, w.bytes.count)
        w.u32(pages.count); w.u32(1); w.u32(0); w.u32(0)
        let arrayObject = w.bytes.count
        w.u32(2); w.u32(0); w.u32(32)
        w.patch32(arrayObject + 4, w.bytes.count)
        // Page indices, with their object offsets patched once the pages are written.
        var patches: [(header: Int, data: Int)] = []
        for (i, p) in pages.enumerated() {
            w.bytes += [UInt8](repeating: UInt8(i + 1), count: 16)   // GUID
            w.u32(p.dataType); w.u32(0); w.u32(2); w.u32(6)
            let h = w.bytes.count
            w.u32(3); w.u32(0); w.u32(0)
            w.u32(4); w.u32(0); w.u32(0)
            patches.append((h, h + 12))
        }
        for (i, p) in pages.enumerated() {
            // Strings first, then the header pointing at them, then the data.
            let strings = w.bytes.count
            let list = [p.label, "", "", "", "", "12/03/26", "18:00:00", p.units.0, p.units.1, p.units.2]
            for s in list { w.u16(s.utf16.count); w.utf16(s) }
            let stringsSize = w.bytes.count - strings
            let header = w.bytes.count
            w.u16(180); w.u16(list.count)
            w.u32(1); w.u32(0); w.u32(0); w.u32(0); w.u32(0)     // page type, sub source, line type, x/y coord
            w.u32(p.width); w.u32(p.height); w.u32(0); w.u32(p.scanDirection)
            w.u32(0); w.u32(4 * p.values.count); w.u32(0); w.u32(0)
            for f in [p.xScale, p.yScale, p.zScale, 1, 0, 0, p.zOffset, 0.01, -0.5, 1e-10, 0] { w.f32(f) }
            w.u32(0); w.u32(0); w.u32(0); w.u32(1)
            for _ in 0..<16 { w.u32(0) }
            w.u32(10); w.u32(strings); w.u32(stringsSize)
            let headerSize = w.bytes.count - header
            let data = w.bytes.count
            for v in p.values { w.u32(Int(UInt32(bitPattern: v))) }
            w.patch32(patches[i].header + 4, header); w.patch32(patches[i].header + 8, headerSize)
            w.patch32(patches[i].data + 4, data); w.patch32(patches[i].data + 8, 4 * p.values.count)
        }
        return Data(w.bytes)
    }

    static let topography = Page(dataType: 0, label: "Topography", width: 4, height: 3, xScale: -2e-10, yScale: 1e-10,
                                 zScale: 1e-12, zOffset: 5e-10, units: ("m", "m", "m"), scanDirection: 0,
                                 values: (0..<12).map { Int32($0 * 100) })

    @Test func writtenImagePagesAreRead() throws {
        var current = Self.topography
        current.label = "Current"; current.units.2 = "nA"; current.zScale = 0.5; current.zOffset = 0; current.scanDirection = 1
        let spectrum = Page(dataType: 1, label: "I(V)", width: 8, height: 1, xScale: 0.1, yScale: 1, zScale: 1, zOffset: 0,
                            units: ("V", "", "A"), scanDirection: 0, values: [Int32](repeating: 1, count: 8))
        let doc = try ImageFile.read(data: Self.file([Self.topography, spectrum, current]))
        #expect(doc.format == .sm4)
        #expect(doc.channels.map(\.name) == ["Topography (right)", "Current (left)"])
        let z = doc.channels[0].image
        #expect(z.width == 4 && z.height == 3)
        #expect(abs(z.pixelSize!.x - 0.2) < 1e-7 && abs(z.pixelSize!.y - 0.1) < 1e-7)
        #expect(z.valueUnit == "m")
        // value = raw·z_scale + z_offset; every line stored right to left.
        for y in 0..<3 {
            for x in 0..<4 {
                let stored = Double((y * 4 + (3 - x)) * 100) * 1e-12 + 5e-10
                #expect(abs(Double(z[x, y]) - stored) < 1e-15)
            }
        }
        let i = doc.channels[1].image
        #expect(i.valueUnit == "A")
        #expect(abs(Double(i[3, 0]) - 0.5e-9 * 0) < 1e-15 && abs(Double(i[0, 0]) - 300 * 0.5e-9) < 1e-12)
        #expect(doc.metadata["pages"] == "image (topographic); line (topographic); image (topographic)")
        #expect(doc.metadata["Topography (right).date"] == "12/03/26 18:00:00")
    }

    @Test func brokenFilesAreTypedErrors() throws {
        var short = Self.topography
        short.values.removeLast()
        #expect { _ = try RHKSM4.read(data: Self.file([short])) } throws: { e in
            guard case FormatError.corrupt(.sm4, let m) = e else { return false }
            return m.contains("data holds 44 bytes, 4×3 int32 need 48")
        }
        #expect(throws: FormatError.badMagic(format: .sm4, "no STiMage 005 signature at offset 2")) {
            _ = try RHKSM4.read(data: Data([0, 0, 1, 2]))
        }
        SPMFixtures.mutations(of: Self.file([Self.topography, Self.topography]), fileExtension: "sm4", cuts: 80, flips: 300, "sm4 written")
        SPMFixtures.mutations(of: try SPMFixtures.formatFile("sm4/sm4file_test_iv.SM4"), fileExtension: "sm4", "sm4 real")
    }
}
