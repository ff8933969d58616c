import AnchorGeometry
import AnchorImaging
import AnchorModels
import Foundation
import Testing
@testable import AnchorRegCLI

@Suite struct AlignCommandTests {
    func tempDir() -> String {
        NSTemporaryDirectory() + "anchorreg-align-test-\(UUID().uuidString)"
    }

    @Test func alignsASyntheticPairAndWritesEveryOutput() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var synth = try AnchorRegCommand.parseAsRoot(
            ["synth", "om-pair", "--seed", "5", "--size", "400x300", "--truth-grid", "128", "--out", dir])
        try synth.run()
        let out = dir + "/run"
        var cmd = try AnchorRegCommand.parseAsRoot(
            ["align", dir + "/before.png", dir + "/after.png", "--model", dir + "/device.json", "--out", out,
             "--profile", "0,20,40,20", "--profile", "20,0,20,40"])
        try cmd.run()
        for name in ["aligned-0.tiff", "aligned-0.png", "aligned-1.tiff", "aligned-1.png", "overlay-0.png", "overlay-1.png",
                     "difference-1.tiff", "difference-1.png", "difference-colorbar.png", "profiles.csv", "profiles.svg",
                     "result.json", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + name), "\(name) missing")
        }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/result.json"))) as? [String: Any])
        let frames = try #require(json["frames"] as? [[String: Any]])
        #expect(frames.count == 2)
        for f in frames {
            for key in ["file", "homography", "anchors", "mae", "recall"] { #expect(f[key] != nil, "frame key \(key)") }
            let anchors = try #require(f["anchors"] as? [[String: Any]])
            #expect(anchors.first?["model"] != nil && anchors.first?["image"] != nil && anchors.first?["inlier"] != nil)
        }
        let change = try #require(json["change"] as? [String: Any])
        for key in ["dark_fraction_before", "dark_fraction_after", "dark_fraction_change_points", "integrated_darkness_change_pct"] {
            #expect(change[key] is Double, "change key \(key)")
        }
        // Compare with the generator's truth.
        let truth = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/truth.json"))) as? [String: Any])
        let truePoints = try #require(truth["dark_fraction_change_points"] as? Double)
        // This pair (brightest/edge/colour look) has a dark patch reaching the first
        // photograph's outline over a third of one side; a side line fitted from all profiles
        // was tilted by the run of inward-shifted crossings (one corner 2.1 px off, change
        // 0.87 points off). The least-median start of the side fit keeps it within 0.2 px.
        #expect(abs((change["dark_fraction_change_points"] as? Double ?? .nan) - truePoints) < 0.5)
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("data:image/png;base64,") && html.contains("Difference 1 − 0"))
        let csv = try String(contentsOfFile: out + "/profiles.csv", encoding: .utf8)
        #expect(csv.contains("distance_um,x_um,y_um"))
        // No overwriting without --force.
        cmd = try AnchorRegCommand.parseAsRoot(["align", dir + "/before.png", dir + "/after.png", "--model", dir + "/device.json", "--out", out])
        #expect(throws: (any Error).self) { try cmd.run() }
    }

    @Test func rejectsBadArguments() throws {
        #expect(throws: (any Error).self) { try AnchorRegCommand.parseAsRoot(["align", "a.png", "--model", "square:40"]) }
        #expect(throws: (any Error).self) {
            try AnchorRegCommand.parseAsRoot(["align", "a.png", "b.png", "--model", "square:40", "--profile", "1,2,3"])
        }
        #expect(throws: (any Error).self) {
            try AnchorRegCommand.parseAsRoot(["align", "a.png", "b.png", "--model", "square:40", "--resolution", "-1"])
        }
    }

    @Test func modelFromDrawing() throws {
        let dir = tempDir()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A drawing: three white pads and a thin line joining two of them, on black.
        let w = 300, h = 200
        var px = [UInt8](repeating: 0, count: w * h)
        func fill(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) { for y in y0..<y1 { for x in x0..<x1 { px[y * w + x] = 255 } } }
        fill(20, 20, 80, 70); fill(200, 30, 270, 90); fill(40, 120, 110, 180); fill(80, 42, 200, 46)
        try PNGCodec.encode(gray8: px, width: w, height: h).write(to: URL(fileURLWithPath: dir + "/design.png"))
        var make = try AnchorRegCommand.parseAsRoot(["models", "from-image", dir + "/design.png", "--scale", "0.5", "--out", dir + "/m.json"])
        try make.run()
        let model = try AnchorModel.load(dir + "/m.json")
        #expect(model.unit == .micrometre)
        #expect(model.anchorPoints.count == 15)
        // P1 is the top-left pad: corners at pixel edges 19.5/69.5 etc. times 0.5 µm.
        let c1 = try #require(model.anchorPoints.first { $0.name == "P1.c1" })
        #expect(c1.position.distance(to: Point2(19.5 * 0.5, 19.5 * 0.5)) < 0.1)
        var again = try AnchorRegCommand.parseAsRoot(["models", "from-image", dir + "/design.png", "--out", dir + "/m.json"])
        #expect(throws: (any Error).self) { try again.run() }

        // Without --scale the model is in drawing pixels, and says so: unit "px" in the model
        // file, in align's JSON, notes and report — never read as µm.
        var makePx = try AnchorRegCommand.parseAsRoot(["models", "from-image", dir + "/design.png", "--out", dir + "/px.json"])
        try makePx.run()
        let text = try String(contentsOfFile: dir + "/px.json", encoding: .utf8)
        #expect(text.contains("\"unit\" : \"px\"") || text.contains("\"unit\":\"px\""))
        let pxModel = try AnchorModel.load(dir + "/px.json")
        #expect(pxModel.unit == .none)
        let c1px = try #require(pxModel.anchorPoints.first { $0.name == "P1.c1" })
        #expect(c1px.position.distance(to: Point2(19.5, 19.5)) < 0.2)
        var align = try AnchorRegCommand.parseAsRoot(["align", dir + "/design.png", dir + "/design.png", "--model", dir + "/px.json",
                                                      "--out", dir + "/run", "--profile", "10,10,100,10"])
        try align.run()
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/run/result.json"))) as? [String: Any])
        #expect(json["unit"] as? String == "px")
        #expect((json["grid"] as? [String: Any])?["unit"] as? String == "px")
        #expect((json["notes"] as? [String])?.contains { $0.contains("drawing px, not µm") } == true)
        let html = try String(contentsOfFile: dir + "/run/report.html", encoding: .utf8)
        #expect(html.contains("no physical scale"))
        let csv = try String(contentsOfFile: dir + "/run/profiles.csv", encoding: .utf8)
        #expect(csv.contains("distance_px,x_px,y_px"))
    }
}
