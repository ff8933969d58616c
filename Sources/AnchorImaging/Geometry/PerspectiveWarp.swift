import AnchorGeometry

/// Perspective warping of `Image` through a 3×3 transform (the resampling behind the paper's
/// reconstruction on the model's absolute grid, Fig. 1).
extension Image {
    /// Resamples the image through an *inverse* map: output pixel (x, y) takes the source
    /// value at `inverseMap(x, y)` (pixel coordinates on both sides, centres at integers).
    ///
    /// This is `cv2.warpPerspective(src, M, (width, height), flags=INTER_… | WARP_INVERSE_MAP,
    /// borderMode=BORDER_CONSTANT, borderValue=fill)` with M = `inverseMap`. Source coordinates
    /// are not rounded to 1/32 pixel as in OpenCV 4's remap tables: they are computed from exact
    /// Double homogeneous coordinates per block of 16 pixels, in Float within the block (error
    /// ≈ 10⁻⁴ px on a 1024² image). Measured agreement with OpenCV 5.0: 7.5·10⁻⁵ of the value
    /// range (docs/processing.md).
    ///
    /// Taps of the interpolation kernel that fall outside the source read `fill` (so the
    /// output fades to `fill` across the last half pixel, as OpenCV's constant border does);
    /// output pixels whose source point is undefined (behind the camera / at infinity) are
    /// `fill`. The output has no calibration (`pixelSize` nil) — use
    /// `warped(to:modelToImage:interpolation:fill:)` for a calibrated result.
    ///
    /// - Throws: `ImageError.invalidDimensions` for an invalid output size,
    ///   `ImageError.invalidParameter` when `inverseMap` has a non-finite element.
    /// - Complexity: O(width · height); per row incremental homogeneous coordinates, no
    ///   allocation per pixel, single-threaded.
    public func warped(inverseMap: Homography, width: Int, height: Int,
                       interpolation: Interpolation = .bilinear, fill: Float = 0) throws -> Image {
        try Image.validate(width: width, height: height)
        guard inverseMap.isFinite else {
            throw ImageError.invalidParameter(name: "inverseMap", reason: "a transform element is NaN or infinite")
        }
        // Every output sample is written exactly once by `run`, so the buffer starts uninitialised.
        let out = pixels.withUnsafeBufferPointer { src in
            [Float](unsafeUninitializedCapacity: width * height) { dst, count in
                PerspectiveWarp.run(
                    source: SourcePlane(base: src.baseAddress!, width: self.width, height: self.height),
                    inverse: inverseMap, width: width, height: height,
                    interpolation: interpolation, fill: fill, into: dst.baseAddress!)
                count = width * height
            }
        }
        return try Image(width: width, height: height, pixels: out)
    }

    /// Resamples the image onto `grid`, a raster in *model* coordinates, given `modelToImage`
    /// (H, model → image pixels, the project's convention): output pixel (i, j) takes the
    /// source value at H(grid.modelPoint(i, j)).
    ///
    /// The result carries `pixelSize = 1 / grid.pixelsPerUnit` in `grid.unit` along x and y —
    /// an image on the model's absolute scale (e.g. 20 px per nm).
    /// - Throws: as `warped(inverseMap:width:height:interpolation:fill:)`.
    public func warped(to grid: OutputGrid, modelToImage: Homography,
                       interpolation: Interpolation = .bilinear, fill: Float = 0) throws -> Image {
        var out = try warped(inverseMap: modelToImage * grid.outputToModel, width: grid.width,
                             height: grid.height, interpolation: interpolation, fill: fill)
        out.pixelSize = grid.pixelSize
        out.unit = grid.unit
        out.valueUnit = valueUnit
        return out
    }
}

/// A read-only view of one Float plane.
struct SourcePlane {
    let base: UnsafePointer<Float>
    let width: Int
    let height: Int
}

enum PerspectiveWarp {
    /// Output pixels handled together by the vectorised path.
    static let block = 16
    /// Output columns per vertical strip (a multiple of `block`).
    static let strip = 128
    typealias V = SIMD16<Float>
    typealias VI = SIMD16<Int32>

