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

    /// Clears `mask` within 2 px of pixels whose central-difference gradient exceeds 5 % of
    /// the intensity range per pixel (structure edges, where sub-pixel misregistration and
    /// resampling dominate any difference).
    static func markEdges(_ im: Image, range: Double, into mask: inout [Bool]) {
        let w = im.width, h = im.height
        let t = Float(0.05 * range)
        var edge = [Bool](repeating: false, count: w * h)
        for y in 1..<(h - 1) {
            for x in 1..<(w - 1) {
                let i = y * w + x
                let gx = (im.pixels[i + 1] - im.pixels[i - 1]) / 2, gy = (im.pixels[i + w] - im.pixels[i - w]) / 2
                if !(gx * gx + gy * gy <= t * t) { edge[i] = true }
            }
        }
        let r = 2
        for y in 0..<h {
            for x in 0..<w where edge[y * w + x] {
                for dy in -r...r {
                    let yy = y + dy
                    guard yy >= 0, yy < h else { continue }
                    for dx in -r...r where dx * dx + dy * dy <= r * r {
                        let xx = x + dx
                        if xx >= 0 && xx < w { mask[yy * w + xx] = false }
                    }
                }
            }
        }
        for x in 0..<w { mask[x] = false; mask[(h - 1) * w + x] = false }
        for y in 0..<h { mask[y * w] = false; mask[y * w + w - 1] = false }
    }
}
