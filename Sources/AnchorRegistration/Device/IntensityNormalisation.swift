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
    /// and divides it out. x and y are model units from `centre`.
    ///
    /// - Complexity: O(pixels) per round with no per-pixel allocation: the pixels still in the
    ///   fit are a byte mask (not an index list), the model coordinates come from one table
    ///   per column and per row, and the sums are scalar. The sums run in pixel order and the
    ///   residual median takes every `stride`-th kept pixel, as the index-list version did, so
    ///   the result is the same to the bit.
    static func normalise(_ im: Image, against ref: Image, grid: OutputGrid, centre: Point2,
                          reference: [Bool]) -> (IntensityNormalisation, Image) {
        let w = grid.width, h = grid.height, n = im.count
        // Model coordinates of every column and row, relative to the centre (model units).
        let xs = (0..<w).map { grid.modelPoint(Double($0), 0).x - centre.x }
        let ys = (0..<h).map { grid.modelPoint(0, Double($0)).y - centre.y }
        var keep = [UInt8](repeating: 0, count: n)
        var kept = 0
        var coef = [1.0, 0, 0]
        im.pixels.withUnsafeBufferPointer { ip in
            ref.pixels.withUnsafeBufferPointer { rp in
                keep.withUnsafeMutableBufferPointer { kp in
                    for i in 0..<n where reference[i] && ip[i].isFinite && rp[i].isFinite && rp[i] > 0 {
                        kp[i] = 1; kept += 1
                    }
                    for _ in 0..<3 {
                        guard kept >= 10 else { break }
                        var a00 = 0.0, a01 = 0.0, a02 = 0.0, a11 = 0.0, a12 = 0.0, a22 = 0.0
                        var b0 = 0.0, b1 = 0.0, b2 = 0.0
                        for y in 0..<h {
                            let yy = ys[y], row = y * w
                            for x in 0..<w where kp[row + x] != 0 {
                                let r = Double(rp[row + x]), v = Double(ip[row + x])
                                let f0 = r, f1 = r * xs[x], f2 = r * yy
                                b0 += f0 * v; b1 += f1 * v; b2 += f2 * v
                                a00 += f0 * f0; a01 += f0 * f1; a02 += f0 * f2
                                a11 += f1 * f1; a12 += f1 * f2; a22 += f2 * f2
                            }
                        }
                        let a = [[a00, a01, a02], [a01, a11, a12], [a02, a12, a22]]
                        guard let c = solve3(a, [b0, b1, b2]) else { break }
                        coef = c
                        @inline(__always) func residual(_ x: Int, _ y: Int) -> Double {
                            let i = y * w + x
                            return abs(Double(ip[i]) - (c[0] + c[1] * xs[x] + c[2] * ys[y]) * Double(rp[i]))
                        }
                        // The median of every stride-th kept residual in pixel order (≤ 65 k samples).
                        let stride = max(1, kept / 65_536)
                        var sample: [Double] = []
                        sample.reserveCapacity(kept / stride + 1)
                        var k = 0
                        for y in 0..<h {
                            for x in 0..<w where kp[y * w + x] != 0 {
                                if k % stride == 0 { sample.append(residual(x, y)) }
                                k += 1
                            }
                        }
                        sample.sort()
                        let cut = max(3 * 1.4826 * sample[sample.count / 2], 1e-3)
                        kept = 0
                        for y in 0..<h {
                            for x in 0..<w where kp[y * w + x] != 0 {
                                if residual(x, y) <= cut { kept += 1 } else { kp[y * w + x] = 0 }
                            }
                        }
                    }
                }
            }
        }
        var out = im
        out.pixels.withUnsafeMutableBufferPointer { op in
            for y in 0..<h {
                for x in 0..<w {
                    let g = coef[0] + coef[1] * xs[x] + coef[2] * ys[y]
                    op[y * w + x] = g > 0 ? Float(Double(op[y * w + x]) / g) : .nan
                }
            }
        }
        return (IntensityNormalisation(gain: coef[0], gradientX: coef[1] / coef[0], gradientY: coef[2] / coef[0],
                                       referencePixels: kept), out)
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
}
