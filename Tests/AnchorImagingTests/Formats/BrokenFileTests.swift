import AnchorGeometry
import Foundation
import TestData
import Testing
@testable import AnchorImaging

/// Broken files made from valid ones: every one gives a typed `FormatError`, never a crash.
@Suite struct BrokenFileTests {
    static func validFiles() throws -> [(String, [UInt8])] {
        var g = SeededGenerator(seed: 3)
        let gray16 = (0..<(40 * 30)).map { _ in UInt16(g.next() % 4000) }
        let png = try PNGCodec.encode(gray16: gray16, width: 40, height: 30)
        var lzw = TIFFFixture(width: 40, height: 30, values: [gray16.map(Double.init)])
        lzw.compression = 5; lzw.predictor = 2; lzw.rowsPerStrip = 7
        var tiles = TIFFFixture(width: 40, height: 30, values: [gray16.map(Double.init)])
        tiles.compression = 8; tiles.tile = (16, 16); tiles.bigEndian = true
        var packbits = TIFFFixture(width: 40, height: 30, values: [gray16.map { Double($0 % 256) }])
        packbits.kind = .u8; packbits.compression = 32773; packbits.rowsPerStrip = 4
        var plain = TIFFFixture(width: 40, height: 30, values: [gray16.map(Double.init)])
        plain.kind = .f32; plain.rowsPerStrip = 10
        let jpeg = try Data(contentsOf: URL(fileURLWithPath: TestData.realPath("optical-snake-hackerfab/snakesmall2.jpg")))
        return [("png", [UInt8](png)), ("tiff-lzw", lzw.build()), ("tiff-deflate-tiles", tiles.build()),
                ("tiff-packbits", packbits.build()), ("tiff-plain", plain.build()), ("jpeg", [UInt8](jpeg))]
    }

