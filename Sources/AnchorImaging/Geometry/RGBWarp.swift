import AnchorGeometry

extension RGBImage {
    /// Resamples a colour image through an *inverse* map (output pixel (x, y) takes the source
    /// colour at `inverseMap(x, y)`), each channel interpolated like
    /// `Image.warped(inverseMap:width:height:interpolation:fill:)` and rounded to the nearest
    /// 8-bit value (bicubic overshoot is clamped to 0…255). Kernel taps outside the source read
    /// `fill`. Used to align colour photographs of a device to its drawing.
    /// - Throws: `ImageError.invalidDimensions` for a bad output size,
    ///   `ImageError.invalidParameter` for a non-finite map.
    ///
    /// Bilinear blocks of 16 output pixels whose source points all lie inside the source take
    /// the vector path of `Image.warped(inverseMap:…)` (source coordinates in Float SIMD from
    /// the block's exact Double homogeneous coordinates, ≈ 10⁻⁴ px from the Double path) and
    /// interpolate in integers with 24-bit weights, so an 8-bit value may differ by one where
    /// it sits on a rounding boundary; the others take the per-pixel Double path with border
    /// handling.
    /// - Complexity: O(width · height), single-threaded, no per-pixel allocation.
    public func warped(inverseMap m: Homography, width: Int, height: Int,
                       interpolation: Interpolation = .bilinear,
                       fill: SIMD3<UInt8> = SIMD3(0, 0, 0)) throws -> RGBImage {
        try Image.validate(width: width, height: height)
        guard m.isFinite else {
            throw ImageError.invalidParameter(name: "inverseMap", reason: "a transform element is NaN or infinite")
        }
        let sw = self.width, sh = self.height
        let fillF = SIMD4<Float>(Float(fill.x), Float(fill.y), Float(fill.z), 0)
        // Int32 byte offsets in the vector path need fewer than 2^31 source bytes.
        let vectorOK = interpolation == .bilinear && 3 * sw * sh < Int(Int32.max) - 6 * sw
            && sw < 1 << 22 && sh < 1 << 22
        let block = PerspectiveWarp.block
        var lane = PerspectiveWarp.V()
        for k in 0..<block { lane[k] = Float(k) }
        let m11 = Float(m.m11), m21 = Float(m.m21), m31 = Float(m.m31)
        let offs = UnsafeMutablePointer<Int32>.allocate(capacity: block)
        let txs = UnsafeMutablePointer<Float>.allocate(capacity: block)
        let tys = UnsafeMutablePointer<Float>.allocate(capacity: block)
        defer { offs.deallocate(); txs.deallocate(); tys.deallocate() }
        let out = samples.withUnsafeBufferPointer { srcBuf in
            [UInt8](unsafeUninitializedCapacity: width * height * 3) { dst, count in
                let src = srcBuf.baseAddress!
                @inline(__always) func px(_ x: Int, _ y: Int) -> SIMD4<Float> {
                    guard x >= 0, x < sw, y >= 0, y < sh else { return fillF }
                    let p = src + 3 * (y * sw + x)
                    return SIMD4(Float(p[0]), Float(p[1]), Float(p[2]), 0)
                }
                /// c + 0.5 clamped to 0…255 and rounded down (truncation, as it is ≥ 0).
                @inline(__always) func store(_ c: SIMD4<Float>, _ o: Int) {
                    let q = c + 0.5
                    dst[o] = UInt8(Swift.min(Swift.max(q.x, 0), 255))
                    dst[o + 1] = UInt8(Swift.min(Swift.max(q.y, 0), 255))
                    dst[o + 2] = UInt8(Swift.min(Swift.max(q.z, 0), 255))
                }
                /// One output pixel by the Double path with border handling.
                func scalarPixel(_ x: Int, _ y: Int, _ bx: Double, _ by: Double, _ bw: Double) {
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
                                let top = px(ix, iy) * (1 - tx) + px(ix + 1, iy) * tx
                                let bot = px(ix, iy + 1) * (1 - tx) + px(ix + 1, iy + 1) * tx
                                c = top * (1 - ty) + bot * ty
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
                    store(c, 3 * (y * width + x))
                }
                let hiX = Double(sw - 1), hiY = Double(sh - 1)
                let rowBytes = 3 * sw
                for y in 0..<height {
                    let fy = Double(y)
                    let bx = m.m12 * fy + m.m13, by = m.m22 * fy + m.m23, bw = m.m32 * fy + m.m33
                    var x = 0
                    while x < width {
                        if vectorOK, x + block <= width,
                           PerspectiveWarp.blockInside(m, x: Double(x), bx: bx, by: by, bw: bw, lo: 0, hiX: hiX, hiY: hiY) {
                            let fx = Double(x)
                            let nx = Float(bx + m.m11 * fx), ny = Float(by + m.m21 * fx), nw = Float(bw + m.m31 * fx)
                            let r = 1 / (nw + m31 * lane)
                            let (ix, tx) = PerspectiveWarp.floorSplit((nx + m11 * lane) * r)
                            let (iy, ty) = PerspectiveWarp.floorSplit((ny + m21 * lane) * r)
                            UnsafeMutableRawPointer(offs).storeBytes(of: (iy &* Int32(sw) &+ ix) &* 3, as: PerspectiveWarp.VI.self)
                            UnsafeMutableRawPointer(txs).storeBytes(of: tx, as: PerspectiveWarp.V.self)
                            UnsafeMutableRawPointer(tys).storeBytes(of: ty, as: PerspectiveWarp.V.self)
                            var o = 3 * (y * width + x)
                            for k in 0..<block {
                                // Integer bilinear with 24-bit weights, rounded to the
                                // nearest (a weight error ≤ 2⁻²⁵ moves a value by < 2·10⁻⁵
                                // of a level), the result rounded half up; < 2⁵⁷ in Int.
                                let p = src + Int(offs[k]), q = p + rowBytes
                                let a = Int(txs[k] * 16_777_216 + 0.5), b = Int(tys[k] * 16_777_216 + 0.5)
                                let ia = 16_777_216 - a, ib = 16_777_216 - b
                                for c in 0..<3 {
                                    let top = Int(p[c]) * ia + Int(p[c + 3]) * a
                                    let bot = Int(q[c]) * ia + Int(q[c + 3]) * a
                                    dst[o + c] = UInt8(truncatingIfNeeded: (top * ib + bot * b + (1 << 47)) >> 48)
                                }
                                o += 3
                            }
                            x += block
                        } else {
                            let end = min(x + block, width)
                            while x < end { scalarPixel(x, y, bx, by, bw); x += 1 }
                        }
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
