import Foundation
import Testing
import AnchorGeometry
@testable import AnchorImaging

@Suite struct ISO28600SPMTests {
    @Test func realGraphiteFile() throws {
        let doc = try ISO28600SPM.read(data: SPMFixtures.real("graphite-driftcorrection/graphiteterrace.spm"))
        #expect(doc.format == .iso28600)
        #expect(doc.channels.map(\.name) == ["Z (Forward)"])
        let img = doc.channels[0].image
        #expect(img.width == 512 && img.height == 512)
        #expect(img.unit == .nanometre && img.valueUnit == "m")
        let ps = try #require(img.pixelSize)
        #expect(abs(ps.x - 11.4807 / 512) < 1e-9 && abs(ps.y - 11.4807 / 512) < 1e-9)
        // First and last stored values (row-major, as stored).
        #expect(img[0, 0] == Float(1.5579461e-10))
        #expect(img[511, 511] == Float(9.3093692e-10))
        #expect(doc.metadata["slow_axis"] == "Y top to bottom")
    }

    /// A minimal file with the standard's line positions, built from scratch.
    static func file(nx: String = "3", ny: String = "2", size: String = "3e-9", values: [String]? = nil,
                     end: Bool = true) -> Data {
        var lines = ["ISO/TC 201 SPM data transfer format", "general information"]
        while lines.count < 23 { lines.append("") }
        lines += [nx, ny, "m", "m", size, size]
        lines += ["single-channel mapping description", "Height", "nm", "end of header"]
        lines += values ?? (0..<6).map { "\(Double($0) * 0.5)" }
        if end { lines.append("end of experiment") }
        return Data((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    @Test func syntheticFileAsStored() throws {
        let img = try ISO28600SPM.read(data: Self.file()).channels[0].image
        #expect(img.width == 3 && img.height == 2)
        #expect(img.pixels == [0, 0.5, 1, 1.5, 2, 2.5])
        #expect(img.valueUnit == "nm")
        let ps = try #require(img.pixelSize)
        #expect(abs(ps.x - 1) < 1e-12 && abs(ps.y - 1.5) < 1e-12)
    }

    @Test func brokenFiles() throws {
        let good = Self.file()
        // Every cut before the final "end of experiment" is complete fails (a cut in the
        // trailing CR LF leaves a complete file).
        for n in 0..<(good.count - 2) {
            #expect(throws: FormatError.self) { try ISO28600SPM.read(data: good.prefix(n)) }
        }
        #expect { try ISO28600SPM.read(data: Self.file(values: ["1", "2"])) } throws: {
            if case FormatError.truncated(format: .iso28600, _) = $0 { return true } else { return false }
        }
        #expect { try ISO28600SPM.read(data: Self.file(values: ["1", "2", "x3", "4", "5", "6"])) } throws: {
            if case FormatError.corrupt(format: .iso28600, _) = $0 { return true } else { return false }
        }
        #expect { try ISO28600SPM.read(data: Self.file(nx: "65536", ny: "65536")) } throws: {
            if case FormatError.unsupported(format: .iso28600, _) = $0 { return true } else { return false }
        }
        #expect { try ISO28600SPM.read(data: Self.file(nx: "three")) } throws: {
            if case FormatError.corrupt(format: .iso28600, _) = $0 { return true } else { return false }
        }
        #expect { try ISO28600SPM.read(data: Data("some other text\n".utf8)) } throws: {
            if case FormatError.badMagic(format: .iso28600, _) = $0 { return true } else { return false }
        }
        // Without the closing line the file counts as cut; extra values are corrupt.
        #expect { try ISO28600SPM.read(data: Self.file(end: false)) } throws: {
            if case FormatError.truncated(format: .iso28600, _) = $0 { return true } else { return false }
        }
        #expect { try ISO28600SPM.read(data: Self.file(values: (0..<7).map(String.init))) } throws: {
            if case FormatError.corrupt(format: .iso28600, _) = $0 { return true } else { return false }
        }
    }
}

@Suite struct RawImportTests {
    @Test(arguments: [("image_with_defects.dat", 256), ("image_with_step_edge.dat", 512)])
    func realSPIEPyFiles(file: String, side: Int) throws {
        let data = try SPMFixtures.real("si7x7-spiepy/" + file)
        let layout = try RawLayout(parsing: "\(side),\(side),f64le,8")
        let doc = try RawImport.read(data: data, layout: layout)
        let img = doc.channels[0].image
        #expect(img.width == side && img.height == side)
        #expect(img.pixelSize == nil)
        let r = try #require(img.finiteRange)
        #expect(r.max - r.min > 1e-11 && r.max - r.min < 1e-6)  // heights in metres
        // The 8-byte header holds (rows, cols) as little-endian uint32.
        let head = try RawImport.read(data: data, layout: RawLayout(rows: 1, cols: 2, type: .u32le))
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
        let img = try RawImport.read(data: d, layout: RawLayout(rows: 2, cols: 3, type: type, offset: 3)).channels[0].image
        #expect(img.width == 3 && img.height == 2)
        #expect(img.pixels == values.map(Float.init))
    }

    @Test func signedValues() throws {
        let d = Data(SPMFixtures.bytes([UInt16(bitPattern: -5)], bigEndian: true) + SPMFixtures.bytes([UInt32(bitPattern: -70000)], bigEndian: false))
        #expect(try RawImport.read(data: d, layout: RawLayout(rows: 1, cols: 1, type: .i16be)).channels[0].image.pixels == [-5])
        #expect(try RawImport.read(data: d, layout: RawLayout(rows: 1, cols: 1, type: .i32le, offset: 2)).channels[0].image.pixels == [-70000])
    }

    @Test func layoutParsing() throws {
        #expect(try RawLayout(parsing: "256,128,f64le,8") == RawLayout(rows: 256, cols: 128, type: .f64le, offset: 8))
        #expect(try RawLayout(parsing: " 4 , 5 , U16BE ") == RawLayout(rows: 4, cols: 5, type: .u16be, offset: 0))
        for bad in ["", "4,5", "4,5,f16le,0", "0,5,u8,0", "4,-5,u8", "4,5,u8,-1", "4,5,u8,0,9", "a,5,u8"] {
            #expect(throws: FormatError.self, "\(bad)") { try RawLayout(parsing: bad) }
        }
    }

    @Test func brokenInputs() throws {
        let d = Data(repeating: 0, count: 100)
        #expect { try RawImport.read(data: d, layout: RawLayout(rows: 10, cols: 10, type: .u16le)) } throws: {
            if case FormatError.truncated(format: .raw, _) = $0 { return true } else { return false }
        }
        #expect { try RawImport.read(data: d, layout: RawLayout(rows: 1 << 15, cols: 1 << 14, type: .u8)) } throws: {
            if case FormatError.unsupported(format: .raw, _) = $0 { return true } else { return false }
        }
        #expect(throws: FormatError.self) { try RawImport.read(data: d, layout: RawLayout(rows: Int.max, cols: 2, type: .u8)) }
        #expect(throws: FormatError.self) { try RawImport.read(data: d, layout: RawLayout(rows: 2, cols: 2, type: .u8, offset: Int.max)) }
        #expect(throws: FormatError.self) { try RawImport.read(data: d, layout: RawLayout(rows: 2, cols: 2, type: .u8, offset: -1)) }
        #expect(throws: FormatError.self) { try RawImport.read(data: d, options: ImageReadOptions()) }
    }
}
