import Foundation
import Testing
@testable import AnchorImaging

@Suite struct JPEGWriterTests {
    /// A smooth colour gradient with a sharp square: what a photograph looks like.
    static func scene(_ w: Int, _ h: Int) throws -> RGBImage {
        var s = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                let inside = x > w / 4 && x < 3 * w / 4 && y > h / 4 && y < 3 * h / 4
                s[(y * w + x) * 3] = UInt8(inside ? 220 : 40 + x % 100)
                s[(y * w + x) * 3 + 1] = UInt8(inside ? 200 : 60 + y % 80)
                s[(y * w + x) * 3 + 2] = UInt8(inside ? 120 : 90)
            }
        }
        return try RGBImage(width: w, height: h, samples: s)
    }

    @Test func colourRoundTripIsCloseAndSmallerAtLowerQuality() throws {
        let img = try Self.scene(96, 64)
        let q90 = try JPEGWriter.encode(rgb: img, quality: 90)
        let q70 = try JPEGWriter.encode(rgb: img, quality: 70)
        #expect(q70.count < q90.count)
        let doc = try ImageFile.read(data: q90, fileExtension: "jpg")
        #expect(doc.format == .jpeg)
        let back = try #require(doc.rgb)
        #expect(back.width == 96 && back.height == 64)
        var err = 0.0
        for i in img.samples.indices { err += abs(Double(img.samples[i]) - Double(back.samples[i])) }
        #expect(err / Double(img.samples.count) < 4, "mean abs error \(err / Double(img.samples.count))")
    }

    @Test func greyRoundTrip() throws {
        let w = 40, h = 24
        let px = (0..<(w * h)).map { UInt8(($0 % w) * 6) }
        let data = try JPEGWriter.encode(gray8: px, width: w, height: h, quality: 95)
        let doc = try ImageFile.read(data: data, fileExtension: "jpg")
        #expect(doc.channels.map(\.name) == ["gray"])
        let back = doc.channels[0].image.pixels
        #expect(zip(px, back).allSatisfy { abs(Float($0) - $1) <= 6 })
    }

    @Test func badRequestsAreTypedErrors() throws {
        let img = try Self.scene(16, 16)
        #expect(throws: ImageError.self) { try JPEGWriter.encode(rgb: img, quality: 0) }
        #expect(throws: ImageError.self) { try JPEGWriter.encode(rgb: img, quality: 101) }
        #expect(throws: ImageError.self) { try JPEGWriter.encode(gray8: [1, 2, 3], width: 2, height: 2) }
    }
}
