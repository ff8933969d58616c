import Foundation
import Testing
@testable import AnchorImaging
import AnchorGeometry

/// Direct (non-separable) 2-D convolution with the full Gaussian, borders by `BorderMode`.
private func directBlur(_ img: Image, kernel: GaussianKernel, border: BorderMode) -> [Double] {
    let k = kernel.fullKernel.map(Double.init)
    let r = kernel.radius
    var out = [Double](repeating: 0, count: img.count)
    for y in 0..<img.height {
        for x in 0..<img.width {
            var acc = 0.0
            for j in -r...r {
                for i in -r...r {
                    let v: Double
                    if let sx = border.sourceIndex(x + i, count: img.width),
                       let sy = border.sourceIndex(y + j, count: img.height) {
                        v = Double(img[sx, sy])
                    } else if case .constant(let c) = border {
                        v = Double(c)
                    } else {
                        v = 0
                    }
                    acc += k[i + r] * k[j + r] * v
                }
            }
            out[y * img.width + x] = acc
        }
    }
    return out
}

private func randomImage(width: Int, height: Int, seed: UInt64) throws -> Image {
    var g = SeededGenerator(seed: seed)
    let px = (0..<(width * height)).map { _ in Float(g.uniform(-1, 1)) }
    return try Image(width: width, height: height, pixels: px)
}

@Suite("Gaussian blur")
struct GaussianBlurTests {
    @Test("kernel is normalised, symmetric and has radius ceil(truncate·σ)")
    func kernel() throws {
        let k = try GaussianKernel(sigma: 1.3, truncate: 3)
        #expect(k.radius == 4)
        let full = k.fullKernel
        #expect(full.count == 9)
        #expect(abs(full.reduce(0, +) - 1) < 1e-6)
        for i in 0..<4 { #expect(full[i] == full[8 - i]) }
        #expect(try GaussianKernel(sigma: 0).radius == 0)
    }

    @Test("invalid σ and truncate are typed errors")
    func invalid() throws {
        let img = try Image(width: 4, height: 4)
        #expect(throws: ImageError.self) { try img.gaussianBlurred(sigma: -1) }
        #expect(throws: ImageError.self) { try img.gaussianBlurred(sigma: .nan) }
        #expect(throws: ImageError.self) { try img.gaussianBlurred(sigma: 1, truncate: .infinity) }
        #expect(throws: ImageError.self) { try img.gaussianBlurred(sigma: 1e9) }
    }

    @Test("separable blur equals direct 2-D convolution for every border mode",
          arguments: [BorderMode.reflect101, .reflect, .replicate, .constant(0.5)])
    func matchesDirect(border: BorderMode) throws {
        // 37 columns: exercises the 16-wide SIMD loop and the scalar tail.
        let img = try randomImage(width: 37, height: 23, seed: 7)
        let k = try GaussianKernel(sigma: 1.7)
        let fast = img.gaussianBlurred(kernel: k, border: border)
        let slow = directBlur(img, kernel: k, border: border)
        var worst = 0.0
        for i in 0..<img.count { worst = max(worst, abs(Double(fast.pixels[i]) - slow[i])) }
        #expect(worst < 1e-5)
    }

    @Test("kernel wider than the image reflects repeatedly")
    func tinyImage() throws {
        let img = try randomImage(width: 5, height: 3, seed: 3)
        let k = try GaussianKernel(sigma: 3)
        for border in [BorderMode.reflect101, .reflect, .replicate] {
            let fast = img.gaussianBlurred(kernel: k, border: border)
            let slow = directBlur(img, kernel: k, border: border)
            for i in 0..<img.count { #expect(abs(Double(fast.pixels[i]) - slow[i]) < 1e-5) }
        }
        // A 1-pixel-wide image is a column: reflect101 maps everything to the one pixel.
        let col = try Image(width: 1, height: 6, pixels: [1, 2, 3, 4, 5, 6])
        let b = try col.gaussianBlurred(sigma: 1)
        #expect(abs(b.pixels.reduce(0, +) - 21) < 1.5)
    }

    @Test("blur of a delta is the sampled 2-D Gaussian")
    func delta() throws {
        var img = try Image(width: 41, height: 41)
        img[20, 20] = 1
        let sigma = 2.5
        let b = try img.gaussianBlurred(sigma: sigma)
        let k = try GaussianKernel(sigma: sigma)
        for y in 0..<41 {
            for x in 0..<41 {
                let dx = abs(x - 20), dy = abs(y - 20)
                let expected: Float = (dx <= k.radius && dy <= k.radius) ? k.weights[dx] * k.weights[dy] : 0
                #expect(abs(b[x, y] - expected) < 1e-7)
            }
        }
        // Against the continuous formula, normalised: peak ≈ 1 / (2πσ²) within truncation/sampling error.
        #expect(abs(Double(b[20, 20]) - 1 / (2 * Double.pi * sigma * sigma)) < 1e-3)
        #expect(abs(b.pixels.reduce(0, +) - 1) < 1e-5)
    }

    @Test("blur keeps a constant image constant and keeps calibration")
    func constantImage() throws {
        let img = try Image(width: 50, height: 20, fill: 3, pixelSize: PixelSize(x: 0.1, y: 0.2), unit: .nanometre)
        let b = try img.gaussianBlurred(sigma: 4)
        #expect(b.pixels.allSatisfy { abs($0 - 3) < 1e-5 })
        #expect(b.pixelSize == img.pixelSize)
        #expect(b.unit == .nanometre)
    }

    @Test("anisotropic blur along x only leaves columns of a row-constant image alone")
    func anisotropic() throws {
        var img = try Image(width: 30, height: 30)
        for y in 0..<30 { for x in 0..<30 { img[x, y] = Float(y) } }
        let b = try img.gaussianBlurred(sigmaX: 3, sigmaY: 0)
        for i in 0..<img.count { #expect(abs(b.pixels[i] - img.pixels[i]) < 1e-4) }
    }

    @Test("border index mapping follows OpenCV's borderInterpolate")
    func borderIndex() {
        // abcdefgh (n = 8)
        #expect(BorderMode.reflect101.sourceIndex(-1, count: 8) == 1)
        #expect(BorderMode.reflect101.sourceIndex(8, count: 8) == 6)
        #expect(BorderMode.reflect.sourceIndex(-1, count: 8) == 0)
        #expect(BorderMode.reflect.sourceIndex(8, count: 8) == 7)
        #expect(BorderMode.replicate.sourceIndex(-5, count: 8) == 0)
        #expect(BorderMode.constant(0).sourceIndex(-1, count: 8) == nil)
        #expect(BorderMode.reflect101.sourceIndex(-20, count: 8) == 6)
    }
}
