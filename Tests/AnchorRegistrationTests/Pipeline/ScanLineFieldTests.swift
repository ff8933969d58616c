import Testing
import Foundation
import AnchorGeometry
@testable import AnchorRegistration

/// `ScanLineField` recovers a known scan distortion d(x, y) = o(y) + x·g(y) + e(x) from noisy
/// samples, and ignores stray ones.
@Suite struct ScanLineFieldTests {
    func truth(_ p: Point2) -> Point2 {
        let o = Point2(1.5 * sin(p.y / 60), 2 * exp(-p.y / 80))
        let g = Point2(0.004 * cos(p.y / 90), -0.003 * sin(p.y / 70))
        // Fast-axis profile without constant or linear part over x in 0…299.
        let u = (p.x - 149.5) / 149.5
        let e = Point2(0.8 * (u * u - 1.0 / 3), 0)
        return o + g * p.x + e
    }

    @Test func knownFieldIsRecovered() throws {
        var rng = SeededGenerator(seed: 9)
        var samples: [(position: Point2, residual: Point2)] = []
        for _ in 0..<3000 {
            let p = Point2(rng.uniform(0, 299), rng.uniform(0, 239))
            samples.append((p, truth(p) + Point2(0.1 * rng.normal(), 0.1 * rng.normal())))
        }
        // 5 % strays (mispaired anchors), several pixels off.
        for k in 0..<150 { samples[k * 20].residual = samples[k * 20].residual + Point2(4, -3) }
        let field = ScanLineField(samples: samples, width: 300, height: 240, halfWidth: 8, minimumCount: 12)
        var worst = 0.0
        for y in stride(from: 10, to: 230, by: 7) {
            for x in stride(from: 10, to: 290, by: 13) {
                let p = Point2(Double(x), Double(y))
                worst = max(worst, field.displacement(at: p).distance(to: truth(p)))
            }
        }
        #expect(worst < 0.15, "largest error \(worst) px")
    }

    @Test func tooFewSamplesGiveTheZeroField() {
        let field = ScanLineField(samples: [(Point2(1, 1), Point2(3, 3))], width: 10, height: 10, halfWidth: 2, minimumCount: 8)
        #expect(field.displacement(at: Point2(5, 5)) == .zero)
    }
}
