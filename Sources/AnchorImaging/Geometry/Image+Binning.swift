extension Image {
    /// The image reduced by `factor` in both directions by averaging `factor`×`factor`
    /// blocks (a trailing partial row or column is dropped). Pixel (X, Y) of the result
    /// covers input pixels factor·X … factor·X + factor − 1, so its centre lies at input
    /// coordinate factor·X + (factor − 1)/2. The calibration scales with the factor. NaN
    /// samples are left out of their block's mean (a block of only NaN stays NaN).
    ///
    /// - Complexity: O(width · height).
    public func binned(by factor: Int) throws -> Image {
        guard factor >= 1 else { throw ImageError.invalidParameter(name: "factor", reason: "must be ≥ 1, got \(factor)") }
        if factor == 1 { return self }
        let w = width / factor, h = height / factor
        guard w >= 1, h >= 1 else {
            throw ImageError.invalidParameter(name: "factor", reason: "\(factor) is larger than the \(width)×\(height) image")
        }
        var out = [Float](repeating: .nan, count: w * h)
        pixels.withUnsafeBufferPointer { px in
        out.withUnsafeMutableBufferPointer { out in
            for y in 0..<h {
                if factor == 2 {
                    // The common case without the general loops: a finite sum means four
                    // finite samples (NaN or ∞ would propagate), added in the same order.
                    let r0 = 2 * y * width, r1 = r0 + width
                    var allFinite = true
                    for x in 0..<w {
                        let s = px[r0 + 2 * x] + px[r0 + 2 * x + 1] + px[r1 + 2 * x] + px[r1 + 2 * x + 1]
                        out[y * w + x] = s / 4
                        allFinite = allFinite && s.isFinite
                    }
                    if allFinite { continue }
                }
                for x in 0..<w {
                    var sum: Float = 0
                    var n = 0
                    for dy in 0..<factor {
                        let row = (y * factor + dy) * width + x * factor
                        for dx in 0..<factor {
                            let v = px[row + dx]
                            if v.isFinite {
                                sum += v
                                n += 1
                            }
                        }
                    }
                    out[y * w + x] = n > 0 ? sum / Float(n) : .nan
                }
            }
        }}
        var result = try Image(width: w, height: h, pixels: out, unit: unit, valueUnit: valueUnit)
        result.pixelSize = pixelSize.map { PixelSize(x: $0.x * Double(factor), y: $0.y * Double(factor)) }
        return result
    }
}
