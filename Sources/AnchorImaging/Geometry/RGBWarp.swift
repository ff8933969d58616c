import AnchorGeometry

extension RGBImage {
    /// Resamples a colour image through an *inverse* map (output pixel (x, y) takes the source
    /// colour at `inverseMap(x, y)`), each channel interpolated like
    /// `Image.warped(inverseMap:width:height:interpolation:fill:)` and rounded to the nearest
    /// 8-bit value (bicubic overshoot is clamped to 0…255). Kernel taps outside the source read
    /// `fill`. Used to align colour photographs of a device to its drawing.
    /// - Throws: `ImageError.invalidDimensions` for a bad output size,
    ///   `ImageError.invalidParameter` for a non-finite map.
    /// - Complexity: O(width · height), single-threaded, no per-pixel allocation; bilinear
    ///   pixels whose four taps are inside the source skip the per-tap border tests.
    public func warped(inverseMap m: Homography, width: Int, height: Int,
                       interpolation: Interpolation = .bilinear,
                       fill: SIMD3<UInt8> = SIMD3(0, 0, 0)) throws -> RGBImage {
        try Image.validate(width: width, height: height)
        guard m.isFinite else {
            throw ImageError.invalidParameter(name: "inverseMap", reason: "a transform element is NaN or infinite")
        }
        let sw = self.width, sh = self.height
        let fillF = SIMD4<Float>(Float(fill.x), Float(fill.y), Float(fill.z), 0)
        let out = samples.withUnsafeBufferPointer { srcBuf in
            [UInt8](unsafeUninitializedCapacity: width * height * 3) { dst, count in
                let src = srcBuf.baseAddress!
                @inline(__always) func px(_ x: Int, _ y: Int) -> SIMD4<Float> {
                    guard x >= 0, x < sw, y >= 0, y < sh else { return fillF }
                    let p = src + 3 * (y * sw + x)
                    return SIMD4(Float(p[0]), Float(p[1]), Float(p[2]), 0)
                }
                for y in 0..<height {
                    let fy = Double(y)
                    let bx = m.m12 * fy + m.m13, by = m.m22 * fy + m.m23, bw = m.m32 * fy + m.m33
                    for x in 0..<width {
                        let fx = Double(x)
                        let w = bw + m.m31 * fx
                        var c = fillF
                        if w != 0 {
                            let X = (bx + m.m11 * fx) / w, Y = (by + m.m21 * fx) / w
                            if X > -3, X < Double(sw) + 2, Y > -3, Y < Double(sh) + 2 {
                                let xf = X.rounded(.down), yf = Y.rounded(.down)
                                let ix = Int(xf), iy = Int(yf)
                                let tx = Float(X - xf), ty = Float(Y - yf)
                                switch interpolation {
                                case .nearest:
                                    c = px(Int((X + 0.5).rounded(.down)), Int((Y + 0.5).rounded(.down)))
                                case .bilinear:
                                    if ix >= 0, iy >= 0, ix < sw - 1, iy < sh - 1 {
                                        // All four taps inside: no per-tap border test.
                                        let p = src + 3 * (iy * sw + ix), q = p + 3 * sw
                                        let c00 = SIMD4<Float>(Float(p[0]), Float(p[1]), Float(p[2]), 0)
                                        let c01 = SIMD4<Float>(Float(p[3]), Float(p[4]), Float(p[5]), 0)
                                        let c10 = SIMD4<Float>(Float(q[0]), Float(q[1]), Float(q[2]), 0)
                                        let c11 = SIMD4<Float>(Float(q[3]), Float(q[4]), Float(q[5]), 0)
                                        let top = c00 * (1 - tx) + c01 * tx
                                        let bot = c10 * (1 - tx) + c11 * tx
                                        c = top * (1 - ty) + bot * ty
                                    } else {
                                        let top = px(ix, iy) * (1 - tx) + px(ix + 1, iy) * tx
                                        let bot = px(ix, iy + 1) * (1 - tx) + px(ix + 1, iy + 1) * tx
                                        c = top * (1 - ty) + bot * ty
                                    }
                                case .bicubic:
                                    let wx = CubicWeights.vector(tx), wy = CubicWeights.vector(ty)
                                    c = .zero
                                    for j in 0..<4 {
                                        var r = SIMD4<Float>.zero
                                        for i in 0..<4 { r += wx[i] * px(ix - 1 + i, iy - 1 + j) }
                                        c += wy[j] * r
                                    }
                                }
                            }
                        }
                        let q = (c + 0.5).clamped(lowerBound: .zero, upperBound: SIMD4(repeating: 255))
                        let o = 3 * (y * width + x)
                        dst[o] = UInt8(q.x.rounded(.down))
                        dst[o + 1] = UInt8(q.y.rounded(.down))
                        dst[o + 2] = UInt8(q.z.rounded(.down))
                    }
                }
                count = width * height * 3
            }
        }
        return try RGBImage(width: width, height: height, samples: out)
    }

    /// Resamples onto `grid` (model coordinates) given H = `modelToImage`; the result carries
    /// `pixelSize = 1 / grid.pixelsPerUnit` in `grid.unit` (see `Image.warped(to:…)`).
    public func warped(to grid: OutputGrid, modelToImage: Homography,
                       interpolation: Interpolation = .bilinear,
                       fill: SIMD3<UInt8> = SIMD3(0, 0, 0)) throws -> RGBImage {
        var out = try warped(inverseMap: modelToImage * grid.outputToModel, width: grid.width,
                             height: grid.height, interpolation: interpolation, fill: fill)
        out.pixelSize = grid.pixelSize
        out.unit = grid.unit
        return out
    }
}
