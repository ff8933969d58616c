import AnchorGeometry
import Foundation
import Testing
@testable import AnchorImaging

/// Gatan DM3/DM4: the four real files of shared/data/formats (sizes and scales from
/// SOURCES.md), files written from the format notes (thumbnail first, big-endian values,
/// brightness calibration), and broken files.
@Suite struct GatanDMTests {
    @Test(arguments: [
        ("dm3/vecmap_Sample_ABF.dm3", ImageFormat.dm3, 323, 323, 0.015995, 0.015995),
        ("dm3/rsciio_test_STEM_image.dm3", .dm3, 68, 68, 0.248538, 0.248538),
        ("dm4/vecmap_PTO100-40nm-HAADF.dm4", .dm4, 244, 258, 0.016, 0.016),
        // x in nm, y in "A" (ångström): 1 nm and 2 Å.
        ("dm4/ncempy_dmTest_float32_nonSquare.dm4", .dm4, 128, 64, 1.0, 0.2),
    ])
    func realFiles(path: String, format: ImageFormat, width: Int, height: Int, sx: Double, sy: Double) throws {
        let doc = try ImageFile.read(path: SPMFixtures.formatPath(path))
        #expect(doc.format == format)
        #expect(doc.channels.count == 1)
        let img = doc.channels[0].image
        #expect(img.width == width && img.height == height)
        #expect(img.unit == .nanometre)
        let p = try #require(img.pixelSize)
        #expect(abs(p.x - sx) < 5e-7 && abs(p.y - sy) < 5e-7, "\(p)")
        #expect(img.finiteRange != nil)
    }

    /// The STEM test image is uint32 counts; the ABF one float32 (SOURCES.md).
    @Test func realSampleTypes() throws {
        let stem = try ImageFile.read(path: SPMFixtures.formatPath("dm3/rsciio_test_STEM_image.dm3"))
        #expect(stem.metadata["test_STEM_image.data_type"] == "11")
        #expect(stem.channels[0].image.pixels.allSatisfy { $0 >= 0 && $0 == $0.rounded() })
        let abf = try ImageFile.read(path: SPMFixtures.formatPath("dm3/vecmap_Sample_ABF.dm3"))
        #expect(abf.metadata["Sample_ABF.data_type"] == "2")
    }

    // MARK: - Files written from the format notes

    /// Tag-tree writer: DM3 (32-bit counts) or DM4 (64-bit counts and tag sizes).
    struct Writer {
        var dm4: Bool
        var little: Bool

