import AnchorGeometry
import AnchorImaging
import Foundation
import TestData
import Testing
@testable import AnchorRegCLI

/// `anchorreg info` and `convert` on the instrument files of shared/data/formats, and on
/// mutated copies of them written to disk (truncated, bytes flipped): every run ends with
/// a report or a typed `FormatError`, never a crash or another error.
@Suite struct InstrumentFormatsCLITests {
    /// `shared/data/formats`, found by the one test-data helper.
    static let formats: URL = TestData.shared.appendingPathComponent("data/formats")

    /// File, format, width, height, pixel size x (nm), from shared/data/formats/SOURCES.md.
    static let files: [(String, String, Int, Int, Double)] = [
        ("dm3/vecmap_Sample_ABF.dm3", "dm3", 323, 323, 0.015995),
        ("dm3/rsciio_test_STEM_image.dm3", "dm3", 68, 68, 0.248538),
        ("dm4/vecmap_PTO100-40nm-HAADF.dm4", "dm4", 244, 258, 0.016),
        ("dm4/ncempy_dmTest_float32_nonSquare.dm4", "dm4", 128, 64, 1.0),
        ("nanoscope/TopoStats_old_bruker.002", "nanoscope", 256, 256, 15000.0 / 256),
        ("ibw/SciFiDatasets_P0089OP0027.ibw", "ibw", 256, 256, 2000.0 / 255),
        ("ibw/SciFiDatasets_ScV6Sn6_STM_I.ibw", "ibw", 256, 58, 0.01953125),
        ("createc/py_createc_A200621.161352.dat", "createc", 256, 256, 21.52566 / 256),
    ]

    @Test func infoReportsFormatSizeAndCalibration() throws {
        for (path, format, w, h, px) in Self.files {
            let cmd = try #require(try AnchorRegCommand.parseAsRoot(["info", Self.formats.appendingPathComponent(path).path, "--json"]) as? InfoCommand)
            let r = try cmd.report()
            #expect(r.format == format && r.width == w && r.height == h, "\(path)")
            #expect(r.unit == "nm" && abs(r.pixel_size![0] - px) < 5e-5 * px, "\(path): \(r.pixel_size as Any)")
        }
    }

    @Test func spectraOnlyAndMatrixFilesAreRefusedByName() throws {
        let sm4 = try #require(try AnchorRegCommand.parseAsRoot(["info", Self.formats.appendingPathComponent("sm4/sm4file_test_iv.SM4").path]) as? InfoCommand)
        #expect(throws: FormatError.unsupported(format: .sm4, "the file holds no image page (5 pages: 5 × line)")) { _ = try sm4.report() }
        let mtrx = try #require(try AnchorRegCommand.parseAsRoot(["info", Self.formats.appendingPathComponent("mtrx/pyMTRX_2014Mar01-093225--7_100.Z_mtrx").path]) as? InfoCommand)
        #expect(throws: FormatError.unsupported(format: .mtrx, "no reader for this format")) { _ = try mtrx.report() }
    }

    @Test func convertKeepsTheCalibration() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("anchorreg-instr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("abf.tif").path
        var cmd = try AnchorRegCommand.parseAsRoot(["convert", Self.formats.appendingPathComponent("dm3/vecmap_Sample_ABF.dm3").path, out])
        try cmd.run()
        let img = try ImageFile.read(path: out).channels[0].image
        #expect(img.width == 323 && img.unit == .nanometre && abs(img.pixelSize!.x - 0.015995) < 1e-5)
    }

    /// Mutated copies on disk through `info`: a report or a `FormatError`, nothing else.
    @Test func mutatedFilesThroughInfo() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("anchorreg-mut-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var g = SeededGenerator(seed: 2026)
        var outcomes = (reports: 0, errors: 0)
        for (path, _, _, _, _) in Self.files + [("sm4/sm4file_test_iv.SM4", "", 0, 0, 0)] {
            let original = [UInt8](try Data(contentsOf: Self.formats.appendingPathComponent(path)))
            let ext = (path as NSString).pathExtension
            for trial in 0..<24 {
                var bytes = original
                if trial % 3 == 0 {
                    bytes = Array(bytes.prefix(Int(g.next() % UInt64(bytes.count))))
                } else {
                    for _ in 0..<(1 + Int(g.next() % 8)) {
                        let range = trial % 3 == 1 ? min(bytes.count, 8192) : bytes.count
                        bytes[Int(g.next() % UInt64(range))] ^= UInt8(truncatingIfNeeded: 1 + g.next() % 255)
                    }
                }
                let file = dir.appendingPathComponent("m\(trial).\(ext)").path
                try Data(bytes).write(to: URL(fileURLWithPath: file))
                let cmd = try #require(try AnchorRegCommand.parseAsRoot(["info", file, "--json"]) as? InfoCommand)
                do {
                    let r = try cmd.report()
                    #expect(r.width > 0 && r.height > 0)
                    outcomes.reports += 1
                } catch is FormatError {
                    outcomes.errors += 1
                } catch {
                    Issue.record("\(path) mutation \(trial): untyped error \(error)")
                }
            }
        }
        #expect(outcomes.reports + outcomes.errors == 9 * 24)
        #expect(outcomes.errors > 0)
    }
}
