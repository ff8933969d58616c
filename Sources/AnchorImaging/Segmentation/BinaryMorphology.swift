/// A flat, symmetric structuring element for binary morphology.
public enum StructuringElement: Hashable, Sendable {
    /// The (2r+1) × (2r+1) square of pixels with |dx|, |dy| ≤ r.
    case square(radius: Int)
    /// The pixels with dx² + dy² ≤ r² (a digital disk of diameter 2r+1).
    case disk(radius: Int)

    /// Half-width of the element's horizontal span at row offset dy (|dy| ≤ radius).
    func halfWidth(atRowOffset dy: Int) -> Int {
        switch self {
        case .square(let r): return r
        case .disk(let r):
            var w = 0
            while (w + 1) * (w + 1) + dy * dy <= r * r { w += 1 }
            return w
        }
    }

    var radius: Int {
        switch self {
        case .square(let r), .disk(let r): return r
        }
    }
}

/// Binary erosion, dilation, opening and closing.
///
/// Pixels outside the image are ignored (the structuring element is clipped to the image),
/// as OpenCV's `erode`/`dilate` do by default: erosion does not eat objects from the image
/// edge, and erosion and dilation stay dual and adjoint, so opening and closing are idempotent.
///
/// Implemented by horizontal runs: the element is a stack of horizontal spans, a span test is
/// a difference of row prefix counts, so the cost does not grow with the span width.
/// - Complexity: O(width · height · (2r + 1)) for radius r.
extension BinaryImage {
    /// Foreground wherever the element centred on the pixel hits any foreground pixel.
    /// - Throws: `ImageError.invalidParameter` for a negative radius.
    public func dilated(by element: StructuringElement) throws -> BinaryImage {
        try morph(element, erode: false)
    }

    /// Foreground wherever the element centred on the pixel lies entirely in the foreground
    /// (within the image).
    /// - Throws: `ImageError.invalidParameter` for a negative radius.
    public func eroded(by element: StructuringElement) throws -> BinaryImage {
        try morph(element, erode: true)
    }

    /// Erosion then dilation: removes foreground specks smaller than the element.
    public func opened(by element: StructuringElement) throws -> BinaryImage {
        try eroded(by: element).dilated(by: element)
    }

    /// Dilation then erosion: fills background holes and gaps smaller than the element.
    public func closed(by element: StructuringElement) throws -> BinaryImage {
        try dilated(by: element).eroded(by: element)
    }

    private func morph(_ element: StructuringElement, erode: Bool) throws -> BinaryImage {
        guard element.radius >= 0 else {
            throw ImageError.invalidParameter(name: "radius", reason: "must be ≥ 0, got \(element.radius)")
        }
        if element.radius == 0 { return self }
        let w = width, h = height
        // Outside pixels are ignored, so a radius beyond width + height (more than the image's
        // diagonal) acts like that radius; clamping keeps an absurd radius from allocating.
        let r = min(element.radius, w + h)
        let element: StructuringElement = {
            switch element {
            case .square: return .square(radius: r)
            case .disk: return .disk(radius: r)
            }
        }()
        // prefix[y][x] = foreground count in row y before column x.
        var prefix = [Int32](repeating: 0, count: (w + 1) * h)
        for y in 0..<h {
            var c: Int32 = 0
            for x in 0..<w {
                prefix[y * (w + 1) + x] = c
                c += Int32(pixels[y * w + x])
            }
            prefix[y * (w + 1) + w] = c
        }
        let spans = (-r...r).map { element.halfWidth(atRowOffset: $0) }
        var out = [UInt8](repeating: 0, count: w * h)
        prefix.withUnsafeBufferPointer { pre in
            out.withUnsafeMutableBufferPointer { o in
                for y in 0..<h {
                    for x in 0..<w {
                        var hit = erode
                        for dy in -r...r {
                            let yy = y + dy
                            guard yy >= 0 && yy < h else { continue }
                            let hw = spans[dy + r]
                            let x0 = max(x - hw, 0), x1 = min(x + hw, w - 1)
                            let base = yy * (w + 1)
                            let n = pre[base + x1 + 1] - pre[base + x0]
                            if erode {
                                if Int(n) != x1 - x0 + 1 { hit = false; break }
                            } else if n > 0 {
                                hit = true
                                break
                            }
                        }
                        o[y * w + x] = hit ? 1 : 0
                    }
                }
            }
        }
        return BinaryImage(uncheckedWidth: w, height: h, pixels: out)
    }
}
