import AnchorGeometry

/// Perspective warping of `Image` through a 3×3 transform (the resampling behind the paper's
/// reconstruction on the model's absolute grid, Fig. 1).
extension Image {
    /// Resamples the image through an *inverse* map: output pixel (x, y) takes the source
    /// value at `inverseMap(x, y)` (pixel coordinates on both sides, centres at integers).
    ///
    /// This is `cv2.warpPerspective(src, M, (width, height), flags=INTER_… | WARP_INVERSE_MAP,
    /// borderMode=BORDER_CONSTANT, borderValue=fill)` with M = `inverseMap`, except that source
    /// coordinates are not rounded to 1/32 pixel as OpenCV does — here they are exact (Double),
    /// so results differ from OpenCV's by at most the image gradient × 1/64 px.
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
        var lane = V()
        for k in 0..<block { lane[k] = Float(k) }
        let m11 = Float(m.m11), m21 = Float(m.m21), m31 = Float(m.m31)
        let xs = UnsafeMutablePointer<Int32>.allocate(capacity: block)
        let txs = UnsafeMutablePointer<Float>.allocate(capacity: block)
        let tys = UnsafeMutablePointer<Float>.allocate(capacity: block)
        defer { xs.deallocate(); txs.deallocate(); tys.deallocate() }
        let src = s.base
        for y in 0..<height {
            let fy = Double(y)
            let bx = m.m12 * fy + m.m13, by = m.m22 * fy + m.m23, bw = m.m32 * fy + m.m33
            let row = dst + y * width
            var x = 0
            while x < width {
                if vectorOK && x + block <= width {
                    // Homogeneous coordinates of the block's first pixel, exact, then Float steps.
                    let fx = Double(x)
                    let nx = Float(bx + m.m11 * fx), ny = Float(by + m.m21 * fx), nw = Float(bw + m.m31 * fx)
                    let w = nw + m31 * lane
                    let X = (nx + m11 * lane) / w
                    let Y = (ny + m21 * lane) / w
                    let inside = (X .>= lo) .& (X .< hiX) .& (Y .>= lo) .& (Y .< hiY)
                    if all(inside) {
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
                let end = min(x + block, width)
                while x < end {
                    row[x] = scalarPixel(s, m, x: Double(x), bx: bx, by: by, bw: bw,
                                         interpolation: interpolation, fill: fill)
                    x += 1
                }
            }
        }
    }

    /// ⌊v⌋ as integers and v − ⌊v⌋, for 0 ≤ v < 2²², by the 2²³ magic-number rounding (plain
    /// SSE2 arithmetic; the generic SIMD float→int conversion is not vectorised).
    @inline(__always)
    static func floorSplit(_ v: V) -> (VI, V) {
        let magic = V(repeating: 8_388_608)
        var f = (v + magic) - magic  // nearest integer
        f = f.replacing(with: f - 1, where: f .> v)
        let bits = unsafeBitCast(f + magic, to: SIMD16<UInt32>.self) &- 0x4B00_0000
        return (unsafeBitCast(bits, to: VI.self), v - f)
    }

    @inline(__always)
    static func bilinearBlock(_ src: UnsafePointer<Float>, _ sw: Int, _ idx: UnsafePointer<Int32>,
                              _ tx: UnsafePointer<Float>, _ ty: UnsafePointer<Float>,
                              _ out: UnsafeMutablePointer<Float>) {
        // Gather the 2×2 neighbourhoods (two 2-sample loads per pixel), then interpolate all 16
        // pixels at once.
        var top = (V(), V()), bot = (V(), V())
        withUnsafeMutableBytes(of: &top) { t in
            withUnsafeMutableBytes(of: &bot) { b in
                let t0 = t.baseAddress!.assumingMemoryBound(to: Float.self)
                let b0 = b.baseAddress!.assumingMemoryBound(to: Float.self)
                for k in 0..<block {
                    let p = UnsafeRawPointer(src + Int(idx[k]))
                    let a = p.loadUnaligned(as: SIMD2<Float>.self)
                    let c = p.loadUnaligned(fromByteOffset: sw * 4, as: SIMD2<Float>.self)
                    t0[k] = a[0]; t0[block + k] = a[1]
                    b0[k] = c[0]; b0[block + k] = c[1]
                }
            }
        }
        let a = UnsafeRawPointer(tx).loadUnaligned(as: V.self)
        let b = UnsafeRawPointer(ty).loadUnaligned(as: V.self)
        let t = top.0 + a * (top.1 - top.0)
        let u = bot.0 + a * (bot.1 - bot.0)
        UnsafeMutableRawPointer(out).storeBytes(of: t + b * (u - t), as: V.self)
    }

    @inline(__always)
    static func bicubicBlock(_ src: UnsafePointer<Float>, _ sw: Int, _ idx: UnsafePointer<Int32>,
                             _ tx: UnsafePointer<Float>, _ ty: UnsafePointer<Float>,
                             _ out: UnsafeMutablePointer<Float>) {
        for k in 0..<block {
            let p = UnsafeRawPointer(src + Int(idx[k]))
            let wx = CubicWeights.vector(tx[k]), wy = CubicWeights.vector(ty[k])
            let stride = sw * MemoryLayout<Float>.stride
            var acc = p.loadUnaligned(as: SIMD4<Float>.self) * wy[0]
            acc += p.loadUnaligned(fromByteOffset: stride, as: SIMD4<Float>.self) * wy[1]
            acc += p.loadUnaligned(fromByteOffset: 2 * stride, as: SIMD4<Float>.self) * wy[2]
            acc += p.loadUnaligned(fromByteOffset: 3 * stride, as: SIMD4<Float>.self) * wy[3]
            out[k] = (acc * wx).sum()
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
