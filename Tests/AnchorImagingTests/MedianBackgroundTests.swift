import Foundation
import Testing
import AnchorGeometry
@testable import AnchorImaging

/// `medianBackgroundRemoved` levels each terrace of a stepped surface to its own height and
/// keeps the periodic contrast.
@Suite struct MedianBackgroundTests {
    /// A 10 px periodic pattern (amplitude 1) on two terraces 20 units apart, split by a
    /// diagonal step, plus a tilt.
    func steppedLattice(width: Int = 160, height: Int = 120, period: Double = 10) throws -> (Image, [Float]) {
        var pixels = [Float](repeating: 0, count: width * height)
        var pattern = pixels
        for y in 0..<height {
            for x in 0..<width {
                let p = Float(cos(2 * Double.pi * Double(x) / period) * cos(2 * Double.pi * Double(y) / period))
                let upper = Double(y) < 3 * period + 0.4 * Double(x)
                pattern[y * width + x] = p
                pixels[y * width + x] = p + (upper ? 20 : 0) + 0.05 * Float(x) - 0.03 * Float(y)
            }
        }
        return (try Image(width: width, height: height, pixels: pixels), pattern)
    }

    @Test func terracesAreLevelledAndThePatternKept() throws {
        let (image, pattern) = try steppedLattice()
        let out = try image.medianBackgroundRemoved(window: 21, step: 3)
        // Away from the step (farther than a window) the result is the pattern itself.
        var worst: Float = 0, compared = 0
        for y in 0..<image.height {
            for x in 0..<image.width {
                let distance = abs(Double(y) - (30 + 0.4 * Double(x))) / (1 + 0.16).squareRoot()
                guard distance > 15, x >= 10, x < image.width - 10, y >= 10, y < image.height - 10 else { continue }
                worst = max(worst, abs(out[x, y] - pattern[y * image.width + x]))
                compared += 1
            }
        }
        #expect(compared > 5000)
        #expect(worst < 0.15, "largest deviation from the pattern \(worst) (step 20, pattern amplitude 1)")
    }

    /// A window over 16 px is sampled on a stride (here 6 px for 81 px): the terraces are
    /// still levelled and the 40 px pattern kept, as with every pixel.
    @Test func wideWindowsAreSampledAndStillLevel() throws {
        let (image, pattern) = try steppedLattice(width: 480, height: 360, period: 40)
        let out = try image.medianBackgroundRemoved(window: 81, step: 10)
        var worst: Float = 0, compared = 0
        for y in stride(from: 0, to: image.height, by: 2) {
            for x in stride(from: 0, to: image.width, by: 2) {
                let distance = abs(Double(y) - (120 + 0.4 * Double(x))) / (1 + 0.16).squareRoot()
                guard distance > 60, x >= 40, x < image.width - 40, y >= 40, y < image.height - 40 else { continue }
                worst = max(worst, abs(out[x, y] - pattern[y * image.width + x]))
                compared += 1
            }
        }
        #expect(compared > 5000)
        #expect(worst < 0.15, "largest deviation from the pattern \(worst) (step 20, pattern amplitude 1)")
    }

    @Test func nonFiniteSamplesStayAndBadParametersThrow() throws {
        var (image, _) = try steppedLattice(width: 40, height: 40)
        image.pixels[5 * 40 + 7] = .nan
        let out = try image.medianBackgroundRemoved(window: 9, step: 2)
        #expect(out.pixels[5 * 40 + 7].isNaN)
        #expect(out.pixels.enumerated().allSatisfy { $0.offset == 5 * 40 + 7 || $0.element.isFinite })
        #expect(throws: ImageError.self) { try image.medianBackgroundRemoved(window: 2, step: 1) }
        #expect(throws: ImageError.self) { try image.medianBackgroundRemoved(window: 9, step: 0) }
        #expect(throws: ImageError.self) { try image.medianBackgroundRemoved(window: 9, step: 10) }
    }
}