    /// Writes every output pixel of a `width × height` raster into `dst` exactly once.
    ///
    /// Blocks of 16 output pixels whose source points all lie safely inside the source take the
    /// vectorised path: source coordinates computed in Float SIMD from the block's exact
    /// (Double) homogeneous coordinates, then a tight gather-and-interpolate loop. Other pixels
    /// (near the source's edge, outside it, or at infinity) take the scalar Double path with
    /// border handling.
    static func run(source s: SourcePlane, inverse m: Homography, width: Int, height: Int,
                    interpolation: Interpolation, fill: Float, into dst: UnsafeMutablePointer<Float>) {
        let sw = s.width, sh = s.height
        // Int32 indices in the vector path need the source to have fewer than 2^31 samples.
        let vectorOK = sw * sh < Int(Int32.max) - 2 * sw && sw < 1 << 22 && sh < 1 << 22
        let (lo, hiX, hiY): (Float, Float, Float)
        switch interpolation {
        case .nearest: (lo, hiX, hiY) = (0, Float(sw) - 0.5, Float(sh) - 0.5)
        case .bilinear: (lo, hiX, hiY) = (0, Float(sw - 1), Float(sh - 1))
        case .bicubic: (lo, hiX, hiY) = (1, Float(sw - 2), Float(sh - 2))
        }
        let loD = Double(lo), hiXD = Double(hiX), hiYD = Double(hiY)
        var lane = V()
        for k in 0..<block { lane[k] = Float(k) }
        let m11 = Float(m.m11), m21 = Float(m.m21), m31 = Float(m.m31)
        let xs = UnsafeMutablePointer<Int32>.allocate(capacity: block)
        let txs = UnsafeMutablePointer<Float>.allocate(capacity: block)
        let tys = UnsafeMutablePointer<Float>.allocate(capacity: block)
        defer { xs.deallocate(); txs.deallocate(); tys.deallocate() }
        let src = s.base
        // Vertical strips of the output keep the source rows one output row touches (a rotated
        // map crosses many) few, so they stay in cache and TLB from one row to the next.
        for stripStart in stride(from: 0, to: width, by: strip) {
        let stripEnd = min(stripStart + strip, width)
        for y in 0..<height {
            let fy = Double(y)
            let bx = m.m12 * fy + m.m13, by = m.m22 * fy + m.m23, bw = m.m32 * fy + m.m33
            let row = dst + y * width
            var x = stripStart
            while x < stripEnd {
                if vectorOK && x + block <= stripEnd,
                   blockInside(m, x: Double(x), bx: bx, by: by, bw: bw, lo: loD, hiX: hiXD, hiY: hiYD) {
                    // Homogeneous coordinates of the block's first pixel, exact, then Float steps.
                    let fx = Double(x)
                    let nx = Float(bx + m.m11 * fx), ny = Float(by + m.m21 * fx), nw = Float(bw + m.m31 * fx)
                    let w = nw + m31 * lane
                    let r = 1 / w  // one division for both coordinates
                    let X = (nx + m11 * lane) * r
                    let Y = (ny + m21 * lane) * r
                    do {
                        switch interpolation {
                        case .nearest:
                            let (ix, _) = floorSplit(X + 0.5), (iy, _) = floorSplit(Y + 0.5)
                            let idx = iy &* Int32(sw) &+ ix
                            for k in 0..<block { row[x + k] = src[Int(idx[k])] }
                        case .bilinear:
                            let (ix, tx) = floorSplit(X), (iy, ty) = floorSplit(Y)
                            let idx = iy &* Int32(sw) &+ ix
                            UnsafeMutableRawPointer(xs).storeBytes(of: idx, as: VI.self)
                            UnsafeMutableRawPointer(txs).storeBytes(of: tx, as: V.self)
                            UnsafeMutableRawPointer(tys).storeBytes(of: ty, as: V.self)
                            bilinearBlock(src, sw, xs, txs, tys, row + x)
                        case .bicubic:
                            let (ix, tx) = floorSplit(X), (iy, ty) = floorSplit(Y)
                            let idx = (iy &- 1) &* Int32(sw) &+ ix &- 1
                            UnsafeMutableRawPointer(xs).storeBytes(of: idx, as: VI.self)
                            UnsafeMutableRawPointer(txs).storeBytes(of: tx, as: V.self)
                            UnsafeMutableRawPointer(tys).storeBytes(of: ty, as: V.self)
                            bicubicBlock(src, sw, xs, txs, tys, row + x)
                        }
                        x += block
                        continue
                    }
                }
                // Scalar path for the rest of this block.
                let end = min(x + block, stripEnd)
                while x < end {
                    row[x] = scalarPixel(s, m, x: Double(x), bx: bx, by: by, bw: bw,
                                         interpolation: interpolation, fill: fill)
                    x += 1
                }
            }
        }
        }
    }

