import Foundation
import TestData
import Testing
import AnchorGeometry
@testable import AnchorImaging

@Suite struct RawImportTests {
    @Test(arguments: [("image_with_defects.dat", 256), ("image_with_step_edge.dat", 512)])
    func realSPIEPyFiles(file: String, side: Int) throws {
        let data = try TestData.realData("si7x7-spiepy/" + file)
        let layout = try RawLayout(parsing: "\(side),\(side),f64le,8")
        let doc = try RawImport.read(data: data, layout: layout)
        let img = doc.channels[0].image
        #expect(img.width == side && img.height == side)
        #expect(img.pixelSize == nil)
        let r = try #require(img.finiteRange)
        #expect(r.max - r.min > 1e-11 && r.max - r.min < 1e-6)  // heights in metres
        // The 8-byte header holds (rows, cols) as little-endian uint32.
        let head = try RawImport.read(data: data, layout: RawLayout(rows: 1, cols: 2, sampleType: .u32le))
        #expect(head.channels[0].image.pixels == [Float(side), Float(side)])
    }

    @Test(arguments: RawSampleType.allCases)
    func everySampleType(type: RawSampleType) throws {
        let values: [Double] = [0, 1, 2, 200, 3, 4]
        var d = Data([0xAB, 0xCD, 0xEF])  // header to skip
        for v in values {
            var b: [UInt8]
            switch type {
            case .u8: b = [UInt8(v)]
            case .u16le, .u16be, .i16le, .i16be: b = SPMFixtures.bytes([UInt16(v)], bigEndian: type.isBigEndian)
            case .u32le, .u32be, .i32le, .i32be: b = SPMFixtures.bytes([UInt32(v)], bigEndian: type.isBigEndian)
            case .f32le, .f32be: b = SPMFixtures.bytes([Float(v).bitPattern], bigEndian: type.isBigEndian)
            case .f64le, .f64be: b = SPMFixtures.bytes([v.bitPattern], bigEndian: type.isBigEndian)
            }
            d.append(contentsOf: b)
        }
        d.append(contentsOf: [1, 2, 3, 4, 5, 6, 7, 8, 9])  // trailer is ignored
        let img = try RawImport.read(data: d, layout: RawLayout(rows: 2, cols: 3, sampleType: type, offset: 3)).channels[0].image
        #expect(img.width == 3 && img.height == 2)
        #expect(img.pixels == values.map(Float.init))
    }

    @Test func signedValues() throws {
        let d = Data(SPMFixtures.bytes([UInt16(bitPattern: -5)], bigEndian: true) + SPMFixtures.bytes([UInt32(bitPattern: -70000)], bigEndian: false))
        #expect(try RawImport.read(data: d, layout: RawLayout(rows: 1, cols: 1, sampleType: .i16be)).channels[0].image.pixels == [-5])
        #expect(try RawImport.read(data: d, layout: RawLayout(rows: 1, cols: 1, sampleType: .i32le, offset: 2)).channels[0].image.pixels == [-70000])
    }

    @Test func layoutParsing() throws {
        #expect(try RawLayout(parsing: "256,128,f64le,8") == RawLayout(rows: 256, cols: 128, sampleType: .f64le, offset: 8))
        #expect(try RawLayout(parsing: " 4 , 5 , U16BE ") == RawLayout(rows: 4, cols: 5, sampleType: .u16be, offset: 0))
        for bad in ["", "4,5", "4,5,f16le,0", "0,5,u8,0", "4,-5,u8", "4,5,u8,-1", "4,5,u8,0,9", "a,5,u8"] {
            #expect(throws: FormatError.self, "\(bad)") { try RawLayout(parsing: bad) }
        }
    }

    @Test func brokenInputs() throws {
        let d = Data(repeating: 0, count: 100)
        #expect { try RawImport.read(data: d, layout: RawLayout(rows: 10, cols: 10, sampleType: .u16le)) } throws: {
            if case FormatError.truncated(format: .raw, _) = $0 { return true } else { return false }
        }
        #expect { try RawImport.read(data: d, layout: RawLayout(rows: 1 << 15, cols: 1 << 14, sampleType: .u8)) } throws: {
            if case FormatError.unsupported(format: .raw, _) = $0 { return true } else { return false }
        }
        #expect(throws: FormatError.self) { try RawImport.read(data: d, layout: RawLayout(rows: Int.max, cols: 2, sampleType: .u8)) }
        #expect(throws: FormatError.self) { try RawImport.read(data: d, layout: RawLayout(rows: 2, cols: 2, sampleType: .u8, offset: Int.max)) }
        #expect(throws: FormatError.self) { try RawImport.read(data: d, layout: RawLayout(rows: 2, cols: 2, sampleType: .u8, offset: -1)) }
        #expect(throws: FormatError.self) { try RawImport.read(data: d, options: ImageReadOptions()) }
    }
}
