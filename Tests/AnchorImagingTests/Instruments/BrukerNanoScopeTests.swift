import AnchorGeometry
import Foundation
import Testing
@testable import AnchorImaging

/// Bruker NanoScope: the real NanoScope 5.31 file of shared/data/formats, files written
/// from the header rules (two images, 32-bit data, soft scales with and without units),
/// and broken files.
@Suite struct BrukerNanoScopeTests {
    static let realPath = "nanoscope/TopoStats_old_bruker.002"

    /// SOURCES.md: 256×256, 15×15 µm, Height, NanoScope v5.31.
    @Test func realFileSizeScanSizeAndZScale() throws {
        let data = try SPMFixtures.formatFile(Self.realPath)
        let doc = try ImageFile.read(path: SPMFixtures.formatPath(Self.realPath))
        #expect(doc.format == .nanoscope)
        #expect(doc.channels.map(\.name) == ["Height (trace)"])
        let img = doc.channels[0].image
        #expect(img.width == 256 && img.height == 256)
        #expect(img.unit == .nanometre)
        #expect(abs(img.pixelSize!.x - 15_000.0 / 256) < 1e-9 && abs(img.pixelSize!.y - 15_000.0 / 256) < 1e-9)
        #expect(img.valueUnit == "m")
        #expect(doc.metadata["Version"] == "0x05310001")
        // Z chain: @2:Z scale 439.9866 V full range over 2^16 LSB, times @Sens. Zscan 15.068 nm/V.
        let q = 439.9866 / 65536 * 15.068e-9
        // The first stored line (at Data offset 40960) is the bottom row of the image.
        let raw0 = Int16(bitPattern: UInt16(data[40960]) | UInt16(data[40961]) << 8)
        let raw1 = Int16(bitPattern: UInt16(data[40962]) | UInt16(data[40963]) << 8)
        #expect(abs(Double(img[0, 255]) - Double(raw0) * q) <= 1e-6 * abs(Double(raw0) * q) + 1e-15)
        #expect(abs(Double(img[1, 255]) - Double(raw1) * q) <= 1e-6 * abs(Double(raw1) * q) + 1e-15)
        let zScale = try #require(doc.metadata["Height (trace).z_scale"]?.split(separator: " ").first.flatMap { Double($0) })
        #expect(abs(zScale - q) < 1e-6 * q)
    }

    /// A header as NanoScope 5+ writes it, with the given image sections.
    static func file(images: [(section: String, data: [UInt8])], aspect: String = "1:1", scanner: String = "") -> Data {
        func header(offsets: [Int], total: Int) -> String {
            var h = "\\*File list\r\n\\Version: 0x05310001\r\n\\Data length: \(total)\r\n"
            h += "\\*Scanner list\r\n\\@Sens. Zscan: V 20.00000 nm/V\r\n" + scanner
            h += "\\*Ciao scan list\r\n\\Samps/line: 4\r\n\\Lines: 3\r\n\\Aspect ratio: \(aspect)\r\n"
            for (i, img) in images.enumerated() {
                h += "\\*Ciao image list\r\n\\Data offset: \(offsets[i])\r\n\\Data length: \(img.data.count)\r\n" + img.section
            }
            h += "\\*File list end\r\n"
            return h
        }
        // Header length fixed at 4096 (NanoScope pads its header to a block size).
        let headerSize = 4096
        var offsets: [Int] = []
        var o = headerSize
        for img in images { offsets.append(o); o += img.data.count }
        var bytes = Array(header(offsets: offsets, total: headerSize).utf8)
        bytes += [UInt8](repeating: 0x1A, count: headerSize - bytes.count)
        for img in images { bytes += img.data }
        return Data(bytes)
    }

