import AnchorGeometry
import AnchorImaging
import AnchorRegistration
import Foundation
import TestData
import Testing
@testable import AnchorRegCLI

/// A frame beyond `--max-pixels` is analysed on a binned copy: the result says so, lengths in
/// nm agree with the full-resolution analysis, and pixel coordinates map back to the file's by
/// file = k · copy + (k − 1)/2.
@Suite struct AnalysisCopyCommandTests {
    func tempDir() throws -> URL {
        try TestData.temporaryDirectory("copy")
    }

    func locate(_ input: String, out: String, extra: [String] = []) throws -> [String: Any] {
        let cmd = try #require(try AnchorRegCommand.parseAsRoot(
            ["locate", input, "--model", "si111-7x7", "--out", out, "--outputs", "json"] + extra) as? LocateCommand)
        try cmd.run()
        return try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: out + "/result.json"))) as? [String: Any])
    }

    @Test func largeFrameIsAnalysedOnABinnedCopy() throws {
        let dir = try tempDir()
        var p = Si7x7SceneParameters(seed: 5, size: 512, fieldOfView: 28, rotationDegrees: 12,
                                     drift: Point2(0.4, 0.2), defectFraction: 0.04, noise: 0.1)
        p.creepAmplitude = 0
        let scene = try Si7x7SceneGenerator().generate(p)
        let input = dir.appendingPathComponent("frame.tif").path
        try TIFFWriter.encode(scene.image).write(to: URL(fileURLWithPath: input))

        let full = try locate(input, out: dir.appendingPathComponent("full").path)
        let binned = try locate(input, out: dir.appendingPathComponent("binned").path, extra: ["--max-pixels", "65536"])
        #expect(full["analysis_binning"] as? Int == 1)
        #expect(binned["analysis_binning"] as? Int == 2)
        let fullSize = try #require(full["pixel_size"] as? [Double])
        let binnedSize = try #require(binned["pixel_size"] as? [Double])
        for k in 0..<2 { #expect(abs(binnedSize[k] / fullSize[k] - 2) < 0.01, "\(binnedSize) vs \(fullSize)") }

        // The same anchors, mapped back to file pixels, land where the full analysis put them.
        func anchors(_ json: [String: Any], scale: Double) throws -> [String: Point2] {
            let list = try #require(json["anchors"] as? [[String: Any]])
            var out: [String: Point2] = [:]
            for a in list where a["inlier"] as? Bool == true {
                guard let m = a["model"] as? [Double], let i = a["image"] as? [Double] else { continue }
                out["\(m[0].rounded()),\(m[1].rounded())"] = Point2(scale * i[0] + (scale - 1) / 2, scale * i[1] + (scale - 1) / 2)
            }
            return out
        }
        let a = try anchors(full, scale: 1), b = try anchors(binned, scale: 2)
        let common = Set(a.keys).intersection(b.keys)
        #expect(common.count >= 20, "only \(common.count) anchors in common")
        let errors = common.map { (a[$0]! - b[$0]!).length }.sorted()
        #expect(errors[errors.count / 2] < 0.5, "median anchor disagreement \(errors[errors.count / 2]) px")
    }

    @Test func tooSmallBudgetIsRefusedBeforeReading() throws {
        let dir = try tempDir()
        let cmd = try #require(try AnchorRegCommand.parseAsRoot(
            ["locate", dir.appendingPathComponent("absent.tif").path, "--model", "si111-7x7", "--max-pixels", "100"]) as? LocateCommand)
        #expect { try cmd.run() } throws: { "\($0)".contains("--max-pixels") }
    }

    @Test func copyMapsCalibrationAndRefusesStrips() throws {
        let img = try Image(width: 300, height: 200, fill: 1, pixelSize: PixelSize(x: 0.1, y: 0.2), unit: .nanometre)
        let same = try AnalysisCopy(of: img, maxPixels: 60_000)
        #expect(same.binning == 1 && same.image == img && same.note == nil)
        let copy = try AnalysisCopy(of: img, maxPixels: 15_000)
        #expect(copy.binning == 2 && copy.image.width == 150 && copy.image.height == 100)
        #expect(copy.image.pixelSize == PixelSize(x: 0.2, y: 0.4))
        #expect(copy.note?.contains("2×2-binned") == true)
        let strip = try Image(width: 100_000, height: 2, fill: 0)
        #expect(throws: ImageError.self) { try AnalysisCopy(of: strip, maxPixels: 4096) }
        #expect(throws: ImageError.self) { try AnalysisCopy.requireWithinBudget(img, maxPixels: 1000) }
        try AnalysisCopy.requireWithinBudget(img, maxPixels: 60_000)
    }
}
