import AnchorGeometry

/// Anti-aliased coverage (0…1) accumulated over a clipped rectangle of an image, so that a
/// shape made of several strokes (a polyline, a cross) is blended once, without darker
/// joints where its strokes overlap.
///
/// Coverage of a pixel by a stroke of half-width w whose centre line lies at distance d from
/// the pixel centre is clamp(w + ½ − d, 0, 1): a linear ramp one pixel wide, the cheap
/// approximation of box-filtered area coverage.
struct CoverageMask {
    let x0: Int, y0: Int, x1: Int, y1: Int  // inclusive clip rectangle in image pixels
    var alpha: [Float]

    /// A mask over the pixels whose centres lie within `bounds` (min x, min y, max x, max y)
    /// expanded by one pixel, clipped to a `width × height` image; `nil` when that is empty.
    init?(bounds: (Double, Double, Double, Double), width: Int, height: Int) {
        guard bounds.0.isFinite, bounds.1.isFinite, bounds.2.isFinite, bounds.3.isFinite else { return nil }
        // Clamp in floating point first: a far-away shape must not overflow `Int`.
        func clamp(_ v: Double, _ n: Int) -> Int { Int(min(max(v, -1), Double(n))) }
        let ax = max(0, clamp((bounds.0 - 1).rounded(.down), width))
        let ay = max(0, clamp((bounds.1 - 1).rounded(.down), height))
        let bx = min(width - 1, clamp((bounds.2 + 1).rounded(.up), width))
        let by = min(height - 1, clamp((bounds.3 + 1).rounded(.up), height))
        guard ax <= bx, ay <= by else { return nil }
        x0 = ax; y0 = ay; x1 = bx; y1 = by
        alpha = [Float](repeating: 0, count: (bx - ax + 1) * (by - ay + 1))
    }

    /// Adds (by maximum) the coverage of the pixels whose centres lie in the box `lo…hi`
    /// (grown by a pixel); `coverage(x, y)` returns the coverage of the pixel centred at
    /// (x, y), clamped here to 0…1.
    mutating func add(lo: Point2, hi: Point2, _ coverage: (Double, Double) -> Double) {
        // Clamp in floating point first: a far-away shape must not overflow `Int`.
        func clamp(_ v: Double, _ lo: Int, _ hi: Int) -> Int { Int(min(max(v, Double(lo)), Double(hi))) }
        guard lo.isFinite, hi.isFinite else { return }
        let ax = clamp((lo.x - 1).rounded(.down), x0, x1 + 1)
        let ay = clamp((lo.y - 1).rounded(.down), y0, y1 + 1)
        let bx = clamp((hi.x + 1).rounded(.up), x0 - 1, x1)
        let by = clamp((hi.y + 1).rounded(.up), y0 - 1, y1)
        guard ax <= bx, ay <= by else { return }
        let w = x1 - x0 + 1
        for y in ay...by {
            for x in ax...bx {
                let c = Float(min(max(coverage(Double(x), Double(y)), 0), 1))
                let k = (y - y0) * w + (x - x0)
                if c > alpha[k] { alpha[k] = c }
            }
        }
    }

    /// Coverage of a segment stroke of half-width `hw`.
    mutating func addSegment(_ a: Point2, _ b: Point2, halfWidth hw: Double) {
        let d = b - a
        let len2 = d.lengthSquared
        let r = hw + 0.5
        add(lo: Point2(min(a.x, b.x) - r, min(a.y, b.y) - r), hi: Point2(max(a.x, b.x) + r, max(a.y, b.y) + r)) { x, y in
            let p = Point2(x, y) - a
            let t = len2 > 0 ? min(max(p.dot(d) / len2, 0), 1) : 0
            let dist = (p - d * t).length
            return hw + 0.5 - dist
        }
    }

    /// Blends `color` over `image` with the accumulated coverage times `opacity`.
    func blend(into image: inout RGBImage, color: RGBColor, opacity: Double) {
        let w = x1 - x0 + 1
        let op = Float(min(max(opacity, 0), 1))
        let cr = Float(color.r), cg = Float(color.g), cb = Float(color.b)
        let iw = image.width
        image.samples.withUnsafeMutableBufferPointer { s in
            for y in y0...y1 {
                for x in x0...x1 {
                    let a = alpha[(y - y0) * w + (x - x0)] * op
                    if a <= 0 { continue }
                    let k = 3 * (y * iw + x)
                    s[k] = UInt8((Float(s[k]) * (1 - a) + cr * a).rounded())
                    s[k + 1] = UInt8((Float(s[k + 1]) * (1 - a) + cg * a).rounded())
                    s[k + 2] = UInt8((Float(s[k + 2]) * (1 - a) + cb * a).rounded())
                }
            }
        }
    }
}
