import AnchorGeometry

extension Image {
    /// The image value at a sub-pixel point (image pixel coordinates, centres at integers),
    /// or `nil` when the point is not finite or the interpolation would need samples outside
    /// the image: nearest needs x in [−0.5, width − 0.5), bilinear x in [0, width − 1], bicubic
    /// x in [1, width − 2] (likewise y).
    public func sample(at p: Point2, interpolation: Interpolation = .bilinear) -> Float? {
        guard p.x.isFinite, p.y.isFinite else { return nil }
        let w = Double(width), h = Double(height)
        let inside: Bool
        switch interpolation {
        case .nearest: inside = p.x >= -0.5 && p.x < w - 0.5 && p.y >= -0.5 && p.y < h - 0.5
        case .bilinear: inside = p.x >= 0 && p.x <= w - 1 && p.y >= 0 && p.y <= h - 1
        case .bicubic: inside = p.x >= 1 && p.x <= w - 2 && p.y >= 1 && p.y <= h - 2
        }
        guard inside else { return nil }
        if interpolation == .bilinear, p.x < w - 1, p.y < h - 1 {
            // All four taps inside with non-zero weights (the common case): the same sum, in
            // the same order, as `PerspectiveWarp.borderSample`, without its per-tap tests.
            let xf = p.x.rounded(.down), yf = p.y.rounded(.down)
            let tx = Float(p.x - xf), ty = Float(p.y - yf)
            let wx0 = 1 - tx, wy0 = 1 - ty
            if tx != 0, ty != 0, wx0 != 0, wy0 != 0 {
            return pixels.withUnsafeBufferPointer { buf in
                let i = Int(yf) * width + Int(xf)
                var acc: Float = 0
                acc += wy0 * wx0 * buf[i]
                acc += wy0 * tx * buf[i + 1]
                acc += ty * wx0 * buf[i + width]
                acc += ty * tx * buf[i + width + 1]
                return acc
            }
            }
        }
        // Taps of zero weight are skipped, so the NaN fill is never read at the far edge.
        return pixels.withUnsafeBufferPointer { buf in
            PerspectiveWarp.borderSample(SourcePlane(base: buf.baseAddress!, width: width, height: height),
                                         p.x, p.y, interpolation, .nan)
        }
    }
}
