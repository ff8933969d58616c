import AnchorGeometry

extension Image {
    /// The image value at a sub-pixel point (image pixel coordinates, centres at integers),
    /// or `nil` when the interpolation kernel reaches outside the image or the point is not
    /// finite.
    public func sample(at p: Point2, interpolation: Interpolation = .bilinear) -> Float? {
        guard p.x.isFinite, p.y.isFinite else { return nil }
        let margin: Double
        switch interpolation {
        case .nearest: margin = 0.5
        case .bilinear: margin = 0
        case .bicubic: margin = 1
        }
        guard p.x >= margin - (interpolation == .nearest ? 1 : 0), p.y >= margin - (interpolation == .nearest ? 1 : 0),
              p.x <= Double(width - 1) - margin + (interpolation == .nearest ? 0.5 : 0),
              p.y <= Double(height - 1) - margin + (interpolation == .nearest ? 0.5 : 0) else { return nil }
        return pixels.withUnsafeBufferPointer { buf in
            PerspectiveWarp.borderSample(SourcePlane(base: buf.baseAddress!, width: width, height: height),
                                         p.x, p.y, interpolation, .nan)
        }
    }
}
