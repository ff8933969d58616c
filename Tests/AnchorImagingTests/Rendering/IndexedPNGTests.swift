import Foundation
import Testing
import AnchorGeometry
@testable import AnchorImaging

/// `renderedPNG` writes an indexed PNG whose pixels are those of `rendered(…).pngData()`.
@Suite struct IndexedRenderedPNGTests {
    func image() throws -> Image {
        var pixels: [Float] = []
        for k in 0..<(37 * 23) {
            let wave: Double = sin(Double(k) * 0.37) * 3
            pixels.append(Float(wave + Double(k % 37) * 0.1))
        }
        pixels[5] = Float.nan
        pixels[100] = Float.infinity
        return try Image(width: 37, height: 23, pixels: pixels, pixelSize: PixelSize(x: 0.4, y: 0.5), unit: LengthUnit.micrometre)
    }

    @Test func indexedPNGDecodesToTheRenderedPixels() throws {
        let img = try image()
        for (map, nan) in [(ColorMap.afmhot, RGBColor.black), (.gray, .black), (.coolwarm, .black), (.viridis, .magenta)] {
            let range = try img.percentileRange()
            let expected = img.rendered(colorMap: map, range: range, nanColor: nan)
            let data = try img.renderedPNG(colorMap: map, range: range, nanColor: nan)
            let back = try #require(try PNGCodec.read(data: data).rgb)
            #expect(back.samples == expected.samples, "\(map.name)")
            #expect(back.width == 37 && back.height == 23)
            // Colour type 3 (indexed) where the NaN colour is in the map; RGB (2) otherwise.
            let colourType = data[25]
            let nanInMap = stride(from: 0, to: 768, by: 3).contains {
                map.table[$0] == nan.r && map.table[$0 + 1] == nan.g && map.table[$0 + 2] == nan.b
            }
            #expect(colourType == (nanInMap ? 3 : 2), "\(map.name)")
        }
        // The calibration is kept (pHYs), as the RGB path keeps it.
        let indexed = try #require(try PNGCodec.read(data: try img.renderedPNG(colorMap: .afmhot)).rgb)
        let rgb = try #require(try PNGCodec.read(data: try img.rendered(colorMap: .afmhot).pngData()).rgb)
        #expect(indexed.pixelSize != nil)
        #expect(indexed.pixelSize == rgb.pixelSize && indexed.unit == rgb.unit)
    }
}
