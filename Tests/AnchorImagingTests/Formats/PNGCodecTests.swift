import AnchorGeometry
import Foundation
import Testing
@testable import AnchorImaging

@Suite struct PNGCodecTests {
    @Test func sixteenBitGrayRoundTripKeepsValuesAndCalibration() throws {
        let w = 37, h = 23
        let values = (0..<(w * h)).map { UInt16(($0 * 2654435761) & 0xFFFF) }
        let data = try PNGCodec.encode(gray16: values, width: w, height: h,
                                       pixelSize: PixelSize(x: 2, y: 4), unit: .micrometre)
        let doc = try ImageFile.read(data: data)
        #expect(doc.format == .png)
        let img = doc.channels[0].image
        #expect(doc.channels.map(\.name) == ["gray"])
        #expect(img.width == w && img.height == h)
        #expect(img.pixels == values.map(Float.init))
        #expect(img.unit == .micrometre)
        #expect(abs(img.pixelSize!.x - 2) < 1e-5 && abs(img.pixelSize!.y - 4) < 1e-5)
    }

    @Test func eightBitGrayAndRGBRoundTrip() throws {
        let g: [UInt8] = (0..<60).map { UInt8($0 * 4) }
        let gray = try PNGCodec.read(data: PNGCodec.encode(gray8: g, width: 10, height: 6))
        #expect(gray.channels[0].image.pixels == g.map(Float.init))
        #expect(gray.channels[0].image.pixelSize == nil)
        let rgb = try RGBImage(width: 4, height: 3, samples: (0..<36).map { UInt8($0 * 7) })
        let doc = try PNGCodec.read(data: PNGCodec.encode(rgb: rgb))
        #expect(doc.rgb == rgb)
        #expect(doc.channels.map(\.name) == ["luminance", "red", "green", "blue"])
        #expect(doc.channels[0].image.pixels == rgb.luminance().pixels)
        #expect(doc.channels[2].image[1, 0] == Float(rgb.samples[4]))
    }

    @Test func floatImageIsStretchedLinearly() throws {
        let img = try Image(width: 3, height: 1, pixels: [-1, 0, 1])
        let doc = try PNGCodec.read(data: PNGCodec.encode(img, bitDepth: 16))
        #expect(doc.channels[0].image.pixels == [0, 32768, 65535])
    }

    @Test func paletteGrayAlphaAndLowBitDepthsExpand() throws {
        // Palette: 2 colours, 1-bit indices 0b10 → pixel 0 = colour 1, pixel 1 = colour 0.
        let pal = FormatTestSupport.png(width: 2, height: 1, bitDepth: 1, colorType: 3, rows: [[0b1000_0000]],
                                        extraChunks: [("PLTE", [10, 20, 30, 200, 100, 50])])
        let doc = try PNGCodec.read(data: Data(pal))
        #expect(doc.rgb?.samples == [200, 100, 50, 10, 20, 30])
        // Gray+alpha 8-bit.
        let ga = FormatTestSupport.png(width: 2, height: 1, bitDepth: 8, colorType: 4, rows: [[7, 255, 9, 128]])
        let gdoc = try PNGCodec.read(data: Data(ga))
        #expect(gdoc.channels.map(\.name) == ["gray", "alpha"])
        #expect(gdoc.channels[0].image.pixels == [7, 9])
        #expect(gdoc.channels[1].image.pixels == [255, 128])
        // 4-bit gray is scaled to 8 bits by libpng's expansion (0xF → 255).
        let g4 = FormatTestSupport.png(width: 2, height: 1, bitDepth: 4, colorType: 0, rows: [[0xF1]])
        #expect(try PNGCodec.read(data: Data(g4)).channels[0].image.pixels == [255, 17])
        // RGBA 16-bit keeps 16-bit values in the colour channels.
        let rgba = FormatTestSupport.png(width: 1, height: 1, bitDepth: 16, colorType: 6, rows: [[0x12, 0x34, 0, 1, 0xFF, 0xFF, 0, 0]])
        let rdoc = try PNGCodec.read(data: Data(rgba))
        #expect(rdoc.channels.map(\.name) == ["luminance", "red", "green", "blue", "alpha"])
        #expect(rdoc.channels[1].image.pixels == [0x1234])
        #expect(rdoc.rgb?.samples == [0x12, 0, 0xFF])
    }

    @Test func printerDefaultResolutionIsNotACalibration() throws {
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        let dpi72 = FormatTestSupport.png(width: 1, height: 1, bitDepth: 8, colorType: 0, rows: [[1]],
                                          extraChunks: [("pHYs", be32(2835) + be32(2835) + [1])])
        #expect(try PNGCodec.read(data: Data(dpi72)).channels[0].image.pixelSize == nil)
    }
}
