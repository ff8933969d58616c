/// A least-squares polynomial background z(x, y) = Σ c_pq · u^p · v^q (p + q ≤ degree) over an
/// image, with u = (x − cx)/s, v = (y − cy)/s normalised pixel coordinates (centre and
/// half-size of the image, so that the normal equations stay well conditioned).
///
/// Degree 1 is the plane subtraction every SPM user applies first (sample tilt); degrees 2–3
/// remove the bow of a piezo scanner or uneven illumination.
public struct PolynomialBackground: Sendable, Equatable {
    /// Total degree, 0…4.
    public let degree: Int
    /// Coefficients in the order (p, q) = (0,0), (1,0), (0,1), (2,0), (1,1), (0,2), …
    /// (grouped by total degree, then by falling power of u).
    public let coefficients: [Double]
    /// Normalisation: u = (x − centreX) / halfSize, v = (y − centreY) / halfSize.
    public let centreX: Double, centreY: Double, halfSize: Double

    /// The exponents (p, q) of each coefficient, in order.
    public static func exponents(degree: Int) -> [(Int, Int)] {
        var e: [(Int, Int)] = []
        for d in 0...degree { for p in stride(from: d, through: 0, by: -1) { e.append((p, d - p)) } }
        return e
    }

    /// Value of the background at pixel (x, y) (image pixel coordinates).
    public func value(x: Double, y: Double) -> Double {
        let u = (x - centreX) / halfSize, v = (y - centreY) / halfSize
        var s = 0.0
        for (c, (p, q)) in zip(coefficients, Self.exponents(degree: degree)) {
            s += c * ipow(u, p) * ipow(v, q)
        }
        return s
    }

    /// Slope of a degree-1 background in value units per pixel along x and y (nil otherwise).
    public var planeSlope: (dx: Double, dy: Double)? {
        degree == 1 ? (coefficients[1] / halfSize, coefficients[2] / halfSize) : nil
    }

    /// Fits the background to every finite sample of `image` (NaN/∞ samples are ignored).
    /// - Throws: `ImageError.invalidParameter` for a degree outside 0…4 or too few finite
    ///   samples to determine the coefficients (e.g. a single row for a plane).
    public init(fitting image: Image, degree: Int) throws {
        guard (0...4).contains(degree) else {
            throw ImageError.invalidParameter(name: "degree", reason: "must be 0…4, got \(degree)")
        }
        let exps = Self.exponents(degree: degree)
        let n = exps.count
        let cx = Double(image.width - 1) / 2, cy = Double(image.height - 1) / 2
        let hs = max(Double(max(image.width, image.height) - 1) / 2, 1)
        var ata = [Double](repeating: 0, count: n * n)
        var atb = [Double](repeating: 0, count: n)
        // Row moments: Σ u^k over the row's finite samples (k ≤ 2·degree) and Σ u^p·z
        // (p ≤ degree). Every normal-equation entry is a row moment times a power of v, so
        // one pass with a few multiply-adds per pixel does, whatever the degree.
        var mu = [Double](repeating: 0, count: 2 * degree + 1)
        var mz = [Double](repeating: 0, count: degree + 1)
        var vpow = [Double](repeating: 1, count: 2 * degree + 1)
        var used = 0
        let w = image.width
        image.pixels.withUnsafeBufferPointer { px in
            for y in 0..<image.height {
                let v = (Double(y) - cy) / hs
                for k in 1..<(2 * degree + 1) { vpow[k] = vpow[k - 1] * v }
                for k in mu.indices { mu[k] = 0 }
                for k in mz.indices { mz[k] = 0 }
                let row = y * w
                if degree == 1 {
                    var s0 = 0.0, s1 = 0.0, s2 = 0.0, z0 = 0.0, z1 = 0.0
                    for x in 0..<w {
                        let z = px[row + x]
                        guard z.isFinite else { continue }
                        let u = (Double(x) - cx) / hs
                        let zd = Double(z)
                        s0 += 1; s1 += u; s2 += u * u
                        z0 += zd; z1 += u * zd
                    }
                    mu[0] = s0; mu[1] = s1; mu[2] = s2
                    mz[0] = z0; mz[1] = z1
                } else {
                    for x in 0..<w {
                        let z = px[row + x]
                        guard z.isFinite else { continue }
                        let u = (Double(x) - cx) / hs
                        let zd = Double(z)
                        var up = 1.0
                        for k in 0..<(2 * degree + 1) {
                            mu[k] += up
                            if k <= degree { mz[k] += up * zd }
                            up *= u
                        }
                    }
                }
                guard mu[0] > 0 else { continue }
                used += Int(mu[0])
                for i in 0..<n {
                    let (pi, qi) = exps[i]
                    atb[i] += vpow[qi] * mz[pi]
                    for j in i..<n {
                        let (pj, qj) = exps[j]
                        ata[i * n + j] += vpow[qi + qj] * mu[pi + pj]
                    }
                }
            }
        }
        for i in 0..<n { for j in 0..<i { ata[i * n + j] = ata[j * n + i] } }
        guard used >= n, let c = solveSmallLinearSystem(ata, atb, n: n) else {
            throw ImageError.invalidParameter(
                name: "image",
                reason: "\(used) finite samples do not determine a degree-\(degree) background (\(n) coefficients)")
        }
        self.degree = degree
        self.coefficients = c
        self.centreX = cx
        self.centreY = cy
        self.halfSize = hs
    }
}

