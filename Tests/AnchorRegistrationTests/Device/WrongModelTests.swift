import AnchorGeometry
import AnchorImaging
import AnchorModels
import Foundation
import Testing
@testable import AnchorRegistration

/// A wrong model must never come back "ok" (issue 10 item 5, issue 11).
@Suite("Device verdict on wrong models")
struct WrongModelTests {
    /// Status of registering `image` to `model`: "refused" when registration throws.
    static func status(_ image: Image, _ model: AnchorModel) -> Verdict.Status {
        guard let r = try? DeviceRegistration.register(image, to: model) else { return .refused }
        return r.quality.status
    }

    /// Four oblong (2 : 1) pads: `square:40` fits each of them by a homography, but only by
    /// stretching the square 2 : 1.
    @Test func squareModelOnOblongPads() throws {
        let w = 360, h = 270
        var px = [Float](repeating: 60, count: w * h)
        for (x0, y0) in [(40, 40), (220, 40), (40, 170), (220, 170)] {
            for y in y0..<(y0 + 40) { for x in x0..<(x0 + 80) { px[y * w + x] = 200 } }
        }
        let img = try Image(width: w, height: h, pixels: px).gaussianBlurred(sigma: 1)
        let model = try BuiltinModels.named("square:40")
        #expect(Self.status(img, model) != .ok)
    }

    /// The right model on the same kind of picture is ok (the test above can fail).
    @Test func squareModelOnSquarePads() throws {
        let w = 360, h = 270
        var px = [Float](repeating: 60, count: w * h)
        for y in 80..<180 { for x in 120..<220 { px[y * w + x] = 200 } }
        let img = try Image(width: w, height: h, pixels: px).gaussianBlurred(sigma: 1)
        let model = try BuiltinModels.named("square:40")
        let r = try DeviceRegistration.register(img, to: model)
        #expect(r.quality.status == .ok, "\(r.quality.reasons.map(\.message))")
        #expect(r.quality.evidence["outline_support"] ?? 0 > 0.95)
    }

    /// device4 (a square with four electrodes) on the snake photograph: a contact pad fits the
    /// square, but no electrode is where the model draws them.
    @Test func device4OnTheSnakePhoto() throws {
        let path = try SnakePhotoTests.file("snakesmall2.jpg")
        let rgb = try #require(try ImageFile.read(path: path).rgb)
        let model = try BuiltinModels.named("device4:40")
        #expect(Self.status(rgb.luminance(), model) != .ok)
    }
}
