import Foundation
import TestData
import Testing
import AnchorGeometry
@testable import AnchorImaging

@Suite struct NumPyNPYTests {
    @Test func realSrTiO3File() throws {
        let doc = try NumPyNPY.read(data: TestData.realData("srtio3-haadf-atomap/test_ADF_cropped.npy"))
        #expect(doc.format == .npy)
        let img = doc.channels[0].image
        #expect(img.height == 400 && img.width == 380)
        #expect(img.pixelSize == nil && img.unit == .none)
        #expect(img.pixels.allSatisfy { $0.isFinite })
        #expect(doc.metadata["npy.descr"] == "<f4")
    }

    /// The same 2×3 matrix [[0, 1, 2], [3, 4, 5]] in every supported dtype and byte order.
    @Test(arguments: ["<f4", ">f4", "<f8", ">f8", "|u1", "u1", "<i2", ">i2", "<u2", ">u2", "<i4", ">i4", "<u4", ">u4", "<f2", ">f2", "|i1"])
    func dtypes(descr: String) throws {
        let values = [0, 1, 2, 3, 4, 5]
        let big = descr.hasPrefix(">")
        let code = descr.filter { !"<>|=".contains($0) }
        let payload: [UInt8]
        switch code {
        case "f4": payload = SPMFixtures.bytes(values.map { Float($0).bitPattern }, bigEndian: big)
        case "f8": payload = SPMFixtures.bytes(values.map { Double($0).bitPattern }, bigEndian: big)
        case "u1", "i1": payload = values.map { UInt8($0) }
        case "i2", "u2": payload = SPMFixtures.bytes(values.map { UInt16($0) }, bigEndian: big)
        case "i4", "u4": payload = SPMFixtures.bytes(values.map { UInt32($0) }, bigEndian: big)
        // binary16 bit patterns of 0…5.
        case "f2": payload = SPMFixtures.bytes([0x0000, 0x3C00, 0x4000, 0x4200, 0x4400, 0x4500] as [UInt16], bigEndian: big)
        default: Issue.record("unhandled \(descr)"); return
        }
        let img = try NumPyNPY.read(data: SPMFixtures.npy(descr: descr, shape: [2, 3], payload: payload)).channels[0].image
        #expect(img.width == 3 && img.height == 2)
        #expect(img.pixels == [0, 1, 2, 3, 4, 5])
    }

    @Test func negativeAndHalfSpecialValues() throws {
        let i2 = try NumPyNPY.read(data: SPMFixtures.npy(descr: "<i2", shape: [1, 2], payload: SPMFixtures.bytes([UInt16(bitPattern: -300), 7] as [UInt16], bigEndian: false)))
        #expect(i2.channels[0].image.pixels == [-300, 7])
        // -2, smallest subnormal 2^-24, +inf, 65504 (largest half).
        let h = try NumPyNPY.read(data: SPMFixtures.npy(descr: "<f2", shape: [2, 2], payload: SPMFixtures.bytes([0xC000, 0x0001, 0x7C00, 0x7BFF] as [UInt16], bigEndian: false)))
        #expect(h.channels[0].image.pixels == [-2, Float(sign: .plus, exponent: -24, significand: 1), .infinity, 65504])
    }

    @Test func fortranOrderAndVersions() throws {
        // Column-major storage of [[0, 1, 2], [3, 4, 5]].
        let payload = SPMFixtures.bytes([0, 3, 1, 4, 2, 5].map { Float($0).bitPattern }, bigEndian: false)
        for v: UInt8 in [1, 2, 3] {
            let img = try NumPyNPY.read(data: SPMFixtures.npy(descr: "<f4", shape: [2, 3], fortran: true, version: v, payload: payload)).channels[0].image
            #expect(img.pixels == [0, 1, 2, 3, 4, 5], "version \(v)")
        }
    }

    @Test func rgbArrays() throws {
        // 1×2 RGB: red, then (10, 20, 30).
        let c = try NumPyNPY.read(data: SPMFixtures.npy(descr: "|u1", shape: [1, 2, 3], payload: [255, 0, 0, 10, 20, 30]))
        #expect(c.rgb?.samples == [255, 0, 0, 10, 20, 30])
        #expect(abs(c.channels[0].image.pixels[0] - 76.245) < 1e-3)
        // Fortran order: planes R then G then B, each column-major.
        let f = try NumPyNPY.read(data: SPMFixtures.npy(descr: "|u1", shape: [1, 2, 3], fortran: true, payload: [255, 10, 0, 20, 0, 30]))
        #expect(f.rgb?.samples == [255, 0, 0, 10, 20, 30])
    }

    @Test func roundTrip() throws {
        let img = try SPMFixtures.image(width: 9, height: 4)
        let d = NumPyNPY.write(img)
        // NumPy aligns the data to 64 bytes and ends the header with a newline.
        #expect((d.count - img.count * 4) % 64 == 0)
        #expect(d[d.count - img.count * 4 - 1] == 0x0A)
        let back = try NumPyNPY.read(data: d).channels[0].image
        #expect(back.width == 9 && back.height == 4 && back.pixels == img.pixels)
    }

    @Test func brokenFiles() throws {
        let good = NumPyNPY.write(try SPMFixtures.image())
        for n in 0..<good.count {
            #expect(throws: FormatError.self) { try NumPyNPY.read(data: good.prefix(n)) }
        }
        func expectKind(_ d: Data, _ check: @escaping (FormatError) -> Bool) {
            #expect { try NumPyNPY.read(data: d) } throws: { ($0 as? FormatError).map(check) ?? false }
        }
        expectKind(SPMFixtures.npy(descr: "<c16", shape: [1, 1], payload: [UInt8](repeating: 0, count: 16))) {
            if case .unsupported(format: .npy, _) = $0 { return true } else { return false }
        }
        expectKind(SPMFixtures.npy(descr: "<f4", shape: [4], payload: [UInt8](repeating: 0, count: 16))) {
            if case .unsupported(format: .npy, _) = $0 { return true } else { return false }
        }
        expectKind(SPMFixtures.npy(descr: "<f4", shape: [1 << 20, 1 << 20], payload: [])) {
            if case .unsupported(format: .npy, _) = $0 { return true } else { return false }
        }
        expectKind(SPMFixtures.npy(descr: "<f4", shape: [9_223_372_036_854_775_807, 3], payload: [])) {
            if case .unsupported(format: .npy, _) = $0 { return true } else { return false }
        }
        expectKind(SPMFixtures.npy(descr: "<f4", shape: [2, 2], payload: [0, 0, 0])) {
            if case .truncated(format: .npy, _) = $0 { return true } else { return false }
        }
        expectKind(SPMFixtures.npy(descr: "<f4", shape: [-2, 2], payload: [])) {
            if case .corrupt(format: .npy, _) = $0 { return true } else { return false }
        }
        expectKind(Data([0x93] + Array("NUMPY".utf8) + [9, 0, 0, 0])) {
            if case .unsupported(format: .npy, _) = $0 { return true } else { return false }
        }
        expectKind(Data("PK\u{3}\u{4}".utf8)) {
            if case .badMagic(format: .npy, _) = $0 { return true } else { return false }
        }
    }

    @Test func randomByteCorruptionNeverEscapesTypedErrors() throws {
        let good = NumPyNPY.write(try SPMFixtures.image(width: 3, height: 2))
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<300 {
            var d = good
            let i = Int(rng.next() % UInt64(min(d.count, 80)))
            d[i] = UInt8(truncatingIfNeeded: rng.next())
            #expect(outcomeIsTyped { _ = try NumPyNPY.read(data: d) })
        }
    }
}