        func be(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * (n - 1 - $0))) } }
        func count(_ v: Int) -> [UInt8] { be(v, dm4 ? 8 : 4) }
        func value(_ bits: UInt64, _ n: Int) -> [UInt8] {
            let b = (0..<n).map { UInt8(truncatingIfNeeded: bits >> (8 * $0)) }
            return little ? b : b.reversed()
        }

        enum Node {
            case group([(String, Node)])
            case long(Int32)
            case float(Float)
            case u16Text(String)
            case array(type: Int, elements: [UInt8], count: Int)
        }

        func tag(_ name: String, _ node: Node) -> [UInt8] {
            let nm = Array(name.utf8)
            var body: [UInt8]
            let kind: UInt8
            switch node {
            case .group(let children):
                kind = 20
                body = [0, 0] + count(children.count)
                for (n, c) in children { body += tag(n, c) }
            case .long(let v):
                kind = 21
                body = Array("%%%%".utf8) + count(1) + count(3) + value(UInt64(UInt32(bitPattern: v)), 4)
            case .float(let v):
                kind = 21
                body = Array("%%%%".utf8) + count(1) + count(6) + value(UInt64(v.bitPattern), 4)
            case .u16Text(let s):
                kind = 21
                let units = Array(s.utf16)
                body = Array("%%%%".utf8) + count(3) + count(20) + count(4) + count(units.count)
                for u in units { body += value(UInt64(u), 2) }
            case .array(let type, let elements, let n):
                kind = 21
                body = Array("%%%%".utf8) + count(3) + count(20) + count(type) + count(n) + elements
            }
            var out: [UInt8] = [kind] + be(nm.count, 2) + nm
            if dm4 { out += be(body.count, 8) }
            return out + body
        }

        func file(_ root: [(String, Node)]) -> Data {
            var rootBytes: [UInt8] = [0, 0] + count(root.count)
            for (n, c) in root { rootBytes += tag(n, c) }
            let header = be(dm4 ? 4 : 3, 4) + (dm4 ? be(rootBytes.count, 8) : be(rootBytes.count, 4)) + be(little ? 1 : 0, 4)
            return Data(header + rootBytes + [0, 0, 0, 0, 0, 0, 0, 0])
        }

        func image(name: String, dataType: Int32, dims: [Int32], type: Int, elements: [UInt8], count n: Int,
                   scales: [(Float, String)], brightness: (Float, Float, String)? = nil) -> Node {
            var cal: [(String, Node)] = [("Dimension", .group(scales.map { ("", .group([("Origin", .float(0)), ("Scale", .float($0.0)), ("Units", .u16Text($0.1))])) }))]
            if let b = brightness {
                cal.append(("Brightness", .group([("Origin", .float(b.0)), ("Scale", .float(b.1)), ("Units", .u16Text(b.2))])))
            }
            return .group([
                ("ImageData", .group([
                    ("Calibrations", .group(cal)),
                    ("Data", .array(type: type, elements: elements, count: n)),
                    ("DataType", .long(dataType)),
                    ("Dimensions", .group(dims.map { ("", .long($0)) })),
                ])),
                ("Name", .u16Text(name)),
            ])
        }
    }

    @Test(arguments: [(false, true), (false, false), (true, true), (true, false)])
    func writtenFileSkipsThumbnailAndKeepsCalibration(dm4: Bool, little: Bool) throws {
        let w = Writer(dm4: dm4, little: little)
        let (width, height) = (5, 3)
        let values: [Int16] = (0..<(width * height)).map { Int16($0 * 7 - 40) }
        let elements = values.flatMap { w.value(UInt64(UInt16(bitPattern: $0)), 2) }
        let rgbThumb = w.image(name: "thumb", dataType: 23, dims: [2, 2], type: 5, elements: [UInt8](repeating: 9, count: 16),
                               count: 4, scales: [(1, ""), (1, "")])
        let main = w.image(name: "HAADF", dataType: 1, dims: [Int32(width), Int32(height)], type: 2, elements: elements,
                           count: values.count, scales: [(0.25, "µm"), (2.5, "Å")], brightness: (10, 0.5, "counts"))
        let file = w.file([("ImageList", .group([("", rgbThumb), ("", main)])), ("Other", .long(4))])
        let doc = try ImageFile.read(data: file)
        #expect(doc.format == (dm4 ? .dm4 : .dm3))
        #expect(doc.channels.map(\.name) == ["HAADF"])
        let img = doc.channels[0].image
        #expect(img.width == width && img.height == height)
        #expect(abs(img.pixelSize!.x - 250) < 1e-3 && abs(img.pixelSize!.y - 0.25) < 1e-7)
        #expect(img.valueUnit == "counts")
        for (i, v) in values.enumerated() { #expect(img.pixels[i] == (Float(v) - 10) * 0.5) }
    }

    @Test func stacksAndSpectraAreRefusedByName() throws {
        let w = Writer(dm4: false, little: true)
        let stack = w.image(name: "series", dataType: 2, dims: [2, 2, 3], type: 6, elements: [UInt8](repeating: 0, count: 48),
                            count: 12, scales: [(1, "nm"), (1, "nm"), (1, "s")])
        #expect(throws: FormatError.unsupported(format: .dm3, "no 2-D real image; found series: 3-D (2×2×3)")) {
            _ = try GatanDM.read(data: w.file([("ImageList", .group([("", stack)]))]))
        }
        let wrongCount = w.image(name: "x", dataType: 2, dims: [4, 4], type: 6, elements: [UInt8](repeating: 0, count: 48),
                                 count: 12, scales: [])
        #expect(throws: FormatError.corrupt(format: .dm3, "x: Data holds 12 samples, dimensions 4×4 need 16")) {
            _ = try GatanDM.read(data: w.file([("ImageList", .group([("", wrongCount)]))]))
        }
        #expect(throws: FormatError.corrupt(format: .dm3, "no ImageList tag group")) {
            _ = try GatanDM.read(data: w.file([("Other", .long(1))]))
        }
    }

    @Test func absurdCountsAreRefusedBeforeAllocating() throws {
        // A DM4 root group claiming 2^40 tags in a 30-byte file.
        var bytes: [UInt8] = [0, 0, 0, 4] + [UInt8](repeating: 0, count: 8) + [0, 0, 0, 1] + [0, 0]
        bytes += [0, 0, 1, 0, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 6)
        #expect {
            _ = try ImageFile.read(data: Data(bytes))
        } throws: { e in
            guard case FormatError.corrupt(.dm4, let m) = e else { return false }
            return m.contains("claims 1099511627776 tags")
        }
    }

    @Test func mutatedRealAndWrittenFilesGiveTypedErrors() throws {
        SPMFixtures.mutations(of: try SPMFixtures.formatFile("dm3/rsciio_test_STEM_image.dm3"), fileExtension: "dm3", "dm3 real")
        SPMFixtures.mutations(of: try SPMFixtures.formatFile("dm4/ncempy_dmTest_float32_nonSquare.dm4"), fileExtension: "dm4", "dm4 real")
        let w = Writer(dm4: true, little: true)
        let img = w.image(name: "a", dataType: 2, dims: [2, 2], type: 6, elements: [UInt8](repeating: 0x3F, count: 16),
                          count: 4, scales: [(1, "nm"), (1, "nm")])
        SPMFixtures.mutations(of: w.file([("ImageList", .group([("", img)]))]), fileExtension: "dm4", cuts: 100, flips: 300, "dm4 written")
    }
}
