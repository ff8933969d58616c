import Foundation
import Testing
import AnchorGeometry
@testable import AnchorImaging

@Suite struct ImageTests {
    @Test func rowMajorIndexing() throws {
        let img = try Image(width: 3, height: 2, pixels: [0, 1, 2, 10, 11, 12])
        #expect(img[2, 0] == 2)
        #expect(img[0, 1] == 10)
        #expect(img.finiteRange! == (0, 12))
    }

    @Test func refusesBadSizes() {
        #expect(throws: ImageError.self) { try Image(width: 0, height: 2, pixels: []) }
        #expect(throws: ImageError.self) { try Image(width: 2, height: 2, pixels: [1, 2, 3]) }
        #expect(throws: ImageError.self) { try Image(width: 1 << 20, height: 1 << 20) }
        #expect(throws: ImageError.self) { try Image(width: Int.max, height: 3) }
    }

    @Test func luminanceUsesBT601Weights() throws {
        let rgb = try RGBImage(width: 2, height: 1, samples: [255, 0, 0, 10, 20, 30])
        let y = rgb.luminance()
        #expect(abs(y[0, 0] - 76.245) < 1e-3)
        #expect(abs(y[1, 0] - (2.99 + 11.74 + 3.42)) < 1e-3)
    }

    @Test func lengthUnitParsing() {
        #expect(LengthUnit(parsing: "um") == .micrometre)
        #expect(LengthUnit(parsing: " nm ") == .nanometre)
        #expect(LengthUnit(parsing: "furlong") == nil)
        #expect(LengthUnit.micrometre.factor(to: .nanometre)! == 1000)
    }
}

@Suite struct ImageBinningTests {
    @Test func binningAveragesBlocksAndScalesCalibration() throws {
        var img = try Image(width: 5, height: 4, pixels: (0..<20).map(Float.init))
        img.pixelSize = PixelSize(x: 0.5, y: 0.25)
        img.unit = .nanometre
        let b = try img.binned(by: 2)
        #expect(b.width == 2 && b.height == 2)
        #expect(b[0, 0] == (0 + 1 + 5 + 6) / 4)
        #expect(b[1, 1] == (12 + 13 + 17 + 18) / 4)
        #expect(b.pixelSize == PixelSize(x: 1.0, y: 0.5))
        #expect(throws: ImageError.self) { try img.binned(by: 9) }
        #expect(throws: ImageError.self) { try img.binned(by: 0) }
        // NaN samples are left out of their block's mean; a block of only NaN stays NaN; the
        // other blocks of the row are unaffected.
        var holes = try Image(width: 6, height: 2, pixels: (0..<12).map(Float.init))
        holes.pixels[0] = .nan
        for i in [2, 3, 8, 9] { holes.pixels[i] = .nan }
        let hb = try holes.binned(by: 2)
        #expect(hb[0, 0] == Float(1 + 6 + 7) / 3)
        #expect(hb[1, 0].isNaN)
        #expect(hb[2, 0] == Float(4 + 5 + 10 + 11) / 4)
    }
}