    /// True when all 16 source points of the block starting at output column x lie inside
    /// [lo, hiX) × [lo, hiY) with a safety margin. Along an output row the source point
    /// (a + b·k)/(c + d·k) is monotonic in k wherever w = c + d·k keeps its sign, so the block's
    /// two end points bound it; the margin covers the Float rounding of the vector path.
    @inline(__always)
    static func blockInside(_ m: Homography, x fx: Double, bx: Double, by: Double, bw: Double,
                            lo: Double, hiX: Double, hiY: Double) -> Bool {
        let fe = fx + Double(block - 1)
        let w0 = bw + m.m31 * fx, w1 = bw + m.m31 * fe
        guard (w0 > 0 && w1 > 0) || (w0 < 0 && w1 < 0) else { return false }
        let x0 = (bx + m.m11 * fx) / w0, x1 = (bx + m.m11 * fe) / w1
        let y0 = (by + m.m21 * fx) / w0, y1 = (by + m.m21 * fe) / w1
        let margin = 1e-3 + 1e-5 * (abs(x0) + abs(x1) + abs(y0) + abs(y1))
        // Every comparison is false for NaN, so a NaN end point fails.
        let l = lo + margin, hx = hiX - margin, hy = hiY - margin
        return x0 >= l && x1 >= l && x0 < hx && x1 < hx && y0 >= l && y1 >= l && y0 < hy && y1 < hy
    }

    /// ⌊v⌋ as integers and v − ⌊v⌋, for 0 ≤ v < 2²², by the 2²³ magic-number rounding (plain
    /// SSE2 arithmetic; the generic SIMD float→int conversion is not vectorised).
    @inline(__always)
    static func floorSplit(_ v: V) -> (VI, V) {
        let magic = V(repeating: 8_388_608)
        let r = v + magic  // v rounded to the nearest integer, held in the low mantissa bits
        let f = r - magic
        let up = f .> v    // rounded up: the floor is one less
        let i = (unsafeBitCast(r, to: VI.self) &- 0x4B00_0000) &+ unsafeBitCast(up, to: VI.self)
        return (i, v - f + V.zero.replacing(with: 1, where: up))
    }

    /// Bilinear for 16 pixels, four at a time: each pixel's two 2-sample rows are loaded as
    /// pairs and transposed into per-corner vectors, then interpolated lane-wise.
    @inline(__always)
    static func bilinearBlock(_ src: UnsafePointer<Float>, _ sw: Int, _ idx: UnsafePointer<Int32>,
                              _ tx: UnsafePointer<Float>, _ ty: UnsafePointer<Float>,
                              _ out: UnsafeMutablePointer<Float>) {
        let stride = sw * MemoryLayout<Float>.stride
        var g = 0
        while g < block {
            let a = UnsafeRawPointer(tx + g).loadUnaligned(as: SIMD4<Float>.self)
            let b = UnsafeRawPointer(ty + g).loadUnaligned(as: SIMD4<Float>.self)
            let p0 = UnsafeRawPointer(src + Int(idx[g])), p1 = UnsafeRawPointer(src + Int(idx[g + 1]))
            let p2 = UnsafeRawPointer(src + Int(idx[g + 2])), p3 = UnsafeRawPointer(src + Int(idx[g + 3]))
            let t0 = p0.loadUnaligned(as: SIMD2<Float>.self), t1 = p1.loadUnaligned(as: SIMD2<Float>.self)
            let t2 = p2.loadUnaligned(as: SIMD2<Float>.self), t3 = p3.loadUnaligned(as: SIMD2<Float>.self)
            let u0 = p0.loadUnaligned(fromByteOffset: stride, as: SIMD2<Float>.self)
            let u1 = p1.loadUnaligned(fromByteOffset: stride, as: SIMD2<Float>.self)
            let u2 = p2.loadUnaligned(fromByteOffset: stride, as: SIMD2<Float>.self)
            let u3 = p3.loadUnaligned(fromByteOffset: stride, as: SIMD2<Float>.self)
            let c00 = SIMD4(t0[0], t1[0], t2[0], t3[0]), c01 = SIMD4(t0[1], t1[1], t2[1], t3[1])
            let c10 = SIMD4(u0[0], u1[0], u2[0], u3[0]), c11 = SIMD4(u0[1], u1[1], u2[1], u3[1])
            let top = c00 + a * (c01 - c00)
            let bot = c10 + a * (c11 - c10)
            UnsafeMutableRawPointer(out + g).storeBytes(of: top + b * (bot - top), as: SIMD4<Float>.self)
            g += 4
        }
    }

