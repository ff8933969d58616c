import RealModule

/// In-place iterative radix-2 complex FFT (Cooley–Tukey, decimation in time) on split
/// real/imaginary arrays of power-of-two length.
///
/// Used for autocorrelations and power spectra of images (lattice estimation). Twiddle
/// factors are precomputed once per plan, so a plan is reused across rows and columns.
///
/// - Complexity: O(n log n) per transform.
public struct FFTPlan: Sendable {
    public let count: Int
    let log2n: Int
    let cosTable: [Double]
    let sinTable: [Double]
    let bitReverse: [Int32]

    /// - Throws: `ImageError.invalidParameter` unless `count` is a power of two ≥ 2.
    public init(count: Int) throws {
        guard count >= 2, count & (count - 1) == 0 else {
            throw ImageError.invalidParameter(name: "count", reason: "FFT length \(count) is not a power of two ≥ 2")
        }
        self.count = count
        var l = 0
        while (1 << l) < count { l += 1 }
        log2n = l
        var c = [Double](repeating: 0, count: count / 2)
        var s = [Double](repeating: 0, count: count / 2)
        for k in 0..<(count / 2) {
            let a = -2 * Double.pi * Double(k) / Double(count)
            c[k] = Double.cos(a)
            s[k] = Double.sin(a)
        }
        cosTable = c
        sinTable = s
        var br = [Int32](repeating: 0, count: count)
        for i in 0..<count {
            var r = 0, x = i
            for _ in 0..<l {
                r = (r << 1) | (x & 1)
                x >>= 1
            }
            br[i] = Int32(r)
        }
        bitReverse = br
    }

    /// Transforms `re`, `im` (each `count` long, starting at the pointers, with `stride`)
    /// in place. `inverse` uses the conjugate twiddles and does NOT divide by n.
    @inlinable
    public func transform(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, inverse: Bool = false) {
        transformImpl(re: re, im: im, inverse: inverse)
    }

    @usableFromInline
    func transformImpl(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, inverse: Bool) {
        let n = count
        bitReverse.withUnsafeBufferPointer { br in
            for i in 0..<n {
                let j = Int(br[i])
                if j > i {
                    swap(&re[i], &re[j])
                    swap(&im[i], &im[j])
                }
            }
        }
        let sign: Double = inverse ? -1 : 1
        cosTable.withUnsafeBufferPointer { ct in
            sinTable.withUnsafeBufferPointer { st in
                var size = 2
                while size <= n {
                    let half = size / 2
                    let step = n / size
                    var start = 0
                    while start < n {
                        var k = 0
                        for j in start..<(start + half) {
                            let wr = ct[k], wi = sign * st[k]
                            let l = j + half
                            let tr = re[l] * wr - im[l] * wi
                            let ti = re[l] * wi + im[l] * wr
                            re[l] = re[j] - tr
                            im[l] = im[j] - ti
                            re[j] += tr
                            im[j] += ti
                            k += step
                        }
                        start += size
                    }
                    size <<= 1
                }
            }
        }
    }
}

/// A 2-D complex array (row-major, split real/imaginary) with forward and inverse FFTs along
/// both axes. Width and height must be powers of two.
public struct ComplexGrid: Sendable {
    public let width: Int
    public let height: Int
    public var re: [Double]
    public var im: [Double]

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        re = [Double](repeating: 0, count: width * height)
        im = [Double](repeating: 0, count: width * height)
    }

    /// Forward (or inverse, unnormalised) 2-D FFT in place.
    public mutating func fft2(inverse: Bool = false) throws {
        let rowPlan = try FFTPlan(count: width)
        let colPlan = height == width ? rowPlan : try FFTPlan(count: height)
        let w = width, h = height
        re.withUnsafeMutableBufferPointer { rp in
            im.withUnsafeMutableBufferPointer { ip in
                for y in 0..<h {
                    rowPlan.transform(re: rp.baseAddress! + y * w, im: ip.baseAddress! + y * w, inverse: inverse)
                }
                var cr = [Double](repeating: 0, count: h)
                var ci = [Double](repeating: 0, count: h)
                cr.withUnsafeMutableBufferPointer { crp in
                    ci.withUnsafeMutableBufferPointer { cip in
                        for x in 0..<w {
                            for y in 0..<h {
                                crp[y] = rp[y * w + x]
                                cip[y] = ip[y * w + x]
                            }
                            colPlan.transform(re: crp.baseAddress!, im: cip.baseAddress!, inverse: inverse)
                            for y in 0..<h {
                                rp[y * w + x] = crp[y]
                                ip[y * w + x] = cip[y]
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Smallest power of two ≥ n.
@inlinable
public func nextPowerOfTwo(_ n: Int) -> Int {
    var p = 1
    while p < n { p <<= 1 }
    return p
}
