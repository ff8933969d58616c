/// Separable convolution with *symmetric* kernels — the engine behind `gaussianBlurred` and
/// any other even (mirror-symmetric) separable filter.
///
/// A symmetric kernel of radius r is given by its half `k[0…r]`, meaning the full kernel
/// `k[r], …, k[1], k[0], k[1], …, k[r]`. Symmetry halves the multiplications:
/// `out[x] = k[0]·in[x] + Σᵢ k[i]·(in[x−i] + in[x+i])`.
///
/// The image is processed one output row at a time: a vertical pass over the 2r+1 source rows
/// the row needs (read straight from the image, borders resolved by row pointer) writes one
/// padded row, then a horizontal pass over that row writes the output. Inner loops run over 16
/// samples at a time with unaligned SIMD loads; there are no per-pixel allocations and the
/// working set (2r+1 rows) stays in cache. Single-threaded by design (callers parallelise over
/// images).
enum SeparableConvolution {
    /// Convolves `image` with `rowHalf` along x and `columnHalf` along y.
    /// - Complexity: O(width · height · (rx + ry)).
    static func symmetric(_ image: Image, rowHalf kx: [Float], columnHalf ky: [Float],
                          border: BorderMode) -> Image {
        let w = image.width, h = image.height
        let rx = kx.count - 1, ry = ky.count - 1
        // Every output sample is written by the horizontal pass.
        var out = [Float](unsafeUninitializedCapacity: w * h) { _, count in count = w * h }
        var padded = [Float](repeating: 0, count: w + 2 * rx + 16)
        var constantValue: Float = 0
        if case .constant(let c) = border { constantValue = c }
        let constantRow = [Float](repeating: constantValue, count: w)

        image.pixels.withUnsafeBufferPointer { srcBuf in
        constantRow.withUnsafeBufferPointer { constBuf in
        out.withUnsafeMutableBufferPointer { dstBuf in
        padded.withUnsafeMutableBufferPointer { padBuf in
        kx.withUnsafeBufferPointer { kxb in
        ky.withUnsafeBufferPointer { kyb in
            let src = srcBuf.baseAddress!, dst = dstBuf.baseAddress!
            let pad = padBuf.baseAddress!
            let constRow = constBuf.baseAddress!
            // Row pointers for rows y−ry … y+ry, refreshed per output row.
            let rows = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: 2 * ry + 1)
            defer { rows.deallocate() }
            for y in 0..<h {
                for j in -ry...ry {
                    if let sy = border.sourceIndex(y + j, count: h) {
                        rows[j + ry] = src + sy * w
                    } else {
                        rows[j + ry] = constRow
                    }
                }
                verticalPass(rows: rows, radius: ry, kernel: kyb.baseAddress!, width: w, into: pad + rx)
                // Extend the intermediate row horizontally by the border rule.
                if rx > 0 {
                    for j in 1...rx {
                        if let sx = border.sourceIndex(-j, count: w) {
                            pad[rx - j] = pad[rx + sx]
                        } else {
                            pad[rx - j] = constantValue
                        }
                        if let sx = border.sourceIndex(w - 1 + j, count: w) {
                            pad[rx + w - 1 + j] = pad[rx + sx]
                        } else {
                            pad[rx + w - 1 + j] = constantValue
                        }
                    }
                }
                horizontalPass(padded: UnsafePointer(pad) + rx, radius: rx, kernel: kxb.baseAddress!,
                               width: w, into: dst + y * w)
            }
        }}}}}}
        var result = image
        result.pixels = out
        return result
    }

    @inline(__always)
    static func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    static func store16(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }

    /// `out[x] = k[0]·rows[r][x] + Σᵢ k[i]·(rows[r−i][x] + rows[r+i][x])` for x in 0..<width.
    static func verticalPass(rows: UnsafeMutablePointer<UnsafePointer<Float>>, radius r: Int,
                             kernel k: UnsafePointer<Float>, width w: Int,
                             into out: UnsafeMutablePointer<Float>) {
        let centre = rows[r]
        let k0 = k[0]
        var x = 0
        while x + 16 <= w {
            var acc = load16(centre + x) * k0
            var i = 1
            while i <= r {
                let s = load16(rows[r - i] + x) + load16(rows[r + i] + x)
                acc = acc + s * k[i]
                i += 1
            }
            store16(acc, out + x)
            x += 16
        }
        while x < w {
            var acc = centre[x] * k0
            var i = 1
            while i <= r {
                acc += k[i] * (rows[r - i][x] + rows[r + i][x])
                i += 1
            }
            out[x] = acc
            x += 1
        }
    }

    /// `out[x] = k[0]·p[x] + Σᵢ k[i]·(p[x−i] + p[x+i])`; `p` must be readable from −r to w+r−1.
    static func horizontalPass(padded p: UnsafePointer<Float>, radius r: Int,
                               kernel k: UnsafePointer<Float>, width w: Int,
                               into out: UnsafeMutablePointer<Float>) {
        let k0 = k[0]
        var x = 0
        while x + 16 <= w {
            var acc = load16(p + x) * k0
            var i = 1
            while i <= r {
                let s = load16(p + x - i) + load16(p + x + i)
                acc = acc + s * k[i]
                i += 1
            }
            store16(acc, out + x)
            x += 16
        }
        while x < w {
            var acc = p[x] * k0
            var i = 1
            while i <= r {
                acc += k[i] * (p[x - i] + p[x + i])
                i += 1
            }
            out[x] = acc
            x += 1
        }
    }
}