    static func le16(_ v: [Int16]) -> [UInt8] { v.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] } }
    static func le32(_ v: [Int32]) -> [UInt8] {
        v.flatMap { x in (0..<4).map { UInt8(truncatingIfNeeded: x >> (8 * $0)) } }
    }

    @Test func twoImagesThirtyTwoBitNonSquarePixelsAndSoftScales() throws {
        let heights: [Int32] = (0..<12).map { Int32($0 - 6) * 100_000 }
        let deflection: [Int16] = (0..<12).map { Int16($0 * 1000 - 5000) }
        let d = Self.file(images: [
            ("\\Bytes/pixel: 4\r\n\\Samps/line: 4\r\n\\Number of lines: 3\r\n\\Scan size: 2 0.75 ~m\r\n"
                + "\\Line direction: Trace\r\n\\@2:Image Data: S [Height] \"Height\"\r\n"
                + "\\@2:Z scale: V [Sens. Zscan] (0.000000093 V/LSB) 400.0000 V\r\n", Self.le32(heights)),
            ("\\Bytes/pixel: 2\r\n\\Samps/line: 4\r\n\\Number of lines: 3\r\n\\Scan size: 500 500 nm\r\n"
                + "\\Line direction: Retrace\r\n\\@2:Image Data: S [Deflection] \"Deflection Error\"\r\n"
                + "\\@2:Z scale: V [Sens. Deflection] (0.0003 V/LSB) 20.00000 V\r\n", Self.le16(deflection)),
        ], scanner: "\\@Sens. Deflection: V 1.000000 \r\n")
        let doc = try ImageFile.read(data: d, fileExtension: "spm")
        #expect(doc.format == .nanoscope)
        #expect(doc.channels.map(\.name) == ["Height (trace)", "Deflection Error (retrace)"])
        let h = doc.channels[0].image
        #expect(h.width == 4 && h.height == 3)
        #expect(abs(h.pixelSize!.x - 500) < 1e-9 && abs(h.pixelSize!.y - 250) < 1e-9)
        // 32-bit: 400 V over 2^32 LSB, times 20 nm/V, in metres; bottom line stored first.
        let q = 400.0 / 4_294_967_296 * 20e-9
        for y in 0..<3 {
            for x in 0..<4 {
                let stored = Double(heights[(2 - y) * 4 + x]) * q
                #expect(abs(Double(h[x, y]) - stored) <= 1e-6 * abs(stored) + 1e-18)
            }
        }
        #expect(h.valueUnit == "m")
        // A soft scale without a unit gives volts: 20 V / 2^16 per LSB.
        let dfl = doc.channels[1].image
        #expect(dfl.valueUnit == "V")
        #expect(abs(Double(dfl[0, 2]) - Double(deflection[0]) * 20 / 65536) < 1e-6)
        #expect(abs(dfl.pixelSize!.x - 125) < 1e-9)
    }

    @Test func singleScanSizeUsesTheAspectRatioAndMissingSensGivesVolts() throws {
        let d = Self.file(images: [
            ("\\Samps/line: 4\r\n\\Number of lines: 3\r\n\\Scan size: 400 nm\r\n"
                + "\\@2:Image Data: S [Height] \"Height\"\r\n\\@2:Z scale: V [Sens. Missing] (0.0001 V/LSB) 6.5536 V\r\n",
             Self.le16([Int16](repeating: 10, count: 12))),
        ], aspect: "2:1")
        let doc = try BrukerNanoScope.read(data: d)
        let img = doc.channels[0].image
        // One number: X = 400 nm, Y = X·1/2 from the aspect ratio 2:1.
        #expect(abs(img.pixelSize!.x - 100) < 1e-9 && abs(img.pixelSize!.y - 200.0 / 3) < 1e-9)
        #expect(img.valueUnit == "V")
        #expect(abs(img[0, 0] - 10 * 6.5536 / 65536) < 1e-7)
    }

    @Test func lengthMismatchFallsBackToScanListSizesKeepingSquarePixels() throws {
        // Image list says 2×2 but there are 4×3 samples, as the scan list says.
        let d = Self.file(images: [
            ("\\Samps/line: 2\r\n\\Number of lines: 2\r\n\\Scan size: 200 200 nm\r\n\\@2:Z scale: V [Sens. Zscan] (1 V/LSB) 65536 V\r\n",
             Self.le16((0..<12).map { Int16($0) })),
        ])
        let img = try BrukerNanoScope.read(data: d).channels[0].image
        #expect(img.width == 4 && img.height == 3)
        #expect(abs(img.pixelSize!.x - 100) < 1e-9 && abs(img.pixelSize!.y - 100) < 1e-9)
    }

    @Test func refusalsAreTypedAndNamed() throws {
        #expect(throws: FormatError.unsupported(format: .nanoscope, "this is a force-curve file (\\*Force file list), not an image")) {
            _ = try ImageFile.read(data: Data("\\*Force file list\r\n\\*File list end\r\n".utf8))
        }
        let good: [(section: String, data: [UInt8])] = [("\\Samps/line: 4\r\n\\Number of lines: 3\r\n\\Scan size: 1 1 nm\r\n", Self.le16([Int16](repeating: 1, count: 12)))]
        var past = [UInt8](Self.file(images: good))
        past.removeLast(2)
        #expect {
            _ = try BrukerNanoScope.read(data: Data(past))
        } throws: { e in
            guard case FormatError.truncated(.nanoscope, let m) = e else { return false }
            return m.contains("runs past the end")
        }
        let noSize = Self.file(images: [("\\Samps/line: 4\r\n\\Number of lines: 3\r\n", Self.le16([Int16](repeating: 1, count: 12)))])
        #expect(throws: FormatError.corrupt(format: .nanoscope, "image 1: no Scan size")) { _ = try BrukerNanoScope.read(data: noSize) }
        let bpp = Self.file(images: [("\\Bytes/pixel: 3\r\n\\Scan size: 1 1 nm\r\n", Self.le16([Int16](repeating: 1, count: 18)))])
        #expect(throws: FormatError.unsupported(format: .nanoscope, "image 1: 3 bytes per pixel (2 and 4 are read)")) {
            _ = try BrukerNanoScope.read(data: bpp)
        }
        // The pixel limit is checked before the samples are decoded.
        #expect(throws: FormatError.unsupported(format: .nanoscope, "image 1: 4×3 pixels is more than 11; refused to protect memory")) {
            _ = try BrukerNanoScope.read(data: Self.file(images: good), options: ImageReadOptions(maxPixels: 11))
        }
        #expect(throws: FormatError.truncated(format: .nanoscope, "header has no \\*File list end line")) {
            _ = try BrukerNanoScope.read(data: Data("\\*File list\r\n\\Version: 1\r\n".utf8))
        }
    }

    /// The pixel limit bounds all channels together (sections may point at the same bytes).
    @Test func pixelBudgetCoversAllChannels() throws {
        let img: (section: String, data: [UInt8]) = ("\\Samps/line: 4\r\n\\Number of lines: 3\r\n\\Scan size: 1 1 nm\r\n",
                                                    Self.le16([Int16](repeating: 1, count: 12)))
        let two = Self.file(images: [img, img])
        #expect(try BrukerNanoScope.read(data: two, options: ImageReadOptions(maxPixels: 24)).channels.count == 2)
        #expect(throws: FormatError.unsupported(format: .nanoscope, "the channels hold more than 20 samples together; refused to protect memory")) {
            _ = try BrukerNanoScope.read(data: two, options: ImageReadOptions(maxPixels: 20))
        }
    }

    @Test func mutatedRealAndWrittenFilesGiveTypedErrors() throws {
        SPMFixtures.mutations(of: try SPMFixtures.formatFile(Self.realPath), fileExtension: "002", "nanoscope real")
        let written = Self.file(images: [("\\Bytes/pixel: 4\r\n\\Scan size: 2 1 ~m\r\n\\@2:Z scale: V [Sens. Zscan] (1 V/LSB) 7 V\r\n",
                                          Self.le32((0..<12).map { Int32($0) }))])
        SPMFixtures.mutations(of: written, fileExtension: "spm", cuts: 80, flips: 200, "nanoscope written")
    }
}
