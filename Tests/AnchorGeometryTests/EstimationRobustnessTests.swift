import Testing
import PropertyBased
@testable import AnchorGeometry

/// Hostile inputs: every call returns a finite fit or throws a `GeometryError` — never traps,
/// hangs or returns a non-finite transform.
@Suite struct EstimationRobustnessTests {
    static func hostileSet(_ seed: UInt64) -> (model: [Point2], image: [Point2]) {
        var rng = SeededGenerator(seed: seed)
        let n = 4 + Int(rng.next() % 30)
        let scale = [1e-150, 1e-6, 1, 1e6, 1e150][Int(rng.next() % 5)]
        var model = (0..<n).map { _ in Point2(rng.uniform(-1, 1) * scale, rng.uniform(-1, 1) * scale) }
        var image = model.map { Point2($0.x * 3 + 1, $0.y * 2 - $0.x) }
        switch rng.next() % 7 {
        case 0: for i in model.indices where i % 2 == 0 { model[i] = model[0] }                    // duplicates
        case 1: for i in model.indices where i % 3 != 0 { model[i] = Point2(Double(i) * scale, 0) } // mostly on a line
        case 2: image = image.map { _ in Point2(rng.uniform(-1, 1) * scale, rng.uniform(-1, 1) * scale) } // pure noise
        case 3: image[Int(rng.next() % UInt64(n))] = Point2(.infinity, 0)
        case 4: for i in image.indices { image[i] = Point2(image[i].x, 0) }                         // image collinear
        case 5: model = model.map { Point2($0.x, $0.y + 1e-13 * $0.x) }                             // fine as is
        default: break
        }
        return (model, image)
    }

    @Test func hostileInputsNeverTrap() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...1_000_000)) { seed in
            let s = Self.hostileSet(UInt64(seed))
            for e in HomographyEstimator.allCases {
                do {
                    let fit = try Homography.estimateRobust(from: s.model, to: s.image, using: e,
                                                            options: .init(maxIterations: 200, seed: UInt64(seed)))
                    #expect(fit.homography.isFinite)
                    #expect(fit.inliers.count == s.model.count && fit.residuals.count == s.model.count)
                } catch is GeometryError {
                } catch {
                    Issue.record("unexpected error type \(error)")
                }
            }
            if let h = try? Homography.estimate(from: s.model, to: s.image) { #expect(h.isFinite) }
            _ = Homography.refine(.identity, model: s.model, image: s.image)
        }
    }
}
