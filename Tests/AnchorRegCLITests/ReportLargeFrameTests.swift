import AnchorGeometry
import AnchorImaging
import AnchorRegistration
import Foundation
import TestData
import Testing
@testable import AnchorRegCLI

/// report.html of a frame larger than `ReportPicture.maxSide`: a reduced overview plus a
/// full-resolution detail of the centre, checked against the frame, corrected.tif and
/// result.json of the same run.
@Suite struct ReportLargeFrameTests {
    /// The JSON the page's viewer reads.
    func pageData(_ path: String) throws -> [String: Any] { try reportPageData(path) }

    func picture(_ view: [String: Any]) throws -> (meta: [String: Any], image: Image) {
        let meta = try #require(view["image"] as? [String: Any])
        let text = try #require(meta["png"] as? String)
        let png = try #require(Data(base64Encoded: text))
        return (meta, try PNGCodec.read(data: png).channels[0].image)
    }

    func layerPoints(_ view: [String: Any], _ id: String) -> [Double]? {
        (view["layers"] as? [[String: Any]])?.first { $0["id"] as? String == id }?["points"] as? [Double]
    }

    @Test func largeFrameIsAnOverviewPlusAFullResolutionDetailWithinBudget() throws {
        let dir = try TestData.temporaryDirectory("report-large")
        defer { try? FileManager.default.removeItem(at: dir) }
        // 1200² px over 50 nm: more than 3000 adatoms, reduced 2× in the overview.
        let p = Si7x7SceneParameters(seed: 11, size: 1200, fieldOfView: 50, rotationDegrees: 9, defectFraction: 0.03, noise: 0.1)
        let scene = try Si7x7SceneGenerator().generate(p)
        let frame = dir.appendingPathComponent("frame.tif").path
        try TIFFWriter.encode(scene.image).write(to: URL(fileURLWithPath: frame))
        let out = dir.appendingPathComponent("loc").path
        var locate = try AnchorRegCommand.parseAsRoot(["locate", frame, "--model", "si111-7x7", "--out", out])
        try locate.run()

        let path = out + "/report.html"
        let bytes = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(bytes <= 3_000_000, "report.html of a 1200² frame is \(bytes) bytes")
        let data = try pageData(path)
        let views = try #require(data["views"] as? [[String: Any]])
        #expect(views.compactMap { $0["id"] as? String } == ["input", "input_detail", "corrected", "corrected_detail"])
        let byID = Dictionary(uniqueKeysWithValues: views.map { ($0["id"] as! String, $0) })

        // The overview: the frame's coordinate space, a picture reduced by the factor.
        let input = try #require(byID["input"]), detail = try #require(byID["input_detail"])
        let factor = ReportPicture.factor(width: 1200, height: 1200)
        #expect(factor == 2)
        let (overviewMeta, overview) = try picture(input)
        #expect(input["width"] as? Int == 1200 && input["height"] as? Int == 1200)
        #expect(overviewMeta["scale"] as? Int == factor && overview.width == 1200 / factor && overview.height == 1200 / factor)
        // The detail: the centre 512² at full resolution.
        let (detailMeta, zoomed) = try picture(detail)
        let x0 = (1200 - ReportDetail.side) / 2
        #expect(detail["origin"] as? [Int] == [x0, x0])
        #expect(detail["width"] as? Int == ReportDetail.side && zoomed.width == ReportDetail.side && zoomed.height == ReportDetail.side)
        #expect(detailMeta["scale"] as? Int == 1)
        // Both show the same place: the detail averaged over 2×2 blocks is the overview there
        // (both 8-bit on the same range, so away from the clipped ends they differ by rounding
        // only: at most half a level each).
        var worst: Float = 0, sum: Float = 0, n: Float = 0
        for y in 0..<(ReportDetail.side / 2) {
            for x in 0..<(ReportDetail.side / 2) {
                let block = (0..<4).map { zoomed.pixels[(2 * y + $0 / 2) * zoomed.width + 2 * x + $0 % 2] }
                let o = overview.pixels[(x0 / 2 + y) * overview.width + x0 / 2 + x]
                guard block.allSatisfy({ $0 > 1 && $0 < 255 }), o > 0 else { continue }
                let d = abs(block.reduce(0, +) / 4 - o)
                worst = max(worst, d)
                sum += d
                n += 1
            }
        }
        #expect(n > 60_000 && sum / n < 0.6 && worst <= 1.01, "detail vs overview: mean \(sum / n), worst \(worst)")

        // Markers: the dense layer is left out of the overview and drawn in the detail, where
        // it holds exactly the present sites of result.json inside the crop, moved by the origin.
        let result = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/result.json"))) as? [String: Any])
        let sites = try #require(result["sites"] as? [[String: Any]])
        let present = sites.filter { $0["present"] as? Bool == true }.compactMap { $0["image"] as? [Double] }
        try #require(present.count > ReportDetail.overviewPointLimit)
        #expect(layerPoints(input, "sites_present") == nil)
        #expect((input["caption"] as? String)?.contains("sites present (\(present.count))") == true)
        #expect(layerPoints(input, "sites_defect") != nil, "the sparse defect layer stays on the overview")
        let lo = Double(x0) - 0.5, hi = Double(x0 + ReportDetail.side) - 0.5
        let inside = present.filter { $0[0] >= lo && $0[0] < hi && $0[1] >= lo && $0[1] < hi }
        let drawn = try #require(layerPoints(detail, "sites_present"))
        #expect(drawn.count == 2 * inside.count && inside.count > 300)
        for (k, s) in inside.enumerated() {
            #expect(abs(drawn[2 * k] - (s[0] - Double(x0))) <= 0.006 && abs(drawn[2 * k + 1] - (s[1] - Double(x0))) <= 0.006)
        }
        // Each detail layer has its own hover records, one per marker.
        let records = try #require(data["records"] as? [String: [String: Any]])
        let key = try #require((detail["layers"] as? [[String: Any]])?.first { $0["id"] as? String == "sites_present" }?["details"] as? String)
        #expect((records[key]?["index"] as? [Int])?.count == 5 * inside.count)

        // The corrected detail is corrected.tif's centre on the colour bar's range.
        let corrected = try ImageFile.read(path: out + "/corrected.tif").channels[0].image
        let cdetail = try #require(byID["corrected_detail"])
        let (_, cpic) = try picture(cdetail)
        let region = ReportDetail.centre(width: corrected.width, height: corrected.height)
        #expect(cdetail["origin"] as? [Int] == [region.x0, region.y0] && cpic.width == region.width && cpic.height == region.height)
        let bar = try #require(cdetail["colorbar"] as? [String: Any])
        let cmin = Float(try #require(bar["min"] as? Double)), cmax = Float(try #require(bar["max"] as? Double))
        var off = 0
        for y in 0..<cpic.height {
            for x in 0..<cpic.width {
                let v = corrected.pixels[(region.y0 + y) * corrected.width + region.x0 + x]
                let expected: Float = v.isFinite ? 1 + min(max(((v - cmin) * 254 / (cmax - cmin)).rounded(), 0), 254) : 0
                if abs(cpic.pixels[y * cpic.width + x] - expected) > 1 { off += 1 }
            }
        }
        #expect(off == 0, "\(off) pixels of the corrected detail differ from corrected.tif")
        let cpoints = try #require(layerPoints(cdetail, "sites_present_model"))
        #expect(!cpoints.isEmpty && cpoints.allSatisfy { $0 >= -0.5 && $0 < Double(ReportDetail.side) - 0.5 })

        // In Chromium (as `ReportBrowserTests`): the four views load with no console error,
        // every layer of each toggles, zoom changes the scale bars, markers answer a hover,
        // and defect rows centre the overview on their cells.
        let (status, output) = try runBrowserChecks(on: [path])
        #expect(status == 0, "browser checks failed (exit \(status)):\n\(output)")
        for view in ["input_detail", "corrected_detail"] {
            #expect(output.contains("ok    \(view): layer 'sites_present"), "\(view) was not checked:\n\(output)")
        }
    }

    @Test func clippingKeepsLabelsVectorsAndRecordsOfThePointsInside() {
        let layer = ReportDocument.Layer(id: "l", name: "l", color: "#fff", shape: "label", visible: false,
                                         points: [10, 10, 99.4, 50, 99.6, 50, 5, 200], labels: ["a", "b", "c", "d"],
                                         vectors: [1, 2, 3, 4, 5, 6, 7, 8], records: [["ra"], ["rb"], ["rc"], ["rd"]])
        let region = ReportDetail.Region(x0: 20, y0: 0, width: 80, height: 100)
        let clipped = ReportDetail.clip(layer, to: region)
        #expect(clipped?.points == [79.4, 50])
        #expect(clipped?.labels == ["b"] && clipped?.vectors == [3, 4] && clipped?.records == [["rb"]])
        #expect(clipped?.visible == true && clipped?.share == nil)
        #expect(ReportDetail.clip(layer, to: .init(x0: 300, y0: 300, width: 10, height: 10)) == nil)
        #expect(ReportDetail.centre(width: 300, height: 2000) == .init(x0: 0, y0: 744, width: 300, height: 512))
    }
}
