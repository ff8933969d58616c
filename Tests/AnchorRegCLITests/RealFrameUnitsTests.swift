import AnchorImaging
import Foundation
import TestData
import Testing
@testable import AnchorRegCLI

/// A real Nanonis frame keeps its units through `locate`: its Z channel is in metres, so
/// corrected.tif says `unit=nm` laterally and `vunit=m`, the .gsf has `ZUnits = m`, the .gwy
/// `si_unit_z = m` with the same values, result.json names the channel and the unit, and
/// sites.csv gives the heights in nm.
@Suite struct RealFrameUnitsTests {
    @Test func nanonisHeightsKeepTheirUnit() throws {
        let input = try TestData.realPath("si7x7-ethz-nanolib/Si_7x7_028.sxm")
        let source = try ImageFile.read(path: input).channels[0].image
        #expect(source.valueUnit == "m")
        let dir = try BatchTestFrames.tempDir("real-units")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        var cmd = try AnchorRegCommand.parseAsRoot(["locate", input, "--model", "si111-7x7", "--out", out.path,
                                                    "--outputs", "json,csv,tiff,gsf,gwy"])
        try cmd.run()

        let tif = try ImageFile.read(path: out.appendingPathComponent("corrected.tif").path)
        let desc = try #require(tif.metadata["tiff.description"])
        #expect(desc.contains("\nunit=nm\n") && desc.contains("\nvunit=m\n"))
        let corrected = tif.channels[0].image
        #expect(corrected.valueUnit == "m" && corrected.unit == .nanometre)

        let gsf = try ImageFile.read(path: out.appendingPathComponent("corrected.gsf").path)
        #expect(gsf.metadata["ZUnits"] == "m" && gsf.metadata["XYUnits"] == "m")
        #expect(gsf.channels[0].name == "Si_7x7_028.sxm — Z (forward)")
        let gwy = try ImageFile.read(path: out.appendingPathComponent("corrected.gwy").path)
        #expect(gwy.channels[0].image.valueUnit == "m" && gwy.channels[0].name == "Si_7x7_028.sxm — Z (forward)")
        // Same heights; the empty corners (NaN in the TIFF) hold the mean, flagged by the mask.
        let gwyPixels = gwy.channels[0].image.pixels
        #expect(gwyPixels.count == corrected.pixels.count && gwyPixels.allSatisfy { $0.isFinite })
        #expect(zip(gwyPixels, corrected.pixels).allSatisfy { !$1.isFinite || $0 == $1 })
        let root = try GwyddionGWY.parse(data: Data(contentsOf: out.appendingPathComponent("corrected.gwy")))
        guard case .object(let mask)? = root["/0/mask"], case .doubleArray(let flags)? = mask["data"] else {
            Issue.record("corrected.gwy has no mask for its empty corners"); return
        }
        #expect(zip(flags, corrected.pixels).allSatisfy { ($0 == 1) == !$1.isFinite })

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("result.json"))) as! [String: Any]
        #expect(json["channel"] as? String == "Z (forward)" && json["value_unit"] as? String == "m")
        let header = try String(contentsOf: out.appendingPathComponent("sites.csv"), encoding: .utf8).split(separator: "\n")[0]
        #expect(header.contains(",height_nm,"))
        // Heights in nm: the levelled Si(111) corrugation is tens of pm, not 1e-11 (metres).
        let heights = try String(contentsOf: out.appendingPathComponent("sites.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
            .compactMap { Double($0.split(separator: ",", omittingEmptySubsequences: false)[11]) }
        let spread = (heights.max() ?? 0) - (heights.min() ?? 0)
        #expect(spread > 0.005 && spread < 1, "height spread \(spread) nm")
    }
}