    @Test func truncationsAtManyOffsetsAreTypedErrors() throws {
        for (name, file) in try Self.validFiles() {
            #expect(throws: Never.self, "\(name) must be valid") { _ = try ImageFile.read(data: Data(file)) }
            let step = max(1, file.count / 60)
            for cut in stride(from: 0, to: file.count - 1, by: step) {
                #expect(throws: FormatError.self, "\(name) cut at \(cut) of \(file.count)") {
                    _ = try ImageFile.read(data: Data(file.prefix(cut)), fileExtension: name.hasPrefix("tiff") ? "tif" : name)
                }
            }
        }
    }

    @Test func flippedBytesNeverCrash() throws {
        var g = SeededGenerator(seed: 11)
        for (name, file) in try Self.validFiles() {
            let trials = name == "jpeg" ? 15 : 100
            for _ in 0..<trials {
                var broken = file
                for _ in 0..<(1 + Int(g.next() % 4)) {
                    let at = Int(g.next() % UInt64(broken.count))
                    broken[at] ^= UInt8(truncatingIfNeeded: 1 + g.next() % 255)
                }
                do {
                    let doc = try ImageFile.read(data: Data(broken))
                    #expect(!doc.channels.isEmpty)
                } catch is FormatError {
                    // the expected outcome for most flips
                } catch {
                    Issue.record("\(name): untyped error \(error)")
                }
            }
        }
    }

    @Test func wrongMagic() throws {
        let png = try [UInt8](PNGCodec.encode(gray8: [1], width: 1, height: 1))
        var bad = png; bad[1] = 0x51
        #expect(throws: FormatError.badMagic(format: .png, "the file does not start with the PNG signature")) {
            _ = try ImageFile.read(data: Data(bad), fileExtension: "png")
        }
        #expect(throws: FormatError.badMagic(format: .jpeg, "the file does not start with FF D8 FF")) {
            _ = try ImageFile.read(data: Data([0xFF, 0xD8, 0x00, 0x00]), fileExtension: "jpg")
        }
        var tif = TIFFFixture(width: 1, height: 1, values: [[1]]).build()
        tif[2] = 41
        #expect(throws: FormatError.badMagic(format: .tiff, "version is 41, not 42")) {
            _ = try ImageFile.read(data: Data(tif), fileExtension: "tif")
        }
    }

    @Test func badPNGChunkCRC() throws {
        var png = try [UInt8](PNGCodec.encode(gray8: [1, 2, 3, 4], width: 2, height: 2))
        png[8 + 8 + 5] ^= 0x01   // a byte inside IHDR's data: its CRC no longer matches
        #expect {
            _ = try PNGCodec.read(data: Data(png))
        } throws: { error in
            guard case FormatError.corrupt(.png, let m) = error else { return false }
            return m.contains("CRC")
        }
    }

    @Test func pngWithTooLittleImageDataIsAnError() throws {
        let rows = (0..<16).map { y in (0..<16).map { UInt8(($0 * 3 + y) & 0xFF) } }
        var raw: [UInt8] = []
        for r in rows { raw.append(0); raw += r }
        let z = TIFFFixture.zlibCompress(raw)
        // Chunks and CRCs are intact; only the zlib stream inside IDAT stops half-way.
        let png = FormatTestSupport.png(width: 16, height: 16, bitDepth: 8, colorType: 0, rows: rows,
                                        idat: Array(z.prefix(z.count / 2)))
        #expect(throws: FormatError.truncated(format: .png, "Not enough image data")) {
            _ = try PNGCodec.read(data: Data(png))
        }
    }

    @Test func absurdDimensionsAreRefusedBeforeAllocating() throws {
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        let huge = FormatTestSupport.png(width: 100_000, height: 100_000, bitDepth: 8, colorType: 0, rows: [[0]])
        #expect(throws: FormatError.self) { _ = try PNGCodec.read(data: Data(huge)) }
        // TIFF claiming 100000 × 100000 with one tiny strip.
        var f = TIFFFixture(width: 1, height: 1, values: [[1]])
        f.kind = .u8
        var tif = f.build()
        // Patch ImageWidth (SHORT, first entry) and ImageLength (LONG, second entry).
        let ifd = Int(tif[4]) | Int(tif[5]) << 8 | Int(tif[6]) << 16 | Int(tif[7]) << 24
        tif[ifd + 2 + 8] = 0xFF; tif[ifd + 2 + 9] = 0xFF
        tif[ifd + 2 + 12 + 8] = 0xA0; tif[ifd + 2 + 12 + 9] = 0x86; tif[ifd + 2 + 12 + 10] = 0x01
        #expect {
            _ = try TIFFReader.read(data: Data(tif))
        } throws: { error in
            guard case FormatError.unsupported(.tiff, let m) = error else { return false }
            return m.contains("65535 × 100000") && m.contains("refused")
        }
        // The limit is the caller's.
        let ok = try TIFFReader.read(data: Data(f.build()), options: ImageReadOptions(maxPixels: 1))
        #expect(ok.channels[0].image.count == 1)
        var two = TIFFFixture(width: 2, height: 1, values: [[1, 2]]); two.kind = .u8
        #expect(throws: FormatError.self) { _ = try TIFFReader.read(data: Data(two.build()), options: ImageReadOptions(maxPixels: 1)) }
    }

    @Test func stripsPastTheEndAndShortStrips() throws {
        var f = TIFFFixture(width: 16, height: 16, values: [(0..<256).map(Double.init)])
        f.rowsPerStrip = 4
        let file = f.build()
        let doc = try TIFFReader.read(data: Data(file))
        #expect(doc.channels[0].image.pixels == (0..<256).map(Float.init))
        // Find the StripOffsets / StripByteCounts arrays (LONG, 4 values each) through the IFD.
        let ifd = Int(file[4]) | Int(file[5]) << 8
        let count = Int(file[ifd]) | Int(file[ifd + 1]) << 8
        func entry(_ tag: Int) -> Int {
            (0..<count).map { ifd + 2 + 12 * $0 }.first { Int(file[$0]) | Int(file[$0 + 1]) << 8 == tag }!
        }
        func valuePointer(_ tag: Int) -> Int { let e = entry(tag); return Int(file[e + 8]) | Int(file[e + 9]) << 8 }
        var past = file
        past[valuePointer(273) + 4 * 3 + 2] = 0x7F   // strip 3 offset → far past the end
        let p3 = valuePointer(273) + 12
        let patched = Int(past[p3]) | Int(past[p3 + 1]) << 8 | Int(past[p3 + 2]) << 16
        #expect(throws: FormatError.truncated(format: .tiff, "strip 3 starts at offset \(patched), past the end of the file (\(file.count) bytes)")) {
            _ = try TIFFReader.read(data: Data(past))
        }
        var short = file
        short[valuePointer(279) + 4 * 3] = 100       // strip 3 says 100 bytes, needs 128
        #expect(throws: FormatError.truncated(format: .tiff, "strip 3 is truncated (expected 128 bytes, the file says 100)")) {
            _ = try TIFFReader.read(data: Data(short))
        }
        // A compression scheme that is not implemented is named.
        var g = TIFFFixture(width: 16, height: 16, values: [(0..<256).map { Double($0 % 256) }])
        g.kind = .u8; g.compression = 5; g.rowsPerStrip = 4
        var lzw = g.build()
        let lzwIFD = Int(lzw[4]) | Int(lzw[5]) << 8
        lzw[lzwIFD + 2 + 12 * 3 + 8] = 7            // Compression (4th entry) = 7, JPEG
        #expect(throws: FormatError.unsupported(format: .tiff, "compression 7 (JPEG) (none, LZW, Deflate and PackBits are read)")) {
            _ = try TIFFReader.read(data: Data(lzw))
        }
    }
}
