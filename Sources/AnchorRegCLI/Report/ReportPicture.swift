import AnchorImaging
import Foundation

/// Pictures for `report.html`: images as base64 PNG at full resolution up to `maxSide`
/// pixels, larger ones as a block-averaged overview (the page says so).
enum ReportPicture {
    /// The longest side embedded at full resolution. Keeps a page with two full-resolution
    /// 1024² height maps near 3 MB.
    static let maxSide = 1024

    /// The reduction factor that brings `width × height` within `maxSide`.
    static func factor(width: Int, height: Int) -> Int {
        max(1, (max(width, height) + maxSide - 1) / maxSide)
    }

    /// A height map as an 8-bit gray PNG: `range` maps onto 1…255 and non-finite samples onto
    /// 0, which the viewer draws transparent; `map` is the colour map the viewer applies.
    static func gray(_ image: Image, map: ColorMap, range: ClosedRange<Float>) throws -> ReportDocument.Picture {
        let f = factor(width: image.width, height: image.height)
        let shown = try image.binned(by: f)
        let lo = range.lowerBound, span = range.upperBound - range.lowerBound
        let scale = span > 0 ? 254 / span : 0
        let bytes = shown.pixels.map { v -> UInt8 in
            guard v.isFinite else { return 0 }
            return UInt8(1 + displayLevel((v - lo) * scale, top: 254))
        }
        let png = try PNGCodec.encode(gray8: bytes, width: shown.width, height: shown.height)
        return ReportDocument.Picture(png: png.base64EncodedString(), width: shown.width, height: shown.height,
                                      scale: f, lut: lut(map))
    }

    /// A colour picture (a photograph, or an image with drawn overlays) as an RGB PNG.
    static func rgb(_ image: RGBImage) throws -> ReportDocument.Picture {
        let f = factor(width: image.width, height: image.height)
        let shown = f == 1 ? image : try reduced(image, by: f)
        return ReportDocument.Picture(png: try shown.pngData().base64EncodedString(), width: shown.width,
                                      height: shown.height, scale: f, lut: nil)
    }

    /// The colour map's 256 entries with entry 0 (no data) kept for the viewer's
    /// transparency: index k ≥ 1 shows the map at t = (k − 1) / 254.
    static func lut(_ map: ColorMap) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 768)
        for k in 1...255 {
            let c = map.color(at: Double(k - 1) / 254)
            out[3 * k] = c.r
            out[3 * k + 1] = c.g
            out[3 * k + 2] = c.b
        }
        return out
    }

    /// `image` reduced by averaging `f`×`f` blocks (a trailing partial block is dropped,
    /// as `Image.binned` does); each channel's mean rounded half up.
    /// - Complexity: O(pixels), one pass over the source rows into per-row integer sums.
    static func reduced(_ image: RGBImage, by f: Int) throws -> RGBImage {
        let w = image.width / f, h = image.height / f
        let n = f * f
        let out = image.samples.withUnsafeBufferPointer { src in
            [UInt8](unsafeUninitializedCapacity: w * h * 3) { dst, count in
                var sums = [Int](repeating: 0, count: w * 3)
                sums.withUnsafeMutableBufferPointer { acc in
                    for y in 0..<h {
                        for i in 0..<(w * 3) { acc[i] = 0 }
                        for dy in 0..<f {
                            let row = (y * f + dy) * image.width * 3
                            for x in 0..<w {
                                var r = 0, g = 0, b = 0
                                var o = row + x * f * 3
                                for _ in 0..<f {
                                    r += Int(src[o]); g += Int(src[o + 1]); b += Int(src[o + 2])
                                    o += 3
                                }
                                acc[3 * x] += r; acc[3 * x + 1] += g; acc[3 * x + 2] += b
                            }
                        }
                        for i in 0..<(w * 3) { dst[y * w * 3 + i] = UInt8((acc[i] + n / 2) / n) }
                    }
                }
                count = w * h * 3
            }
        }
        return try RGBImage(width: w, height: h, samples: out)
    }
}
