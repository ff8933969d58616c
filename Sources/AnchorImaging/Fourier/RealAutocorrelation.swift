/// Circular autocorrelation of real data by the Wiener–Khinchin theorem, with real-input FFTs:
/// r = F⁻¹(g · |F(f)|²) for a real 2-D array f and a real spectral gain g.
///
/// A real array's spectrum is Hermitian, F(−k) = conj F(k), so half of it is enough: rows are
/// transformed two at a time (f_a + i·f_b in one complex FFT, separated by symmetry), columns
/// only for kx = 0…pw/2, and on the way back two real rows come out of one complex inverse
/// FFT. About a quarter of the work of complex transforms of the signal and its square.
enum RealAutocorrelation {
    /// Circular autocorrelation of `data` (`width` × `height`, row-major, both powers of two
    /// ≥ 2), unnormalised: r(dx, dy) = Σ f(x, y)·f(x + dx, y + dy) (indices mod the sides) when
    /// `gain` is 1; `gain(fx, fy)` multiplies the power at frequency (fx, fy) in cycles per
    /// pixel, fx, fy ∈ [−½, ½].
    /// - Returns: r, row-major, `width` × `height`, shift (dx, dy) at index
    ///   `(dy mod height)·width + (dx mod width)`.
    static func circular(_ data: [Double], width pw: Int, height ph: Int,
                         gain: (Double, Double) -> Double) throws -> [Double] {
        precondition(data.count == pw * ph)
        let rowPlan = try FFTPlan(count: pw)
        let colPlan = ph == pw ? rowPlan : try FFTPlan(count: ph)
        let half = pw / 2 + 1
        // Spectrum columns kx = 0…pw/2, stored column-major: spec[kx * ph + ky].
        // The spectrum and the result are written in full below (ph is a power of two, so
        // even, and rows go in pairs): no zero fill, which on a 512² frame cost as much as the
        // row transforms.
        precondition(ph % 2 == 0, "height must be even")
        func uninitialized(_ n: Int) -> [Double] {
            [Double](unsafeUninitializedCapacity: n) { _, count in count = n }
        }
        var specRe = uninitialized(half * ph)
        var specIm = uninitialized(half * ph)
        var re = [Double](repeating: 0, count: pw), im = [Double](repeating: 0, count: pw)
        var out = uninitialized(pw * ph)
        re.withUnsafeMutableBufferPointer { re in
        im.withUnsafeMutableBufferPointer { im in
        specRe.withUnsafeMutableBufferPointer { sr in
        specIm.withUnsafeMutableBufferPointer { si in
            // Rows, two at a time (ph is even): Z = F(a + i·b), A(k) = (Z(k) + conj Z(−k)) / 2,
            // B(k) = (Z(k) − conj Z(−k)) / 2i.
            data.withUnsafeBufferPointer { d in
                var y = 0
                while y < ph {
                    for x in 0..<pw {
                        re[x] = d[y * pw + x]
                        im[x] = y + 1 < ph ? d[(y + 1) * pw + x] : 0
                    }
                    rowPlan.transform(re: re.baseAddress!, im: im.baseAddress!)
                    for k in 0..<half {
                        let m = (pw - k) & (pw - 1)
                        let zr = re[k], zi = im[k], cr = re[m], ci = -im[m]
                        sr[k * ph + y] = 0.5 * (zr + cr)
                        si[k * ph + y] = 0.5 * (zi + ci)
                        if y + 1 < ph {
                            sr[k * ph + y + 1] = 0.5 * (zi - ci)
                            si[k * ph + y + 1] = -0.5 * (zr - cr)
                        }
                    }
                    y += 2
                }
            }
            // Columns: forward, power × gain, inverse.
            for k in 0..<half {
                let cr = sr.baseAddress! + k * ph, ci = si.baseAddress! + k * ph
                colPlan.transform(re: cr, im: ci)
                let fx = Double(k) / Double(pw)
                for ky in 0..<ph {
                    let fy = Double(ky <= ph / 2 ? ky : ky - ph) / Double(ph)
                    cr[ky] = (cr[ky] * cr[ky] + ci[ky] * ci[ky]) * gain(fx, fy)
                    ci[ky] = 0
                }
                colPlan.transform(re: cr, im: ci, inverse: true)
            }
            // Rows back, two at a time: each result row is real, so its spectrum Q is Hermitian
            // and Q_a + i·Q_b transforms to r_a + i·r_b.
            out.withUnsafeMutableBufferPointer { o in
                var y = 0
                while y < ph {
                    let y2 = y + 1 < ph ? y + 1 : -1
                    for k in 0..<half {
                        let ar = sr[k * ph + y], ai = si[k * ph + y]
                        let br = y2 >= 0 ? sr[k * ph + y2] : 0, bi = y2 >= 0 ? si[k * ph + y2] : 0
                        // Q_a(k) + i·Q_b(k)
                        re[k] = ar - bi
                        im[k] = ai + br
                        if k > 0 && k < pw - k {
                            // Q_a(−k) + i·Q_b(−k) = conj Q_a(k) + i·conj Q_b(k)
                            re[pw - k] = ar + bi
                            im[pw - k] = -ai + br
                        }
                    }
                    rowPlan.transform(re: re.baseAddress!, im: im.baseAddress!, inverse: true)
                    let scale = 1 / Double(pw * ph)
                    for x in 0..<pw {
                        o[y * pw + x] = re[x] * scale
                        if y2 >= 0 { o[y2 * pw + x] = im[x] * scale }
                    }
                    y += 2
                }
            }
        }}}}
        return out
    }

    /// Circular autocorrelation of `w` zero-padded to `period`, for shifts −maxShift…maxShift:
    /// element `d + maxShift` is Σₓ w(x)·w((x + d) mod period).
    static func circular1D(_ w: [Double], period: Int, maxShift: Int) -> [Double] {
        precondition(maxShift < period && w.count <= period)
        var out = [Double](repeating: 0, count: 2 * maxShift + 1)
        for d in -maxShift...maxShift {
            var s = 0.0
            for x in w.indices {
                var j = x + d  // |d| ≤ maxShift < period
                if j < 0 { j += period } else if j >= period { j -= period }
                if j < w.count { s += w[x] * w[j] }
            }
            out[d + maxShift] = s
        }
        return out
    }
}
