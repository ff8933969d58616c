import AnchorGeometry
import AnchorImaging
import AnchorRegistration
import Foundation
import Testing
@testable import AnchorRegCLI

/// `--outputs` decides which files register/locate write; `--json` alone writes none.
@Suite struct FrameOutputSelectionTests {
    func files(_ dir: URL) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
    }

    @Test func locateWritesOnlyTheSelectedKinds() throws {
        let dir = try BatchTestFrames.tempDir("outputs")
        try BatchTestFrames.write(count: 1, into: dir)
        let input = dir.appendingPathComponent("frame-00.tif").path

        let some = dir.appendingPathComponent("some")
        var cmd = try AnchorRegCommand.parseAsRoot(["locate", input, "--model", "si111-7x7", "--out", some.path, "--outputs", "json,gsf,gwy,csv"])
        try cmd.run()
        #expect(files(some) == ["result.json", "corrected.gsf", "corrected.gwy", "sites.csv", "cells.csv"])
        // The Gwyddion files read back with the corrected image's calibration and the frame's
        // height unit (the synthetic frame is in nm): .gsf as given, .gwy in SI base units.
        let gsfDoc = try ImageFile.read(path: some.appendingPathComponent("corrected.gsf").path)
        let gsf = gsfDoc.channels[0].image
        #expect(gsf.unit == .nanometre && gsf.pixelSize != nil)
        #expect(gsfDoc.metadata["ZUnits"] == "nm" && gsfDoc.metadata["XYUnits"] == "m")
        #expect(gsfDoc.channels[0].name == "frame-00.tif — gray")
        let gwyDoc = try ImageFile.read(path: some.appendingPathComponent("corrected.gwy").path)
        let gwy = gwyDoc.channels[0].image
        #expect(gwyDoc.channels[0].name == "frame-00.tif — gray")
        #expect(gwy.valueUnit == "m" && gwy.unit == .nanometre && gwy.width == gsf.width && gwy.height == gsf.height)
        for (m, n) in zip(gwy.pixels, gsf.pixels) where n.isFinite {
            #expect(abs(Double(m) - Double(n) * 1e-9) <= 1e-6 * max(1e-9, abs(Double(n) * 1e-9)))
        }
        // result.json from the streaming encoder is the report, with its documented keys.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: some.appendingPathComponent("result.json"))) as! [String: Any]
        for key in ["homography", "pixel_size", "anchors", "sites", "cells", "metrics", "timings_ms", "transform"] {
            #expect(json[key] != nil, "result.json lacks \(key)")
        }
        // The channel and the value unit are recorded; absent values are null, not missing.
        #expect(json["channel"] as? String == "gray" && json["value_unit"] as? String == "nm")
        #expect(json.keys.contains("scan_field") && json.keys.contains("smooth_field") && json.keys.contains("file_pixel_size"))
        let jsonSites = try #require(json["sites"] as? [[String: Any]])
        #expect(jsonSites.allSatisfy { $0.keys.contains("half") && $0.keys.contains("kind") && $0.keys.contains("index") })

        // sites.csv / cells.csv: units in the column names, heights in nm, bits as text,
        // half never empty.
        let sitesRows = try String(contentsOf: some.appendingPathComponent("sites.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(sitesRows[0] == ["cell_i", "cell_j", "group", "half", "index", "name", "kind", "image_x_px", "image_y_px",
                                 "model_x_nm", "model_y_nm", "height_nm", "present", "score_sd", "edge"])
        #expect(sitesRows.count - 1 == jsonSites.count)
        for (row, site) in zip(sitesRows.dropFirst(), jsonSites) {
            #expect(["faulted", "unfaulted", "undecided"].contains(row[3]))
            #expect(row[3] == (site["half"] as? String ?? "undecided"))
            let image = try #require(site["image"] as? [Double])
            // result.json rounds to fewer digits than the CSV writes.
            #expect(abs(Double(row[7])! - image[0]) < 1e-6 && abs(Double(row[8])! - image[1]) < 1e-6)
            #expect(Double(row[11])?.isFinite == true)
        }
        let cellRows = try String(contentsOf: some.appendingPathComponent("cells.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(cellRows[0] == ["cell_i", "cell_j", "group", "half", "bits"])
        let jsonCells = try #require(json["cells"] as? [[String: Any]])
        #expect(cellRows.count - 1 == jsonCells.count && !jsonCells.isEmpty)
        for (row, cell) in zip(cellRows.dropFirst(), jsonCells) {
            #expect(row[4] == "b" + (cell["bits"] as? String ?? "?"))
            #expect(!row[3].isEmpty)
        }

        let html = dir.appendingPathComponent("html")
        cmd = try AnchorRegCommand.parseAsRoot(["register", input, "--model", "si111-7x7", "--out", html.path, "--outputs", "html"])
        try cmd.run()
        #expect(files(html) == ["report.html"])
        let page = try String(contentsOf: html.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.contains("data:image/png;base64,"), "the report embeds its PNGs without writing them")

        // --json alone: no folder, no file.
        let none = dir.appendingPathComponent("none")
        cmd = try AnchorRegCommand.parseAsRoot(["register", input, "--model", "si111-7x7", "--out", none.path, "--json"])
        try cmd.run()
        #expect(!FileManager.default.fileExists(atPath: none.path))
        // The default is what register always wrote.
        let all = dir.appendingPathComponent("all")
        cmd = try AnchorRegCommand.parseAsRoot(["register", input, "--model", "si111-7x7", "--out", all.path])
        try cmd.run()
        #expect(files(all) == ["result.json", "corrected.tif", "distortion.tif", "corrected.png", "overlay.png", "report.html"])
    }
}