    /// Bicubic for 16 pixels, four at a time: each pixel's 4×4 neighbourhood is read as four
    /// row vectors, four pixels' rows are transposed into per-tap vectors, and the weights
    /// (computed for four pixels at once) are applied lane-wise — fewer operations per pixel
    /// than a per-pixel dot product.
    @inline(__always)
    static func bicubicBlock(_ src: UnsafePointer<Float>, _ sw: Int, _ idx: UnsafePointer<Int32>,
                             _ tx: UnsafePointer<Float>, _ ty: UnsafePointer<Float>,
                             _ out: UnsafeMutablePointer<Float>) {
        let stride = sw * MemoryLayout<Float>.stride
        var g = 0
        while g < block {
            let (wx0, wx1, wx2, wx3) = CubicWeights.lanes(UnsafeRawPointer(tx + g).loadUnaligned(as: SIMD4<Float>.self))
            let (wy0, wy1, wy2, wy3) = CubicWeights.lanes(UnsafeRawPointer(ty + g).loadUnaligned(as: SIMD4<Float>.self))
            let p0 = UnsafeRawPointer(src + Int(idx[g])), p1 = UnsafeRawPointer(src + Int(idx[g + 1]))
            let p2 = UnsafeRawPointer(src + Int(idx[g + 2])), p3 = UnsafeRawPointer(src + Int(idx[g + 3]))
            @inline(__always) func row(_ j: Int) -> SIMD4<Float> {
                let o = j * stride
                let r0 = p0.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
                let r1 = p1.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
                let r2 = p2.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
                let r3 = p3.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
                let c0 = SIMD4(r0[0], r1[0], r2[0], r3[0]), c1 = SIMD4(r0[1], r1[1], r2[1], r3[1])
                let c2 = SIMD4(r0[2], r1[2], r2[2], r3[2]), c3 = SIMD4(r0[3], r1[3], r2[3], r3[3])
                return wx0 * c0 + wx1 * c1 + wx2 * c2 + wx3 * c3
            }
            let acc = wy0 * row(0) + wy1 * row(1) + wy2 * row(2) + wy3 * row(3)
            UnsafeMutableRawPointer(out + g).storeBytes(of: acc, as: SIMD4<Float>.self)
            g += 4
        }
    }

    /// One output pixel by the scalar Double path (with border handling).
    @inline(__always)
    static func scalarPixel(_ s: SourcePlane, _ m: Homography, x fx: Double, bx: Double, by: Double, bw: Double,
                            interpolation: Interpolation, fill: Float) -> Float {
        let w = bw + m.m31 * fx
        guard w != 0 else { return fill }
        let iw = 1 / w
        let X = (bx + m.m11 * fx) * iw
        let Y = (by + m.m21 * fx) * iw
        // Beyond this margin every kernel tap is outside; also keeps the Int conversion safe.
        guard X > -3, X < Double(s.width) + 2, Y > -3, Y < Double(s.height) + 2 else { return fill }
        return borderSample(s, X, Y, interpolation, fill)
    }

    /// Interpolates at (X, Y) with taps outside the source reading `fill` (slow path, used
    /// only within a few pixels of the source's edge).
    static func borderSample(_ s: SourcePlane, _ X: Double, _ Y: Double,
                             _ interpolation: Interpolation, _ fill: Float) -> Float {
        let xf = X.rounded(.down), yf = Y.rounded(.down)
        let ix = Int(xf), iy = Int(yf)
        let tx = Float(X - xf), ty = Float(Y - yf)
        @inline(__always) func at(_ x: Int, _ y: Int) -> Float {
            (x >= 0 && x < s.width && y >= 0 && y < s.height) ? s.base[y * s.width + x] : fill
        }
        switch interpolation {
        case .nearest:
            return at(Int((X + 0.5).rounded(.down)), Int((Y + 0.5).rounded(.down)))
        case .bilinear:
            // Taps of zero weight are skipped, so that an exact hit on the last row or column
            // does not pull in the fill value (which may be NaN).
            let wx = SIMD2<Float>(1 - tx, tx), wy = SIMD2<Float>(1 - ty, ty)
            var acc: Float = 0
            for j in 0..<2 where wy[j] != 0 {
                for i in 0..<2 where wx[i] != 0 { acc += wy[j] * wx[i] * at(ix + i, iy + j) }
            }
            return acc
        case .bicubic:
            let wx = CubicWeights.vector(tx), wy = CubicWeights.vector(ty)
            var acc: Float = 0
            for j in 0..<4 where wy[j] != 0 {
                var r: Float = 0
                for i in 0..<4 where wx[i] != 0 { r += wx[i] * at(ix - 1 + i, iy - 1 + j) }
                acc += wy[j] * r
            }
            return acc
        }
    }
}