extension Image {
    /// The image minus its least-squares polynomial background of total degree `degree`
    /// (1 = plane subtraction; see `PolynomialBackground`). Non-finite samples stay as they are
    /// and are ignored by the fit. Calibration is kept.
    /// - Throws: as `PolynomialBackground.init(fitting:degree:)`.
    /// - Complexity: O(width · height · degree) (row moments, then Horner per pixel).
    public func polynomialLevelled(degree: Int) throws -> Image {
        let bg = try PolynomialBackground(fitting: self, degree: degree)
        let exps = PolynomialBackground.exponents(degree: degree)
        var out = self
        var vpow = [Double](repeating: 1, count: degree + 1)
        // Along a row the background is a polynomial in u alone: its coefficients per power
        // of u, then Horner per pixel.
        var rowCoefficients = [Double](repeating: 0, count: degree + 1)
        let w = width
        out.pixels.withUnsafeMutableBufferPointer { px in
            for y in 0..<height {
                let v = (Double(y) - bg.centreY) / bg.halfSize
                for k in 1..<(degree + 1) { vpow[k] = vpow[k - 1] * v }
                for k in rowCoefficients.indices { rowCoefficients[k] = 0 }
                for (c, (p, q)) in zip(bg.coefficients, exps) { rowCoefficients[p] += c * vpow[q] }
                let row = y * w
                for x in 0..<w {
                    let z = px[row + x]
                    guard z.isFinite else { continue }
                    let u = (Double(x) - bg.centreX) / bg.halfSize
                    var s = rowCoefficients[degree]
                    var k = degree - 1
                    while k >= 0 {
                        s = s * u + rowCoefficients[k]
                        k -= 1
                    }
                    px[row + x] = Float(Double(z) - s)
                }
            }
        }
        return out
    }

    /// The image minus its least-squares plane z = a + b·x + c·y — SPM "plane levelling",
    /// which removes the tilt between sample and scanner. Same as `polynomialLevelled(degree: 1)`.
    /// - Throws: `ImageError.invalidParameter` when fewer than 3 finite samples span a plane
    ///   (e.g. one row only).
    public func planeLevelled() throws -> Image {
        try polynomialLevelled(degree: 1)
    }
}

/// x^n for a small non-negative n.
@inline(__always)
func ipow(_ x: Double, _ n: Int) -> Double {
    var r = 1.0
    for _ in 0..<n { r *= x }
    return r
}
