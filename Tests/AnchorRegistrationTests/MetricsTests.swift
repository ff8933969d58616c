import Testing
import AnchorGeometry
@testable import AnchorRegistration

@Suite struct MetricsTests {
    @Test func maeIsMeanEuclideanDistance() {
        let a = [Point2(0, 0), Point2(1, 1)]
        let b = [Point2(3, 4), Point2(1, 1)]
        #expect(Metrics.meanAbsoluteError(a, b) == 2.5)
        #expect(Metrics.meanAbsoluteError(a, [b[0]]) == nil)
    }

    @Test func oksToleranceAtThreshold() {
        let tol = Metrics.tolerance(threshold: 0.95, scale: 1, k: 0.1)
        #expect(abs(tol - 0.03203) < 1e-4)
        #expect(Metrics.oks(distance: tol * 0.999) > 0.95)
        #expect(Metrics.oks(distance: tol * 1.001) < 0.95)
        #expect(Metrics.recall(distances: [0, 0.01, 0.05, 1]) == 0.5)
    }
}
