import AnchorGeometry
import AnchorImaging
import AnchorModels
import Foundation

// Exposure and illumination normalisation of a frame against the first (DeviceAlignment, step 3).

/// The explicit intensity normalisation of one frame against the first (exposure and
/// illumination differences between photographs): I_k ≈ (gain + gx·x + gy·y) · I_0 on the
/// unchanged reference pixels, x and y in model units from the grid's centre.
public struct IntensityNormalisation: Sendable, Codable, Hashable {
    public var gain: Double
    /// Illumination gradient, relative change per model unit along x and y.
    public var gradientX: Double
    public var gradientY: Double
    /// Reference pixels kept by the fit (outside the measured region, away from edges).
    public var referencePixels: Int

    enum CodingKeys: String, CodingKey {
        case gain, gradientX = "gradient_x_per_unit", gradientY = "gradient_y_per_unit", referencePixels = "reference_pixels"
    }
}

extension DeviceAlignment {
    /// Fits I_k ≈ (g + gx·x + gy·y) I_0 on the reference pixels (3 rounds of 3·MAD trimming)
    /// and divides it out.
    static func normalise(_ im: Image, against ref: Image, grid: OutputGrid, centre: Point2,
                          reference: [Bool]) -> (IntensityNormalisation, Image) {
        var idx = (0..<im.count).filter { reference[$0] && im.pixels[$0].isFinite && ref.pixels[$0].isFinite && ref.pixels[$0] > 0 }
        var coef = [1.0, 0, 0]
        func xy(_ i: Int) -> (Double, Double) {
            let p = grid.modelPoint(Double(i % grid.width), Double(i / grid.width))
            return (p.x - centre.x, p.y - centre.y)
        }
        for _ in 0..<3 {
            guard idx.count >= 10 else { break }
            var a = [[Double]](repeating: [0, 0, 0], count: 3), b = [0.0, 0, 0]
            for i in idx {
                let (x, y) = xy(i)
                let r = Double(ref.pixels[i])
                let f = [r, r * x, r * y]
                let v = Double(im.pixels[i])
                for p in 0..<3 { b[p] += f[p] * v; for q in 0..<3 { a[p][q] += f[p] * f[q] } }
            }
            guard let c = solve3(a, b) else { break }
            coef = c
            let res = idx.map { i -> Double in
                let (x, y) = xy(i)
                return abs(Double(im.pixels[i]) - (c[0] + c[1] * x + c[2] * y) * Double(ref.pixels[i]))
            }
            let cut = max(3 * 1.4826 * subsampledMedian(res), 1e-3)
            idx = zip(idx, res).filter { $0.1 <= cut }.map(\.0)
        }
        var out = im
        for i in 0..<im.count {
            let (x, y) = xy(i)
            let g = coef[0] + coef[1] * x + coef[2] * y
            out.pixels[i] = g > 0 ? Float(Double(im.pixels[i]) / g) : .nan
        }
        return (IntensityNormalisation(gain: coef[0], gradientX: coef[1] / coef[0], gradientY: coef[2] / coef[0],
                                       referencePixels: idx.count), out)
    }

    static func solve3(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        func det(_ m: [[Double]]) -> Double {
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        }
        let d = det(a)
        guard abs(d) > 1e-300, d.isFinite else { return nil }
        return (0..<3).map { c in
            var m = a
            for r in 0..<3 { m[r][c] = b[r] }
            return det(m) / d
        }
    }

    static func subsampledMedian(_ v: [Double]) -> Double {
        guard !v.isEmpty else { return .nan }
        let stride = max(1, v.count / 65_536)
        let s = Swift.stride(from: 0, to: v.count, by: stride).map { v[$0] }.sorted()
        return s[s.count / 2]
    }
}
