extension ColorMap {
    /// A colour bar: the map's 256 colours stretched over `length` pixels, `thickness` pixels
    /// across. Vertical bars (the default) put the highest value at the top, as plots do;
    /// horizontal bars run from low (left) to high (right).
    /// - Throws: `ImageError.invalidDimensions` for a non-positive or absurd size.
    public func colorBar(length: Int = 256, thickness: Int = 16, vertical: Bool = true) throws -> RGBImage {
        let w = vertical ? thickness : length
        let h = vertical ? length : thickness
        var img = try RGBImage(width: w, height: h)
        for i in 0..<length {
            let t = length > 1 ? Double(i) / Double(length - 1) : 0.5
            let c = color(at: vertical ? 1 - t : t)
            for j in 0..<thickness {
                let (x, y) = vertical ? (j, i) : (i, j)
                let k = 3 * (y * w + x)
                img.samples[k] = c.r
                img.samples[k + 1] = c.g
                img.samples[k + 2] = c.b
            }
        }
        return img
    }
}
