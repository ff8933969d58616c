import AnchorGeometry
import Foundation
import TestData
import Testing
@testable import AnchorImaging

@Suite struct TIFFReaderTests {
    static func values(_ kind: TIFFFixture.Kind, count: Int, plane: Int = 0) -> [Double] {
        (0..<count).map { i in
            let t = Double((i * 7919 + plane * 104_729) % 1000)
            switch kind {
            case .u8: return Double(Int(t) % 256)
            case .i8: return Double(Int(t) % 256 - 128)
            case .u16: return t * 65
            case .i16: return t * 65 - 32768
            case .u32: return t * 4_000_000
            case .i32: return t * 4_000_000 - 2_000_000_000
            case .f32, .f64: return (t - 500) * 0.001953125   // exact in Float
            }
        }
    }

    func check(_ f: TIFFFixture, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let doc = try ImageFile.read(data: Data(f.build()), fileExtension: "tif")
        #expect(doc.format == .tiff, sourceLocation: sourceLocation)
        let planes: [Int] = f.spp >= 3 ? [1, 2, 3] : [0]
        for (s, c) in planes.enumerated() {
            let img = doc.channels[c].image
            #expect(img.width == f.width && img.height == f.height, sourceLocation: sourceLocation)
            #expect(img.pixels == f.values[s].map { Float($0) }, sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [TIFFFixture.Kind.u8, .i8, .u16, .i16, .u32, .i32, .f32, .f64])
    func everySampleTypeInBothByteOrders(kind: TIFFFixture.Kind) throws {
        for big in [false, true] {
            var f = TIFFFixture(width: 13, height: 7, values: [Self.values(kind, count: 91)])
            f.kind = kind; f.bigEndian = big; f.rowsPerStrip = 3
            try check(f)
        }
    }

    @Test(arguments: [1, 5, 8, 32946, 32773])
    func compressionsWithStripsAndTiles(compression: Int) throws {
        for big in [false, true] {
            for tiled in [false, true] {
                for predictor in [1, 2] {
                    var f = TIFFFixture(width: 37, height: 29, values: [Self.values(.u16, count: 37 * 29)])
                    f.kind = .u16; f.bigEndian = big; f.compression = compression; f.predictor = predictor
                    if tiled { f.tile = (16, 16) } else { f.rowsPerStrip = 8 }
                    try check(f)
                }
            }
        }
    }

    @Test func floatingPointPredictorAndRGBPlanar() throws {
        for big in [false, true] {
            var f = TIFFFixture(width: 19, height: 11, values: [Self.values(.f32, count: 209)])
            f.kind = .f32; f.bigEndian = big; f.compression = 8; f.predictor = 3
            try check(f)
            f.kind = .f64; f.compression = 5
            try check(f)
        }
        for planar in [1, 2] {
            var f = TIFFFixture(width: 9, height: 5, values: (0..<3).map { Self.values(.u8, count: 45, plane: $0) })
            f.spp = 3; f.kind = .u8; f.planar = planar; f.compression = 5; f.predictor = 2; f.rowsPerStrip = 2
            try check(f)
            let doc = try TIFFReader.read(data: Data(f.build()))
            #expect(doc.rgb?.samples[0...2].map(Float.init) == f.values.map { Float($0[0]) })
        }
    }

    @Test func paletteAndWhiteIsZero() throws {
        var f = TIFFFixture(width: 3, height: 1, values: [[0, 1, 255]])
        f.kind = .u8; f.photometric = 3
        var map = [Int](repeating: 0, count: 3 * 256)
        map[1] = 0xFF00; map[256 + 1] = 0x8000; map[512 + 1] = 0x0100   // colour 1 = (255, 128, 1)
        map[255] = 0xFFFF; map[256 + 255] = 0xFFFF; map[512 + 255] = 0xFFFF
        f.colorMap = map
        let doc = try TIFFReader.read(data: Data(f.build()))
        #expect(doc.rgb?.samples == [0, 0, 0, 255, 128, 1, 255, 255, 255])
        #expect(doc.channels[1].image.pixels == [0, 0xFF00, 0xFFFF])
        f.colorMap = Array(map.prefix(10))
        #expect(throws: FormatError.self) { _ = try TIFFReader.read(data: Data(f.build())) }

        var w = TIFFFixture(width: 3, height: 1, values: [[0, 100, 65535]])
        w.photometric = 0
        #expect(try TIFFReader.read(data: Data(w.build())).channels[0].image.pixels == [65535, 65435, 0])
    }

    @Test func largeLZWStripWithManyTableResets() throws {
        var g = SeededGenerator(seed: 7)
        let n = 300 * 200
        let vals = (0..<n).map { _ in Double(g.next() % 50) }   // compressible but not trivially
        var f = TIFFFixture(width: 300, height: 200, values: [vals])
        f.kind = .u8; f.compression = 5
        try check(f)
    }

    @Test func calibrationFromImageJAndResolutionUnit() throws {
        var f = TIFFFixture(width: 4, height: 4, values: [Self.values(.f32, count: 16)])
        f.kind = .f32
        f.description = "ImageJ=1.54f\nunit=\\u00B5m\n"
        f.resolution = (2, 4, 1)
        var img = try TIFFReader.read(data: Data(f.build())).channels[0].image
        #expect(img.unit == .micrometre && img.pixelSize == PixelSize(x: 0.5, y: 0.25))
        f.description = "ImageJ=1.54f\nunit=micron\n"
        #expect(try TIFFReader.read(data: Data(f.build())).channels[0].image.unit == .micrometre)
        f.description = nil
        f.resolution = (10_000, 10_000, 3)   // 10000 px/cm = 1 µm pixels
        img = try TIFFReader.read(data: Data(f.build())).channels[0].image
        #expect(img.unit == .micrometre)
        #expect(abs(img.pixelSize!.x - 1) < 1e-9)
        f.resolution = (72, 72, 2)           // printer default: no calibration
        #expect(try TIFFReader.read(data: Data(f.build())).channels[0].image.pixelSize == nil)
    }

    @Test func writerRoundTripsFloatAndUInt16WithImageJCalibration() throws {
        var g = SeededGenerator(seed: 1)
        let px = (0..<(31 * 17)).map { _ in Float(g.uniform(-3, 3)) }
        let img = try Image(width: 31, height: 17, pixels: px, pixelSize: PixelSize(x: 0.195, y: 0.2), unit: .nanometre)
        let data = try TIFFWriter.encode(img)
        let back = try ImageFile.read(data: data).channels[0].image
        #expect(back.pixels == px)
        #expect(back.unit == .nanometre)
        #expect(abs(back.pixelSize!.x - 0.195) < 1e-6 && abs(back.pixelSize!.y - 0.2) < 1e-6)
        let desc = try TIFFReader.read(data: data).metadata["tiff.description"] ?? ""
        #expect(desc.hasPrefix("ImageJ=") && desc.contains("unit=nm"))

        let ints = try Image(width: 5, height: 2, pixels: [0, 1, 2, 65535, 70000, -4, 3.4, 3.6, 1000, 42],
                             pixelSize: PixelSize(x: 2, y: 2), unit: .micrometre)
        let u16 = try TIFFReader.read(data: TIFFWriter.encode(ints, as: .uint16)).channels[0].image
        #expect(u16.pixels == [0, 1, 2, 65535, 65535, 0, 3, 4, 1000, 42])
        #expect(u16.unit == .micrometre && u16.pixelSize == PixelSize(x: 2, y: 2))

        let rgb = try RGBImage(width: 3, height: 2, samples: (0..<18).map { UInt8($0 * 13) })
        #expect(try TIFFReader.read(data: TIFFWriter.encode(rgb: rgb)).rgb == rgb)
    }

    @Test func choosesPagesAndRefusesMissingOnesAndCycles() throws {
        for big in [false, true] {
            var p0 = TIFFFixture(width: 2, height: 2, values: [[1, 2, 3, 4]]); p0.bigEndian = big
            var p1 = TIFFFixture(width: 3, height: 1, values: [[7, 8, 9]]); p1.bigEndian = big; p1.kind = .f32
            let file = Data(TIFFFixture.multiPage([p0, p1]))
            #expect(try TIFFReader.read(data: file).channels[0].image.pixels == [1, 2, 3, 4])
            let second = try TIFFReader.read(data: file, options: ImageReadOptions(page: 1))
            #expect(second.channels[0].image.pixels == [7, 8, 9])
            #expect(second.metadata["tiff.pages"] == "2")
            #expect(throws: FormatError.noSuchChannel(format: .tiff, requested: "page 2", available: ["page 0", "page 1"])) {
                _ = try TIFFReader.read(data: file, options: ImageReadOptions(page: 2))
            }
            let looped = Data(TIFFFixture.multiPage([p0, p1], loop: true))
            #expect {
                _ = try TIFFReader.read(data: looped)
            } throws: { error in
                guard case FormatError.corrupt(.tiff, let m) = error else { return false }
                return m.contains("loops back")
            }
        }
    }

    @Test func realImageJFiles() throws {
        let graphene = try ImageFile.read(path: TestData.realPath("graphene-hrtem/graphene_defect_raw.tif"))
        #expect(graphene.format == .tiff)
        let g = graphene.channels[0].image
        #expect(g.width == 512 && g.height == 512)
        #expect(graphene.metadata["tiff.sample"] == "f32")
        #expect(g.pixelSize == nil)
        let r = try #require(g.finiteRange)
        #expect(r.max > r.min)

        let tio2 = try ImageFile.read(path: TestData.realPath("tio2-hrtem/TiO2_0eV.tif"))
        let t = tio2.channels[0].image
        #expect(t.width == 256 && t.height == 256)
        #expect(tio2.metadata["tiff.sample"] == "u8")
        #expect(t.pixels.allSatisfy { $0 >= 0 && $0 <= 255 && $0 == $0.rounded() })
    }
}
