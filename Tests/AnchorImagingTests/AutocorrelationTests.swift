import Foundation
import Testing
import AnchorGeometry
@testable import AnchorImaging

@Suite struct AutocorrelationTests {
    /// Direct evaluation of the definition: the Hann-windowed, mean-free image zero-padded to
    /// powers of two, circularly correlated with itself and divided by the window's own
    /// circular correlation, relative to shift 0.
    static func bruteForce(_ image: Image, maxShift: Int) -> [Double] {
        let w = image.width, h = image.height
        let pw = nextPowerOfTwo(w), ph = nextPowerOfTwo(h)
        let mean = image.pixels.map(Double.init).reduce(0, +) / Double(image.pixels.count)
        var s = [Double](repeating: 0, count: pw * ph), win = s
        for y in 0..<h {
            for x in 0..<w {
                let wx = 0.5 - 0.5 * cos(2 * Double.pi * (Double(x) + 0.5) / Double(w))
                let wy = 0.5 - 0.5 * cos(2 * Double.pi * (Double(y) + 0.5) / Double(h))
                win[y * pw + x] = wx * wy
                s[y * pw + x] = (Double(image.pixels[y * w + x]) - mean) * wx * wy
            }
        }
        func corr(_ a: [Double], _ dx: Int, _ dy: Int) -> Double {
            var t = 0.0
            for y in 0..<ph {
                for x in 0..<pw {
                    t += a[y * pw + x] * a[((y + dy + ph) % ph) * pw + (x + dx + pw) % pw]
                }
            }
            return t
        }
        let zero = corr(s, 0, 0) / corr(win, 0, 0)
        var out: [Double] = []
        for dy in -maxShift...maxShift {
            for dx in -maxShift...maxShift {
                let wv = corr(win, dx, dy)
                out.append(wv > 1e-3 * corr(win, 0, 0) ? corr(s, dx, dy) / wv / zero : 0)
            }
        }
        return out
    }

    @Test(arguments: [(12, 10), (16, 16), (9, 20)])
    func realFFTAutocorrelationEqualsTheDefinition(size: (Int, Int)) throws {
        var g = SeededGenerator(seed: 3)
        let (w, h) = size
        let img = try Image(width: w, height: h, pixels: (0..<(w * h)).map { _ in Float(g.normal()) })
        let m = min(w, h) / 2
        let ac = try Autocorrelation(image: img, maxShift: m)
        let want = Self.bruteForce(img, maxShift: m)
        #expect(ac.values.count == want.count)
        for (a, b) in zip(ac.values, want) { #expect(abs(a - b) < 1e-9) }
        #expect(abs(ac.value(dx: 0, dy: 0) - 1) < 1e-12)
    }

    @Test func realAutocorrelationWithGainEqualsComplexFFT() throws {
        var g = SeededGenerator(seed: 5)
        let pw = 16, ph = 8
        let data = (0..<(pw * ph)).map { _ in g.normal() }
        let gain = { (fx: Double, fy: Double) in 1 - exp(-(fx * fx + fy * fy) / 0.01) }
        let fast = try RealAutocorrelation.circular(data, width: pw, height: ph, gain: gain)
        var grid = ComplexGrid(width: pw, height: ph)
        grid.re = data
        try grid.fft2()
        for ky in 0..<ph {
            for kx in 0..<pw {
                let fx = Double(kx <= pw / 2 ? kx : kx - pw) / Double(pw)
                let fy = Double(ky <= ph / 2 ? ky : ky - ph) / Double(ph)
                let i = ky * pw + kx
                grid.re[i] = (grid.re[i] * grid.re[i] + grid.im[i] * grid.im[i]) * gain(fx, fy)
                grid.im[i] = 0
            }
        }
        try grid.fft2(inverse: true)
        for i in 0..<(pw * ph) { #expect(abs(fast[i] - grid.re[i] / Double(pw * ph)) < 1e-9) }
    }
}
