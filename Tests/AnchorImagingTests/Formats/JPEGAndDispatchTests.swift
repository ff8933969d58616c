import AnchorGeometry
import Foundation
import TestData
import Testing
@testable import AnchorImaging

@Suite struct JPEGAndDispatchTests {
    @Test func realPhotographsHaveTheirSizes() throws {
        for (file, w, h) in [("snakesmall2.jpg", 900, 507), ("snakesmall1.jpg", 900, 507), ("snake_design.jpg", 2500, 1406)] {
            let doc = try ImageFile.read(path: TestData.realPath("optical-snake-hackerfab/" + file))
            #expect(doc.format == .jpeg)
            let rgb = try #require(doc.rgb)
            #expect(rgb.width == w && rgb.height == h)
            #expect(doc.channels[0].name == "luminance")
            #expect(doc.channels[0].image.pixels == rgb.luminance().pixels)
        }
    }

    @Test func snakeOneIsSnakeTwoRotated() throws {
        // SOURCES.md: snakesmall1 is an exact 180° rotation of snakesmall2 (up to JPEG noise).
        let a = try ImageFile.read(path: TestData.realPath("optical-snake-hackerfab/snakesmall1.jpg")).channels[0].image
        let b = try ImageFile.read(path: TestData.realPath("optical-snake-hackerfab/snakesmall2.jpg")).channels[0].image
        var diff: Double = 0
        for i in 0..<a.count { diff += Double(abs(a.pixels[i] - b.pixels[a.count - 1 - i])) }
        #expect(diff / Double(a.count) < 3)
    }

    @Test func detectionIsByContentNotName() throws {
        let png = try PNGCodec.encode(gray8: [1, 2, 3, 4], width: 2, height: 2)
        #expect(ImageFile.detectFormat(png, fileExtension: "tif") == .png)
        #expect(try ImageFile.read(data: png, fileExtension: "jpg").format == .png)
        #expect(ImageFile.detectFormat(Array(":NANONIS_VERSION:\n2\n".utf8), fileExtension: nil) == .sxm)
        #expect(ImageFile.detectFormat(Array("GWYP\0\0".utf8), fileExtension: nil) == .gwy)
        #expect(ImageFile.detectFormat(Array("Gwyddion Simple Field 1.0\n".utf8), fileExtension: nil) == .gsf)
        #expect(ImageFile.detectFormat([0x93] + Array("NUMPY\u{1}\0".utf8), fileExtension: nil) == .npy)
        #expect(ImageFile.detectFormat(Array("ISO/TC 201 SPM data transfer format\n".utf8), fileExtension: nil) == .iso28600)
        #expect(ImageFile.detectFormat(Array("MM\0*\0\0\0\u{8}".utf8), fileExtension: nil) == .tiff)
        // Unknown content: the extension decides, so the user gets that format's own complaint.
        #expect(ImageFile.detectFormat([1, 2, 3, 4], fileExtension: ".TIF") == .tiff)
        #expect(ImageFile.detectFormat([1, 2, 3, 4], fileExtension: "dat") == nil)
        #expect(throws: FormatError.badMagic(format: .tiff, "byte-order mark is neither II nor MM")) {
            _ = try ImageFile.read(data: Data([1, 2, 3, 4, 5, 6, 7, 8, 9]), fileExtension: "tif")
        }
        #expect {
            _ = try ImageFile.read(data: Data([1, 2, 3]), fileExtension: "dat")
        } throws: { error in
            guard case FormatError.unrecognized(let m) = error else { return false }
            return m.contains("01 02 03") && m.contains("--raw")
        }
    }

    @Test func missingFileAndDirectoryAreIOErrors() {
        #expect(throws: FormatError.io("/nonexistent/x.png: no such file")) {
            _ = try ImageFile.read(path: "/nonexistent/x.png")
        }
        #expect(throws: FormatError.self) { _ = try ImageFile.read(path: "/tmp") }
    }

    @Test func rawLayoutParsing() throws {
        #expect(try RawLayout(parsing: "256,256,f64le,8") == RawLayout(rows: 256, cols: 256, sampleType: .f64le, offset: 8))
        #expect(try RawLayout(parsing: "4, 3, U16BE") == RawLayout(rows: 4, cols: 3, sampleType: .u16be, offset: 0))
        for bad in ["256,256", "0,2,u8", "2,2,u12", "2,2,u8,-1", "a,2,u8,0", "1,2,u8,0,9"] {
            #expect(throws: FormatError.self) { _ = try RawLayout(parsing: bad) }
        }
        #expect(RawSampleType.f64be.byteCount == 8 && RawSampleType.f64be.isBigEndian)
        #expect(RawLayout(rows: 1 << 40, cols: 1 << 30, sampleType: .u8).dataByteCount == nil)
    }

    @Test func channelSelection() throws {
        let img = try Image(width: 1, height: 1, pixels: [1])
        let doc = ImageDocument(format: .sxm, channels: [
            ImageChannel(name: "Z (forward)", image: img), ImageChannel(name: "Z (backward)", image: img),
            ImageChannel(name: "Current (forward)", image: img),
        ])
        #expect(try doc.channel(named: "Z (backward)").name == "Z (backward)")
        #expect(try doc.channel(named: "z (FORWARD)").name == "Z (forward)")
        #expect(try doc.channel(named: "Current").name == "Current (forward)")
        #expect(try doc.channel(named: "1").name == "Z (backward)")
        #expect(try doc.channel(index: 2).name == "Current (forward)")
        #expect(throws: FormatError.ambiguousChannel(format: .sxm, requested: "Z",
                                                     candidates: ["Z (forward)", "Z (backward)"])) {
            _ = try doc.channel(named: "Z")
        }
        #expect(throws: FormatError.noSuchChannel(format: .sxm, requested: "Phase",
                                                  available: ["0: Z (forward)", "1: Z (backward)", "2: Current (forward)"])) {
            _ = try doc.channel(named: "Phase")
        }
        #expect(throws: FormatError.self) { _ = try doc.channel(index: 3) }
    }
}
