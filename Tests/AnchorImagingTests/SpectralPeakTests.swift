import AnchorGeometry
import Foundation
import Testing
@testable import AnchorImaging

/// `SpectralPeak`: white noise stays near its expected maximum; a weak lattice in the same
/// noise stands out at its own period.
@Suite struct SpectralPeakTests {
    /// Gaussian white noise of σ 1 plus, when `amplitude` > 0, two cosines of that amplitude
    /// with period `period` px at 0° and 60° + 7°.
    func frame(side: Int, amplitude: Double, period: Double, seed: UInt64) throws -> Image {
        var rng = SeededGenerator(seed: seed)
        var pixels = [Float](repeating: 0, count: side * side)
        let k = 2 * Double.pi / period
        let (c1, s1) = (cos(0.12), sin(0.12)), (c2, s2) = (cos(0.12 + Double.pi / 3), sin(0.12 + Double.pi / 3))
        for y in 0..<side {
            for x in 0..<side {
                let (fx, fy) = (Double(x), Double(y))
                let lattice = amplitude * (cos(k * (c1 * fx + s1 * fy)) + cos(k * (c2 * fx + s2 * fy)))
                pixels[y * side + x] = Float(rng.normal() + lattice)
            }
        }
        return try Image(width: side, height: side, pixels: pixels)
    }

    @Test func whiteNoiseHasNoPeakAndAWeakLatticeDoes() throws {
        for seed in [UInt64(1), 2, 3] {
            let noise = try SpectralPeak(image: try frame(side: 1024, amplitude: 0, period: 9.3, seed: seed), tile: 256)
            #expect(noise.tiles == 16)
            #expect(noise.ratio > 1 && noise.ratio < 3.5, "noise seed \(seed): \(noise.ratio)")
        }
        // Amplitude 0.3 σ: each cosine carries 4.5 % of the variance, far too little for the
        // autocorrelation's 0.1 threshold, yet its bins stand out by orders of magnitude.
        let weak = try SpectralPeak(image: try frame(side: 1024, amplitude: 0.3, period: 9.3, seed: 1), tile: 256)
        #expect(weak.ratio > 100, "\(weak.ratio)")
        #expect(abs(weak.period - 9.3) < 0.25, "\(weak.period)")
    }

    @Test func nonFiniteSamplesCountAsTheMeanAndBadTilesThrow() throws {
        var image = try frame(side: 512, amplitude: 0, period: 9.3, seed: 4)
        for k in stride(from: 0, to: image.count, by: 7) { image.pixels[k] = .nan }
        let peak = try SpectralPeak(image: image, tile: 128)
        #expect(peak.tiles == 16 && peak.ratio.isFinite)
        #expect(throws: ImageError.self) { try SpectralPeak(image: image, tile: 100) }
        #expect(throws: ImageError.self) { try SpectralPeak(image: image, tile: 1024) }
    }
}
