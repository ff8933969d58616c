import AnchorGeometry
import RealModule

/// One sample of issue 2's `validate --mode pairing` protocol, generated here from a seed
/// so the matching tests check against a known ground truth.
struct ProtocolScene {
    var model: [Point2]
    var image: [Point2]
    /// For each image point, the model index it came from, or nil for a spurious point.
    var truth: [Int?]
    var homography: Homography

    /// n × n unit grid centred on the origin; H = T · Persp · R(θ) · Shear(a) · Scale(sx, sy)
    /// with θ ~ U(−maxRotation, maxRotation) degrees, sx, sy ~ U(0.8, 1.25), a ~ U(−0.2, 0.2),
    /// g, h ~ U(−0.05, 0.05)/r, tx, ty ~ U(−1, 1); Gaussian noise σ; `missing` of the grid
    /// points dropped; max(1, round(outliers·n²)) spurious points uniform over the bounding
    /// box of H(P_m); shuffled.
    init(n: Int, sigma: Double, seed: UInt64, stream: UInt64 = 0, maxRotationDegrees: Double = 10,
         missing: Double = 0.05, outliers: Double = 0.1) {
        var rng = SeededGenerator(seed: seed, stream: stream)
        let half = Double(n - 1) / 2
        let model = (0..<(n * n)).map { Point2(Double($0 % n) - half, Double($0 / n) - half) }
        self.model = model
        let r = max(half, 0.5)
        let theta = rng.uniform(-maxRotationDegrees, maxRotationDegrees) * .pi / 180
        let sx = rng.uniform(0.8, 1.25), sy = rng.uniform(0.8, 1.25)
        let a = rng.uniform(-0.2, 0.2)
        let g = rng.uniform(-0.05, 0.05) / r, h = rng.uniform(-0.05, 0.05) / r
        let tx = rng.uniform(-1, 1), ty = rng.uniform(-1, 1)
        let homography = Homography.translation(tx, ty) * Homography(1, 0, 0, 0, 1, 0, g, h, 1)
            * Homography.rotation(theta) * Homography(1, a, 0, 0, 1, 0, 0, 0, 1) * Homography.scaling(sx, sy)
        var pts: [(Point2, Int?)] = model.indices.map { i in
            let p = homography.apply(model[i])
            return (Point2(p.x + sigma * rng.normal(), p.y + sigma * rng.normal()), i)
        }
        let drop = Int((missing * Double(n * n)).rounded())
        for _ in 0..<drop { pts.remove(at: Int(rng.next() % UInt64(pts.count))) }
        let clean = homography.apply(model)
        let minX = clean.map(\.x).min()!, maxX = clean.map(\.x).max()!
        let minY = clean.map(\.y).min()!, maxY = clean.map(\.y).max()!
        let spurious = max(1, Int((outliers * Double(n * n)).rounded()))
        for _ in 0..<spurious { pts.append((Point2(rng.uniform(minX, maxX), rng.uniform(minY, maxY)), nil)) }
        pts.shuffle(using: &rng)
        self.homography = homography
        image = pts.map(\.0)
        truth = pts.map(\.1)
    }

    /// Distances ‖H_est⁻¹(H(P_m,i)) − P_m,i‖ for every grid point (the protocol's d_i).
    func errors(estimate: Homography) -> [Double]? {
        guard let inv = try? estimate.inverse() else { return nil }
        return model.map { inv.apply(homography.apply($0)).distance(to: $0) }
    }
}
