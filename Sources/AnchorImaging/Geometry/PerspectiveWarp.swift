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
        var out = [Float](repeating: fill, count: width * height)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                PerspectiveWarp.run(
                    source: SourcePlane(base: src.baseAddress!, width: self.width, height: self.height),
                    inverse: inverseMap, width: width, height: height,
                    interpolation: interpolation, fill: fill, into: dst.baseAddress!)
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
    /// Writes every output pixel of a `width × height` raster into `dst`.
    static func run(source s: SourcePlane, inverse m: Homography, width: Int, height: Int,
                    interpolation: Interpolation, fill: Float, into dst: UnsafeMutablePointer<Float>) {
        let sw = s.width, sh = s.height
        // Source points whose integer part lies in these ranges need no border handling.
        let (lo, hiX, hiY): (Double, Double, Double)
        switch interpolation {
        case .nearest: (lo, hiX, hiY) = (-0.5, Double(sw) - 0.5, Double(sh) - 0.5)
        case .bilinear: (lo, hiX, hiY) = (0, Double(sw - 1), Double(sh - 1))
        case .bicubic: (lo, hiX, hiY) = (1, Double(sw - 2), Double(sh - 2))
        }
        // Beyond these the output is `fill` whatever the kernel; also keeps Int conversion safe.
        let outLo = -2.0, outHiX = Double(sw) + 1, outHiY = Double(sh) + 1
        let src = s.base
        for y in 0..<height {
            let fy = Double(y)
            let bx = m.m12 * fy + m.m13, by = m.m22 * fy + m.m23, bw = m.m32 * fy + m.m33
            let row = dst + y * width
            for x in 0..<width {
                let fx = Double(x)
                let w = bw + m.m31 * fx
                let iw = w != 0 ? 1 / w : 0
                let X = (bx + m.m11 * fx) * iw
                let Y = (by + m.m21 * fx) * iw
                if w == 0 { continue }
                switch interpolation {
                case .nearest:
                    if X >= lo && X < hiX && Y >= lo && Y < hiY {
                        let ix = Int((X + 0.5).rounded(.down)), iy = Int((Y + 0.5).rounded(.down))
                        row[x] = src[iy * sw + ix]
                    }
                case .bilinear:
                    if X >= lo && X < hiX && Y >= lo && Y < hiY {
                        let xf = X.rounded(.down), yf = Y.rounded(.down)
                        let ix = Int(xf), iy = Int(yf)
                        let tx = Float(X - xf), ty = Float(Y - yf)
                        let p = src + iy * sw + ix
                        let top = p[0] + tx * (p[1] - p[0])
                        let bot = p[sw] + tx * (p[sw + 1] - p[sw])
                        row[x] = top + ty * (bot - top)
                    } else if X > outLo && X < outHiX && Y > outLo && Y < outHiY {
                        row[x] = borderSample(s, X, Y, .bilinear, fill)
                    }
                case .bicubic:
                    if X >= lo && X < hiX && Y >= lo && Y < hiY {
                        let xf = X.rounded(.down), yf = Y.rounded(.down)
                        let ix = Int(xf), iy = Int(yf)
                        let (a0, a1, a2, a3) = CubicWeights.weights(Float(X - xf))
                        let (b0, b1, b2, b3) = CubicWeights.weights(Float(Y - yf))
                        var p = src + (iy - 1) * sw + ix - 1
                        var acc = b0 * (a0 * p[0] + a1 * p[1] + a2 * p[2] + a3 * p[3])
                        p += sw
                        acc += b1 * (a0 * p[0] + a1 * p[1] + a2 * p[2] + a3 * p[3])
                        p += sw
                        acc += b2 * (a0 * p[0] + a1 * p[1] + a2 * p[2] + a3 * p[3])
                        p += sw
                        acc += b3 * (a0 * p[0] + a1 * p[1] + a2 * p[2] + a3 * p[3])
                        row[x] = acc
                    } else if X > outLo - 1 && X < outHiX + 1 && Y > outLo - 1 && Y < outHiY + 1 {
                        row[x] = borderSample(s, X, Y, .bicubic, fill)
                    }
                }
            }
        }
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
            let top = at(ix, iy) * (1 - tx) + at(ix + 1, iy) * tx
            let bot = at(ix, iy + 1) * (1 - tx) + at(ix + 1, iy + 1) * tx
            return top * (1 - ty) + bot * ty
        case .bicubic:
            let (a0, a1, a2, a3) = CubicWeights.weights(tx)
            let (b0, b1, b2, b3) = CubicWeights.weights(ty)
            let wy = [b0, b1, b2, b3]
            var acc: Float = 0
            for j in 0..<4 {
                let yy = iy - 1 + j
                acc += wy[j] * (a0 * at(ix - 1, yy) + a1 * at(ix, yy) + a2 * at(ix + 1, yy) + a3 * at(ix + 2, yy))
            }
            return acc
        }
    }
}
