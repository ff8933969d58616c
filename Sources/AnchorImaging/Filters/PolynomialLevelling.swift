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
        var basis = [Double](repeating: 0, count: n)
        var upow = [Double](repeating: 1, count: degree + 1)
        var vpow = [Double](repeating: 1, count: degree + 1)
        var used = 0
        for y in 0..<image.height {
            let v = (Double(y) - cy) / hs
            for k in 1..<(degree + 1) { vpow[k] = vpow[k - 1] * v }
            for x in 0..<image.width {
                let z = image.pixels[y * image.width + x]
                guard z.isFinite else { continue }
                let u = (Double(x) - cx) / hs
                for k in 1..<(degree + 1) { upow[k] = upow[k - 1] * u }
                for (i, (p, q)) in exps.enumerated() { basis[i] = upow[p] * vpow[q] }
                let zd = Double(z)
                for i in 0..<n {
                    let bi = basis[i]
                    atb[i] += bi * zd
                    for j in i..<n { ata[i * n + j] += bi * basis[j] }
                }
                used += 1
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
    /// - Complexity: O(width · height · n²) with n = (degree+1)(degree+2)/2 coefficients.
    public func polynomialLevelled(degree: Int) throws -> Image {
        let bg = try PolynomialBackground(fitting: self, degree: degree)
        let exps = PolynomialBackground.exponents(degree: degree)
        var out = self
        var upow = [Double](repeating: 1, count: degree + 1)
        var vpow = [Double](repeating: 1, count: degree + 1)
        for y in 0..<height {
            let v = (Double(y) - bg.centreY) / bg.halfSize
            for k in 1..<(degree + 1) { vpow[k] = vpow[k - 1] * v }
            for x in 0..<width {
                let i = y * width + x
                guard pixels[i].isFinite else { continue }
                let u = (Double(x) - bg.centreX) / bg.halfSize
                for k in 1..<(degree + 1) { upow[k] = upow[k - 1] * u }
                var s = 0.0
                for (c, (p, q)) in zip(bg.coefficients, exps) { s += c * upow[p] * vpow[q] }
                out.pixels[i] = Float(Double(pixels[i]) - s)
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
