import Testing
import Foundation
import AnchorGeometry
import AnchorModels
@testable import AnchorRegistration

/// The site, anchor and cell records write themselves into the streaming encoder
/// (`JSONStreamWritable`, for speed); the bytes must be exactly those of their synthesised
/// `Encodable` conformances, which Foundation's encoder and every other consumer use.
@Suite struct FrameReportJSONTests {
    /// Hides a value's `JSONStreamWritable` conformance, so the encoder takes the `Codable` path.
    struct ViaCodable<T: Encodable>: Encodable {
        let value: T
        func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
    }

    func report() throws -> FrameReport {
        let generator = Si7x7SceneGenerator()
        let scene = try generator.generate(Si7x7SceneParameters(seed: 7, size: 256, fieldOfView: 16,
                                                                 rotationDegrees: 9, drift: Point2(0.3, -0.2),
                                                                 defectFraction: 0.05, noise: 0.1))
        let analysis = try FrameAnalysis.analyse(scene.image, model: generator.model)
        return FrameReport(analysis, file: "frame.tiff", filePixelSize: nil)
    }

    @Test func recordsWriteTheBytesOfTheirEncodableConformance() throws {
        var report = try report()
        #expect(report.sites.count > 100 && report.anchors.count > 10 && !report.cells.isEmpty)
        // Every optional both ways, and the non-finite numbers.
        report.sites[0].half = nil; report.sites[0].group = nil
        report.sites[0].index = nil; report.sites[0].kind = nil
        report.sites[1].score = .nan
        report.anchors[0].residual_px = -.infinity
        report.cells[0].half = nil
        for pretty in [true, false] {
            let encoder = StreamingJSONEncoder(pretty: pretty)
            #expect(try encoder.encode(report.sites) == encoder.encode(report.sites.map(ViaCodable.init)))
            #expect(try encoder.encode(report.anchors) == encoder.encode(report.anchors.map(ViaCodable.init)))
            #expect(try encoder.encode(report.cells) == encoder.encode(report.cells.map(ViaCodable.init)))
            #expect(try encoder.encode([Point2]()) == encoder.encode([ViaCodable<Point2>]()))
        }
    }

    /// The whole document still reads back as Foundation reads it: same sites, same values.
    @Test func wholeReportMatchesFoundationsEncoding() throws {
        let report = try report()
        let ours = try JSONSerialization.jsonObject(with: Data(StreamingJSONEncoder().encode(report))) as? NSDictionary
        let foundation = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? NSDictionary
        #expect(ours != nil && ours == foundation)
    }
}
