import Foundation
import Testing
import AnchorGeometry
@testable import AnchorImaging

@Suite("SPM levelling")
struct LevellingTests {
    @Test("plane subtraction removes a known plane exactly")
    func plane() throws {
        var g = SeededGenerator(seed: 11)
        var img = try Image(width: 64, height: 48)
        var bumps = img
        for y in 0..<48 {
            for x in 0..<64 {
                // Zero-mean, untilted features: a checkerboard of ±0.05.
                bumps[x, y] = ((x / 8 + y / 8) % 2 == 0) ? 0.05 : -0.05
                img[x, y] = 3 + 0.02 * Float(x) - 0.03 * Float(y) + bumps[x, y]
            }
        }
        let bg = try PolynomialBackground(fitting: img, degree: 1)
        let slope = try #require(bg.planeSlope)
        #expect(abs(slope.dx - 0.02) < 1e-3)
        #expect(abs(slope.dy + 0.03) < 1e-3)
        // Pure plane plus noise: residual is the noise.
        var noisy = try Image(width: 64, height: 48)
        for y in 0..<48 { for x in 0..<64 { noisy[x, y] = 1 - 0.5 * Float(x) + 0.25 * Float(y) + Float(0.01 * g.normal()) } }
        let lev = try noisy.planeLevelled()
        let maxAbs = lev.pixels.map(abs).max()!
        #expect(maxAbs < 0.06)
        let mean = lev.pixels.reduce(0, +) / Float(lev.count)
        #expect(abs(mean) < 1e-3)
    }

    @Test("quadratic background is removed by degree 2, NaN samples are kept and ignored")
    func quadratic() throws {
        var img = try Image(width: 40, height: 30)
        for y in 0..<30 { for x in 0..<40 {
            let u = Float(x) - 20, v = Float(y) - 10
            img[x, y] = 0.01 * u * u - 0.02 * u * v + 0.5 * v + 7
        } }
        img[5, 5] = .nan
        let lev = try img.polynomialLevelled(degree: 2)
        #expect(lev[5, 5].isNaN)
        for i in 0..<lev.count where i != 5 * 40 + 5 { #expect(abs(lev.pixels[i]) < 2e-3) }
    }

    @Test("plane fit on a single row is a typed error")
    func degenerate() throws {
        let row = try Image(width: 10, height: 1, pixels: (0..<10).map(Float.init))
        #expect(throws: ImageError.self) { try row.planeLevelled() }
        #expect(throws: ImageError.self) { try row.polynomialLevelled(degree: 7) }
    }

    @Test("line levelling removes known scan-line offsets despite features")
    func lines() throws {
        var g = SeededGenerator(seed: 5)
        let offsets = (0..<32).map { _ in Float(g.uniform(-2, 2)) }
        var img = try Image(width: 51, height: 32)
        for y in 0..<32 { for x in 0..<51 {
            // A few tall features per line (less than half the line), which bias a mean but not a median.
            let feature: Float = (x % 10 == 0) ? 5 : 0
            img[x, y] = offsets[y] + feature
        } }
        let found = img.lineOffsets()
        for y in 0..<32 { #expect(abs(found[y] - offsets[y]) < 1e-6) }
        let lev = img.lineLevelled()
        for y in 0..<32 { for x in 0..<51 { #expect(abs(lev[x, y] - ((x % 10 == 0) ? 5 : 0)) < 1e-5) } }
        // The mean is pulled by the features.
        let meanLev = img.lineLevelled(statistic: .mean)
        #expect(abs(meanLev[1, 0]) > 0.5)
    }

    @Test("median of even and odd counts")
    func medianHelper() {
        var a: [Float] = [5, 1, 4, 2, 3]
        #expect(median(&a) == 3)
        var b: [Float] = [4, 1, 3, 2]
        #expect(median(&b) == 2.5)
        var c: [Float] = [7, 7, 7, 1, 7, 7]
        #expect(median(&c) == 7)
        // Long inputs go through value buckets: still the exact median.
        var g = SeededGenerator(seed: 17)
        for n in [64, 65, 200, 511, 512, 1000] {
            for kind in 0..<4 {
                var v: [Float] = (0..<n).map { _ in Float(g.normal()) }
                if kind == 1 { v = v.map { ($0 * 2).rounded() } }          // few distinct values
                if kind == 2 { v[3] = 1e20; v[9] = -1e20 }                 // far outliers
                if kind == 3 { v = [Float](repeating: 0.5, count: n); v[n / 3] = 9 }
                let s = v.sorted()
                let want = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
                #expect(median(&v) == want, "n \(n), kind \(kind)")
            }
        }
    }

    @Test("background flattening removes a smooth illumination gradient")
    func flatten() throws {
        var img = try Image(width: 96, height: 96)
        for y in 0..<96 { for x in 0..<96 {
            let illum = 1 + 0.5 * Float(x) / 95
            let feature: Float = ((x / 4 + y / 4) % 2 == 0) ? 1.2 : 0.8
            img[x, y] = illum * feature
        } }
        let flat = try img.backgroundFlattened(sigma: 12, mode: .divide)
        // Left and right halves now have the same mean, unlike before.
        func halfMeans(_ im: Image) -> (Float, Float) {
            var l: Float = 0, r: Float = 0
            for y in 16..<80 { for x in 16..<48 { l += im[x, y]; r += im[x + 32, y] } }
            return (l, r)
        }
        let (l0, r0) = halfMeans(img), (l1, r1) = halfMeans(flat)
        #expect(abs(r0 / l0 - 1) > 0.1)
        #expect(abs(r1 / l1 - 1) < 0.03)
        var neg = img
        neg.pixels = neg.pixels.map { $0 - 1.5 }
        #expect(throws: ImageError.self) { try neg.backgroundFlattened(sigma: 12, mode: .divide) }
    }
}
