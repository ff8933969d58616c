import AnchorGeometry
import AnchorImaging
import AnchorRegistration
import Foundation
import TestData
import Testing
import ArgumentParser
@testable import AnchorRegCLI

@Suite struct FrameCommandTests {
    func tempDir() throws -> URL {
        try TestData.temporaryDirectory("frame")
    }

    /// A small synthetic frame written as a calibrated TIFF.
    func frame(in dir: URL, seed: UInt64 = 3) throws -> String {
        var p = Si7x7SceneParameters(seed: seed, size: 256, fieldOfView: 14, rotationDegrees: 12,
                                     drift: Point2(0.4, 0.2), defectFraction: 0.04, noise: 0.1)
        p.creepAmplitude = 0
        let scene = try Si7x7SceneGenerator().generate(p)
        let path = dir.appendingPathComponent("frame.tif").path
        try TIFFWriter.encode(scene.image).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func locateWritesEveryOutputAndRefusesToOverwrite() throws {
        let dir = try tempDir()
        let input = try frame(in: dir)
        let out = dir.appendingPathComponent("result").path
        var cmd = try #require(try AnchorRegCommand.parseAsRoot(["locate", input, "--model", "si111-7x7", "--out", out]) as? LocateCommand)
        try cmd.run()
        for name in ["result.json", "corrected.tif", "distortion.tif", "corrected.png", "overlay.png", "sites.csv", "cells.csv", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + name), "\(name) missing")
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/result.json"))) as! [String: Any]
        for key in ["homography", "pixel_size", "anchors", "sites", "cells", "metrics", "quality", "timings_ms"] {
            #expect(json[key] != nil, "result.json lacks \(key)")
        }
        #expect((json["quality"] as? [String: Any])?["status"] as? String == "ok", "\(json["quality"] ?? "")")
        let site = try #require((json["sites"] as? [[String: Any]])?.first)
        for key in ["cell", "half", "index", "image", "model", "present"] { #expect(site.keys.contains(key)) }
        let anchor = try #require((json["anchors"] as? [[String: Any]])?.first)
        for key in ["model", "image", "reconstructed", "inlier"] { #expect(anchor[key] != nil) }
        // The corrected TIFF carries the model's scale.
        let corrected = try ImageFile.read(path: out + "/corrected.tif").channels[0].image
        #expect(corrected.unit == .nanometre && corrected.pixelSize != nil)
        // Without --force nothing is overwritten.
        cmd = try #require(try AnchorRegCommand.parseAsRoot(["locate", input, "--model", "si111-7x7", "--out", out]) as? LocateCommand)
        #expect(throws: CLIError.self) { try cmd.run() }
        cmd = try #require(try AnchorRegCommand.parseAsRoot(["locate", input, "--model", "si111-7x7", "--out", out, "--force"]) as? LocateCommand)
        try cmd.run()
    }

    /// The shared SrTiO3 HAADF frame is not Si(111)-7×7: `locate` writes its outputs with
    /// the refusal in result.json and report.html, and exits with status 2.
    @Test func refusedFrameExitsWithStatusTwo() throws {
        let dir = try tempDir()
        let out = dir.appendingPathComponent("sto").path
        let input = try TestData.realPath("srtio3-haadf-atomap/test_ADF_cropped.npy")
        let cmd = try #require(try AnchorRegCommand.parseAsRoot(["locate", input, "--model", "si111-7x7", "--out", out]) as? LocateCommand)
        do {
            try cmd.run()
            Issue.record("locate did not exit non-zero on a refused frame")
        } catch let e as ExitCode {
            #expect(e.rawValue == 2)
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/result.json"))) as! [String: Any]
        let quality = try #require(json["quality"] as? [String: Any])
        #expect(quality["status"] as? String == "refused")
        #expect(((quality["reasons"] as? [[String: Any]]) ?? []).contains { $0["code"] as? String == "aspect_shear_unexplained" })
        #expect((quality["evidence"] as? [String: Any])?["slow_axis_drift"] != nil)
        // No sites are guessed for a structure the frame does not show.
        #expect((json["sites"] as? [Any])?.isEmpty == true)
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        // The viewer draws the verdict from its embedded data: the verdict is there, refused.
        #expect(html.contains("\"verdict\":{") && html.contains("\"status\":\"refused\""))
    }

    @Test func badOptionsAreRefusedBeforeAnyWork() throws {
        #expect(throws: (any Error).self) { try AnchorRegCommand.parseAsRoot(["register", "x.tif", "--model", "si111-7x7", "--resolution", "-1"]) }
        let cmd = try #require(try AnchorRegCommand.parseAsRoot(["register", "x.tif", "--model", "si111-7x7", "--estimator", "magic"]) as? RegisterCommand)
        #expect(throws: (any Error).self) { try cmd.frame.registrationOptions() }
        let missing = try #require(try AnchorRegCommand.parseAsRoot(["register", "/nonexistent/frame.tif", "--model", "si111-7x7"]) as? RegisterCommand)
        #expect(throws: FormatError.self) { try missing.run() }
    }

    @Test func demoUsageLine() {
        let help = AnchorRegCommand.helpMessage(for: DemoCommand.self, columns: 100)
        #expect(help.contains("USAGE: anchorreg demo [--seed <seed>] [--size <size>] [--out <out>] [--force] [--json]"))
    }
}
