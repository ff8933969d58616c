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
        var cmd = try AnchorRegCommand.parseAsRoot(["locate", input, "--model", "si111-7x7", "--out", some.path, "--outputs", "json,gsf,csv"])
        try cmd.run()
        #expect(files(some) == ["result.json", "corrected.gsf", "sites.csv", "cells.csv"])
        // The Gwyddion file reads back with the corrected image's calibration.
        let gsf = try ImageFile.read(path: some.appendingPathComponent("corrected.gsf").path).channels[0].image
        #expect(gsf.unit == .nanometre && gsf.pixelSize != nil)
        // result.json from the streaming encoder is the report, with its documented keys.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: some.appendingPathComponent("result.json"))) as! [String: Any]
        for key in ["homography", "pixel_size", "anchors", "sites", "cells", "metrics", "timings_ms", "transform"] {
            #expect(json[key] != nil, "result.json lacks \(key)")
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
