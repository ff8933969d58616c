import AnchorGeometry
import AnchorImaging
import AnchorModels
import Foundation

// Geometry and masks on the alignment grid: local scale, distances to outlines, edges.

extension DeviceAlignment {
    /// Image pixels per model unit of H around model point p (square root of the local area scale).
    static func localScale(_ h: Homography, at p: Point2) -> Double {
        let q = [p, p + Point2(1, 0), p + Point2(1, 1), p + Point2(0, 1)].map { h.apply($0) }
        return abs(signedArea(q)).squareRoot()
    }

    static func distanceToOutline(_ p: Point2, _ poly: [Point2]) -> Double {
        var best = Double.infinity
        for i in poly.indices {
            let a = poly[i], b = poly[(i + 1) % poly.count]
            let e = b - a
            let l2 = e.lengthSquared
            let t = l2 > 0 ? max(0, min(1, ((p.x - a.x) * e.x + (p.y - a.y) * e.y) / l2)) : 0
            best = min(best, p.distance(to: Point2(a.x + t * e.x, a.y + t * e.y)))
        }
        return best
    }

    static func intensityRange(_ im: Image, _ valid: [Bool]) -> Double {
        // Percentiles from at most ~65 k evenly spread samples: exact enough for a range.
        let stride = max(1, im.count / 65_536)
        let v = Swift.stride(from: 0, to: im.count, by: stride).filter { valid[$0] }.map { im.pixels[$0] }.sorted()
        guard v.count > 10 else { return 1 }
        let lo = v[Int(0.005 * Double(v.count - 1))], hi = v[Int(0.995 * Double(v.count - 1))]
        return max(Double(hi - lo), 1e-6)
    }

    /// Pixels within 2 px (Euclidean disk) of a pixel whose central-difference gradient
    /// exceeds 5 % of the intensity range per pixel, or on the image border (1 = near an
    /// edge): structure edges, where sub-pixel misregistration and resampling dominate any
    /// difference. A NaN gradient counts as an edge.
    ///
    /// - Complexity: O(pixels), three passes over byte masks (the disk of radius 2 is the
    ///   union of a 5-wide row, 3-wide rows at ±1 and single pixels at ±2).
    static func nearEdges(_ im: Image, range: Double) -> [UInt8] {
        let w = im.width, h = im.height
        var near = [UInt8](repeating: 1, count: w * h)
        guard w >= 3, h >= 3 else { return near }
        let t2 = Float(0.05 * range) * Float(0.05 * range)
        var edge = [UInt8](repeating: 0, count: w * h)
        im.pixels.withUnsafeBufferPointer { p in
            edge.withUnsafeMutableBufferPointer { e in
                for y in 1..<(h - 1) {
                    for x in 1..<(w - 1) {
                        let i = y * w + x
                        let gx = (p[i + 1] - p[i - 1]) / 2, gy = (p[i + w] - p[i - w]) / 2
                        e[i] = gx * gx + gy * gy <= t2 ? 0 : 1
                    }
                }
            }
        }
        // Horizontal dilations by 1 and 2 px.
        var h1 = [UInt8](repeating: 0, count: w * h), h2 = h1
        edge.withUnsafeBufferPointer { e in
            h1.withUnsafeMutableBufferPointer { d1 in
                h2.withUnsafeMutableBufferPointer { d2 in
                    for y in 0..<h {
                        let r = y * w
                        @inline(__always) func at(_ x: Int) -> UInt8 { x >= 0 && x < w ? e[r + x] : 0 }
                        // Columns 2 ..< w − 2 without bounds tests (vectorisable), then the ends.
                        if w > 4 {
                            for x in 2..<(w - 2) {
                                let a = e[r + x - 1] | e[r + x] | e[r + x + 1]
                                d1[r + x] = a
                                d2[r + x] = a | e[r + x - 2] | e[r + x + 2]
                            }
                        }
                        for x in [0, 1, w - 2, w - 1] where x >= 0 && x < w && (x < 2 || x >= w - 2) {
                            let a = at(x - 1) | at(x) | at(x + 1)
                            d1[r + x] = a
                            d2[r + x] = a | at(x - 2) | at(x + 2)
                        }
                    }
                }
            }
        }
        edge.withUnsafeBufferPointer { e in
            h1.withUnsafeBufferPointer { d1 in
                h2.withUnsafeBufferPointer { d2 in
                    near.withUnsafeMutableBufferPointer { o in
                        for y in 1..<(h - 1) {
                            let r = y * w
                            let up2 = y > 1 ? r - 2 * w : -1, down2 = y + 2 < h ? r + 2 * w : -1
                            for x in 1..<(w - 1) { o[r + x] = d2[r + x] | d1[r + x - w] | d1[r + x + w] }
                            if up2 >= 0 { for x in 1..<(w - 1) { o[r + x] |= e[up2 + x] } }
                            if down2 >= 0 { for x in 1..<(w - 1) { o[r + x] |= e[down2 + x] } }
                        }
                    }
                }
            }
        }
        return near
    }
}
