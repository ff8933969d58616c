import Foundation

extension Image {
    /// Renders the image through a colour map into an 8-bit RGB image of the same size and
    /// calibration.
    ///
    /// - Parameters:
    ///   - colorMap: the map (default gray).
    ///   - range: sample values shown as the map's first and last colour; values outside are
    ///     clamped. `nil` (default) stretches the 0.5–99.5 percentiles (`percentileRange()`).
    ///     A degenerate range shows the map's middle colour.
    ///   - nanColor: colour of non-finite samples (missing scan lines, masked pixels).
    /// - Complexity: O(n), plus one quickselect when `range` is `nil`.
    public func rendered(
        colorMap: ColorMap = .gray, range: ClosedRange<Float>? = nil, nanColor: RGBColor = .black
    ) -> RGBImage {
        // An image without a finite sample renders as all `nanColor`, so the fallback range
        // is never used for a visible pixel.
        let r = range ?? ((try? percentileRange()) ?? 0...1)
        let lo = r.lowerBound, span = r.upperBound - r.lowerBound
        let scale: Float = span > 0 ? 255 / span : 0
        var out = [UInt8](repeating: 0, count: count * 3)
        colorMap.table.withUnsafeBufferPointer { t in
            pixels.withUnsafeBufferPointer { p in
                out.withUnsafeMutableBufferPointer { o in
                    for i in 0..<p.count {
                        let v = p[i]
                        if !v.isFinite {
                            o[3 * i] = nanColor.r
                            o[3 * i + 1] = nanColor.g
                            o[3 * i + 2] = nanColor.b
                            continue
                        }
                        let f = span > 0 ? (v - lo) * scale : 127.5
                        let k = 3 * displayLevel(f)
                        o[3 * i] = t[k]
                        o[3 * i + 1] = t[k + 1]
                        o[3 * i + 2] = t[k + 2]
                    }
                }
            }
        }
        // Same (validated) dimensions as self.
        var rgb = try! RGBImage(width: width, height: height, samples: out)
        rgb.pixelSize = pixelSize
        rgb.unit = unit
        return rgb
    }
}

extension Image {
    /// `rendered(colorMap:range:nanColor:)` encoded as a PNG: the same pixels, written as an
    /// indexed-colour PNG (the map's 256 entries as the palette) when `nanColor` is one of
    /// them, which compresses a third of the bytes of the RGB image; otherwise as RGB.
    /// - Throws: `FormatError` when libpng fails.
    public func renderedPNG(colorMap: ColorMap = .gray, range: ClosedRange<Float>? = nil,
                            nanColor: RGBColor = .black) throws -> Data {
        let t = colorMap.table
        guard let nanIndex = (0..<256).first(where: { t[3 * $0] == nanColor.r && t[3 * $0 + 1] == nanColor.g && t[3 * $0 + 2] == nanColor.b })
        else { return try rendered(colorMap: colorMap, range: range, nanColor: nanColor).pngData() }
        let r = range ?? ((try? percentileRange()) ?? 0...1)
        let lo = r.lowerBound, span = r.upperBound - r.lowerBound
        let scale: Float = span > 0 ? 255 / span : 0
        var indices = [UInt8](repeating: 0, count: count)
        pixels.withUnsafeBufferPointer { p in
            indices.withUnsafeMutableBufferPointer { o in
                for i in 0..<p.count {
                    let v = p[i]
                    guard v.isFinite else { o[i] = UInt8(nanIndex); continue }
                    // As `rendered`: the same index into the same table.
                    let f = span > 0 ? (v - lo) * scale : 127.5
                    o[i] = UInt8(displayLevel(f))
                }
            }
        }
        return try PNGCodec.encode(indices: indices, palette: t, width: width, height: height,
                                   pixelSize: pixelSize, unit: unit)
    }
}
