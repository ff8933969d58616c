@testable import AnchorGeometry

/// Synthetic correspondence sets with known ground truth, all driven by `SeededGenerator`.
enum EstimationFixtures {
    /// A random homography like the Monte-Carlo protocol of issue 2: translation · perspective ·
    /// rotation · shear · scale, perspective scaled by the half-width `r` of the point set.
    static func randomHomography(_ rng: inout SeededGenerator, halfWidth r: Double = 5, perspective: Double = 0.05) -> Homography {
        let theta = rng.uniform(-.pi, .pi)
        let sx = rng.uniform(0.8, 1.25), sy = rng.uniform(0.8, 1.25)
        let a = rng.uniform(-0.2, 0.2)
        let g = rng.uniform(-perspective, perspective) / r, h = rng.uniform(-perspective, perspective) / r
        let tx = rng.uniform(-1, 1), ty = rng.uniform(-1, 1)
        return Homography.translation(tx, ty) * Homography(1, 0, 0, 0, 1, 0, g, h, 1)
            * Homography.rotation(theta) * Homography(1, a, 0, 0, 1, 0, 0, 0, 1) * Homography.scaling(sx, sy)
    }

    /// An n × n unit grid centred on the origin (the validate protocol's model).
    static func grid(_ n: Int) -> [Point2] {
        let c = Double(n - 1) / 2
        var out: [Point2] = []
        for j in 0..<n { for i in 0..<n { out.append(Point2(Double(i) - c, Double(j) - c)) } }
        return out
    }

    /// `count` points uniform in [−r, r]².
    static func randomPoints(_ count: Int, _ rng: inout SeededGenerator, r: Double = 5) -> [Point2] {
        (0..<count).map { _ in Point2(rng.uniform(-r, r), rng.uniform(-r, r)) }
    }

    /// Largest distance between H(p) and G(p) over `points`.
    static func maxTransferDifference(_ h: Homography, _ g: Homography, on points: [Point2]) -> Double {
        points.map { h.apply($0).distance(to: g.apply($0)) }.max() ?? 0
    }
}
