import Foundation

/// A sampled, normalised 1-D Gaussian kernel `g(i) ∝ exp(−i² / (2σ²))` for i = −r…r with
/// r = ⌈truncate · σ⌉, stored as its half `weights[0…r]` (the kernel is symmetric).
///
/// The weights are computed in Double and normalised to sum 1 before rounding to Float — the
/// same recipe as OpenCV's `getGaussianKernel`, so that blurred images agree with
/// `cv2.GaussianBlur(img, (0, 0), sigma)` for float images (OpenCV uses r = 4σ for float
/// images, i.e. `truncate = 4`, the default here).
public struct GaussianKernel: Sendable, Equatable {
    /// Standard deviation in pixels.
    public let sigma: Double
    /// Kernel radius in pixels; the full kernel has 2·radius + 1 taps.
    public let radius: Int
    /// `weights[i]` is the weight at offset ±i; `weights[0] + 2·Σ weights[1…] = 1`.
    public let weights: [Float]

    /// Largest radius accepted (a kernel of 2·65 536 + 1 taps), so that an absurd σ is an error
    /// rather than an allocation of gigabytes.
    public static let maxRadius = 1 << 16

    /// - Parameters:
    ///   - sigma: standard deviation in pixels, finite and ≥ 0 (σ = 0 gives the identity kernel).
    ///   - truncate: radius in units of σ, finite and ≥ 0; 4 (the default) leaves out a tail
    ///     weight below 7·10⁻⁵ and matches OpenCV for float images.
    /// - Throws: `ImageError.invalidParameter` for a negative or non-finite σ or truncate, or
    ///   a radius above `maxRadius`.
    public init(sigma: Double, truncate: Double = 4) throws {
        guard sigma.isFinite, sigma >= 0 else {
            throw ImageError.invalidParameter(name: "sigma", reason: "must be finite and ≥ 0, got \(sigma)")
        }
        guard truncate.isFinite, truncate >= 0 else {
            throw ImageError.invalidParameter(name: "truncate", reason: "must be finite and ≥ 0, got \(truncate)")
        }
        let rd = (truncate * sigma).rounded(.up)
        guard rd <= Double(GaussianKernel.maxRadius) else {
            throw ImageError.invalidParameter(
                name: "sigma",
                reason: "kernel radius \(rd) px exceeds \(GaussianKernel.maxRadius) px (σ = \(sigma), truncate = \(truncate))")
        }
        let r = Int(rd)
        self.sigma = sigma
        if r == 0 {
            self.radius = 0
            self.weights = [1]
            return
        }
        self.radius = r
        let scale = -0.5 / (sigma * sigma)
        var half = [Double](repeating: 0, count: r + 1)
        var sum = 0.0
        for i in 0...r {
            half[i] = exp(scale * Double(i * i))
            sum += i == 0 ? half[i] : 2 * half[i]
        }
        self.weights = half.map { Float($0 / sum) }
    }

    /// The full kernel, offsets −r…r.
    public var fullKernel: [Float] {
        Array(weights.reversed()) + weights.dropFirst()
    }
}

extension Image {
    /// The image convolved with a 2-D Gaussian of standard deviation `sigma` pixels (the same σ
    /// along x and y), computed separably.
    ///
    /// Matches `cv2.GaussianBlur(img, (0, 0), sigma)` on float32 images (border `.reflect101`,
    /// OpenCV's default) to float rounding. Calibration (pixel size, units) is kept.
    ///
    /// - Parameters:
    ///   - sigma: standard deviation in pixels (≥ 0; 0 returns the image unchanged).
    ///   - truncate: the kernel radius is ⌈truncate · σ⌉ pixels.
    ///   - border: how samples outside the image are read.
    /// - Throws: `ImageError.invalidParameter` for an invalid σ or truncate (see
    ///   `GaussianKernel.init`).
    /// - Complexity: O(width · height · σ · truncate), single-threaded, SIMD inner loops.
    public func gaussianBlurred(sigma: Double, truncate: Double = 4,
                                border: BorderMode = .reflect101) throws -> Image {
        let kernel = try GaussianKernel(sigma: sigma, truncate: truncate)
        return gaussianBlurred(kernel: kernel, border: border)
    }

    /// The image convolved with `kernel` along x and along y (see
    /// `gaussianBlurred(sigma:truncate:border:)`).
    public func gaussianBlurred(kernel: GaussianKernel, border: BorderMode = .reflect101) -> Image {
        if kernel.radius == 0 { return self }
        return SeparableConvolution.symmetric(self, rowHalf: kernel.weights, columnHalf: kernel.weights,
                                              border: border)
    }

    /// The image convolved with separate Gaussians along x (`sigmaX`) and y (`sigmaY`), in
    /// pixels — for images whose pixels are not square.
    /// - Throws: `ImageError.invalidParameter` for an invalid σ or truncate.
    public func gaussianBlurred(sigmaX: Double, sigmaY: Double, truncate: Double = 4,
                                border: BorderMode = .reflect101) throws -> Image {
        let kx = try GaussianKernel(sigma: sigmaX, truncate: truncate)
        let ky = try GaussianKernel(sigma: sigmaY, truncate: truncate)
        if kx.radius == 0 && ky.radius == 0 { return self }
        return SeparableConvolution.symmetric(self, rowHalf: kx.weights, columnHalf: ky.weights, border: border)
    }
}
