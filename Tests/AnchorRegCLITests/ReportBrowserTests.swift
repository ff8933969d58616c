import AnchorGeometry
import AnchorImaging
import AnchorModels
import AnchorRegistration
import Foundation
import TestData
import Testing
@testable import AnchorRegCLI

/// report.html: what the page carries (checked here) and what it does in a real browser
/// (Debian's Chromium driven by Playwright: `scripts/browser-tests/run.sh`).
@Suite struct ReportBrowserTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func tempDir() throws -> URL {
        try TestData.temporaryDirectory("report")
    }

    /// The JSON the page's viewer reads.
    func pageData(_ path: String) throws -> [String: Any] { try reportPageData(path) }

    func layers(_ data: [String: Any], view: String) throws -> [String: [String: Any]] {
        let views = try #require(data["views"] as? [[String: Any]])
        let v = try #require(views.first { $0["id"] as? String == view })
        let list = try #require(v["layers"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: list.map { ($0["id"] as! String, $0) })
    }

    /// Writes the reports the browser checks: locate (with defects and a verdict), register,
    /// and align. Returns their paths.
    func makeReports(in dir: URL) throws -> [String] {
        var p = Si7x7SceneParameters(seed: 3, size: 256, fieldOfView: 14, rotationDegrees: 12,
                                     drift: Point2(0.4, 0.2), defectFraction: 0.05, noise: 0.1)
        p.creepAmplitude = 0
        let scene = try Si7x7SceneGenerator().generate(p)
        let frame = dir.appendingPathComponent("frame.tif").path
        try TIFFWriter.encode(scene.image).write(to: URL(fileURLWithPath: frame))
        var locate = try AnchorRegCommand.parseAsRoot(["locate", frame, "--model", "si111-7x7", "--out", dir.appendingPathComponent("locate").path])
        try locate.run()
        var register = try AnchorRegCommand.parseAsRoot(["register", frame, "--model", "si111-7x7", "--out", dir.appendingPathComponent("register").path])
        try register.run()
        // The verdict path: a doubtful verdict with two reasons must be shown at the top.
        let analysis = try FrameAnalysis.analyse(scene.image, model: try AnchorModel.load("si111-7x7"))
        var outputs = FrameOutputs(files: OutputFiles(directory: dir.appendingPathComponent("verdict").path, force: false),
                                   analysis: analysis, report: FrameReport(analysis, file: frame, filePixelSize: nil),
                                   source: scene.image, inputName: "frame.tif")
        outputs.reportExtras = .init(kind: "locate", verdict: Verdict(reasons: [
            .init(code: "inlier_fraction_low", status: .doubtful, message: "only 61 % of the anchors fit (limit 70 %)"),
            .init(code: "few_cells", status: .doubtful, message: "12 cells < 20 for the faulted half"),
        ]))
        _ = try outputs.write(.defaults, resolution: nil, withSites: true)
        var synth = try AnchorRegCommand.parseAsRoot(["synth", "om-pair", "--seed", "5", "--size", "400x300", "--truth-grid", "128",
                                                      "--out", dir.appendingPathComponent("om").path])
        try synth.run()
        let om = dir.appendingPathComponent("om").path
        var align = try AnchorRegCommand.parseAsRoot(["align", om + "/before.png", om + "/after.png", "--model", om + "/device.json",
                                                      "--out", dir.appendingPathComponent("align").path, "--profile", "0,20,40,20"])
        try align.run()
        return ["locate", "verdict", "register", "align"].map { dir.appendingPathComponent($0).appendingPathComponent("report.html").path }
    }

    @Test func reportsCarryTheirLayersTablesAndNoNetwork() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let paths = try makeReports(in: dir)
        for path in paths {
            let html = try String(contentsOfFile: path, encoding: .utf8)
            #expect(!html.contains("http://") && !html.contains("https://"), "\(path) names a network address")
        }
        let locate = try pageData(paths[0])
        #expect(locate["kind"] as? String == "locate")
        #expect((locate["verdict"] as? [String: Any])?["status"] as? String == "ok", "the frame's own verdict is shown")
        let input = try layers(locate, view: "input")
        for id in ["extracted", "vote_kept", "rough", "anchors", "sites_present", "sites_defect", "cell_labels", "origin"] {
            #expect(input[id] != nil, "input view lacks layer \(id)")
        }
        // Every located site is on the page once, with the fields a hover shows.
        let result = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path + "/locate/result.json"))) as! [String: Any]
        let sites = try #require(result["sites"] as? [[String: Any]])
        let shown = ((input["sites_present"]?["points"] as? [Double])?.count ?? 0) + ((input["sites_defect"]?["points"] as? [Double])?.count ?? 0)
        #expect(shown == 2 * sites.count)
        // Hover details: stored once for both images, one record per site.
        let records = try #require(locate["records"] as? [String: [String: Any]])
        let details = try #require(input["sites_defect"]?["details"] as? String)
        #expect(details == (try layers(locate, view: "corrected")["sites_defect_model"]?["details"] as? String))
        let fields = try #require(records[details]?["fields"] as? [String])
        #expect(fields == ["site", "cell (i, j)", "half", "score", "residual"])
        #expect((records[details]?["index"] as? [Int])?.count == fields.count * ((input["sites_defect"]?["points"] as? [Double])?.count ?? 0) / 2)
        // The defect table lists every half cell with a 0 bit, each row with a place to centre.
        let cells = try #require(result["cells"] as? [[String: Any]])
        let sections = try #require(locate["sections"] as? [[String: Any]])
        let table = try #require(sections.compactMap { $0["table"] as? [String: Any] }.first { $0["id"] as? String == "defects" })
        #expect((table["cells"] as? [[String]])?.count == cells.filter { ($0["bits"] as? String)?.contains("0") == true }.count)
        #expect((table["focus"] as? [Any])?.allSatisfy { $0 is [Double] } == true)
        // The t statistic is rounded and explained.
        let half = try #require(sections.first { $0["title"] as? String == "Faulted half" }?["text"] as? String)
        #expect(half.contains("Welch t = ") && half.contains("positive: A brighter"))
        #expect(half.range(of: #"t = [+−]?\d+\.\d "#, options: .regularExpression) != nil, "t is shown with one decimal: \(half)")
        // The verdict path.
        let verdict = try #require(try pageData(paths[1])["verdict"] as? [String: Any])
        #expect(verdict["status"] as? String == "doubtful" && (verdict["reasons"] as? [Any])?.count == 2)
        // Align: a before/after view and a difference view with its colour bar.
        let align = try pageData(paths[3])
        let views = try #require(align["views"] as? [[String: Any]])
        #expect(views.contains { $0["compare"] != nil })
        #expect(views.contains { ($0["title"] as? String) == "Difference 1 − 0" && $0["colorbar"] != nil })
    }

    @Test func demoReportOf512PixelsStaysWithinBudgetAndShowsTheGroundTruth() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var demo = try AnchorRegCommand.parseAsRoot(["demo", "--out", dir.path + "/demo"])
        try demo.run()
        let path = dir.path + "/demo/report.html"
        let bytes = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(bytes <= 3_000_000, "report.html of a 512² frame is \(bytes) bytes")
        let data = try pageData(path)
        let sections = try #require(data["sections"] as? [[String: Any]])
        let truth = try #require(sections.first { ($0["title"] as? String)?.hasPrefix("Against the ground truth") == true })
        #expect((truth["rows"] as? [[String: Any]])?.contains { $0["label"] as? String == "adatom recall at OKS 0.95" } == true)
    }

    @Test func largeImagesBecomeAnOverviewAndNaNBecomesIndexZero() throws {
        var pixels = (0..<(2100 * 30)).map { Float($0 % 2100) }
        for y in 0..<3 { for x in 0..<3 { pixels[y * 2100 + x] = .nan } }
        let image = try Image(width: 2100, height: 30, pixels: pixels)
        let picture = try ReportPicture.gray(image, map: .afmhot, range: 0...2099)
        #expect(picture.scale == 3 && picture.width == 700 && picture.height == 10)
        let decoded = try PNGCodec.read(data: try #require(Data(base64Encoded: picture.png))).channels[0].image
        #expect(decoded.width == 700 && decoded.height == 10)
        #expect(decoded.pixels[0] == 0, "an all-NaN block is index 0 (transparent)")
        #expect(decoded.pixels[1] >= 1 && decoded.pixels[699] == 255, "finite values map onto 1…255")
        #expect(picture.lut?.count == 768)
        #expect(ReportPicture.factor(width: 1024, height: 512) == 1)
    }

    @Test func dataCannotEndTheScriptElement() throws {
        let hostile = "a</script><script>alert(1)</script><!--b"
        var doc = ReportDocument(kind: "register", title: hostile)
        doc.notes = [hostile]
        let html = try ReportPage.html(doc)
        // Only the page's own two script elements close.
        #expect(html.components(separatedBy: "</script>").count - 1 == 2)
        #expect(!html.contains("<title>a</script>"))
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("report.html").path
        try html.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try pageData(path)["title"] as? String == hostile)
    }

    @Test func numbersAreRoundedToTheirPrecision() {
        #expect(ReportNumber.signed(1.4340280692052094, 1) == "+1.4")
        #expect(ReportNumber.signed(-14.06, 1) == "−14.1")
        #expect(ReportNumber.signed(-0.01, 1) == "0.0")
        #expect(ReportNumber.sig(0.0390625, 3) == "0.0391")
        #expect(ReportNumber.sig(1234.5, 2) == "1200")
        #expect(ReportNumber.sig(-0.000123, 2) == "−0.00012")
        #expect(ReportNumber.sig(.nan) == "—")
        #expect(FrameFileInfo.physical("2.500E-10 A") == "250 pA")
        #expect(FrameFileInfo.physical("-1.5 V") == "−1.50 V")
        #expect(FrameFileInfo.physical("log Current") == "log Current")
    }

    /// The pages in Chromium: no console error, every layer toggles, zoom changes the scale
    /// bar, a defect row centres its cell, the align slider and blink work, the verdict shows,
    /// pixels without data show the checkerboard.
    @Test(.timeLimit(.minutes(20))) func reportsWorkInChromium() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let paths = try makeReports(in: dir)
        let (status, output) = try runBrowserChecks(on: paths)
        #expect(status != 3, "the browser could not be had: \(output)")
        #expect(status == 0, "browser checks failed (exit \(status)):\n\(output)")
        #expect(output.contains(" passed, 0 failed"), "\(output)")
    }
}
