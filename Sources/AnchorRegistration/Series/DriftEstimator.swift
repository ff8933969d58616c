import AnchorGeometry

/// Drift velocity and forecast from the lattice positions of a series: a weighted local
/// polynomial fit (quadratic with four or more frames in the window, linear with two or
/// three) of position against time, per axis.
///
/// Positions are in nm (scanner frame), times in s. The velocity is the fitted derivative at
/// the frame's time; its σ comes from the fit's covariance, scaled up by the reduced χ² when
/// the points scatter more than their own σ say (wobble, creep left in the positions).
public enum DriftEstimator {
    public struct Estimate: Sendable, Equatable {
        /// Velocity at the evaluation time, nm/s, and its standard error.
        public var velocity: Point2
        public var velocitySigma: Point2
        /// Position the fit predicts at the forecast time (nm).
        public var forecastPosition: Point2?
    }

    /// Fits the points (times `t`, positions `p`, per-point σ `sigma` in nm) and evaluates at
    /// `at`; with `forecastAt`, also predicts the position there. Nil with fewer than two
    /// points.
    public static func estimate(t: [Double], p: [Point2], sigma: [Double], at: Double,
                                forecastAt: Double? = nil) -> Estimate? {
        let n = t.count
        guard n >= 2, p.count == n, sigma.count == n else { return nil }
        let degree = n >= 4 ? 2 : 1
        let k = degree + 1
        // Times relative to `at`, scaled to ~1.
        let span = max((t.max()! - t.min()!), 1e-9)
        var ata = [Double](repeating: 0, count: k * k)
        var atx = [Double](repeating: 0, count: k), aty = [Double](repeating: 0, count: k)
        let weights = sigma.map { 1 / max($0 * $0, 1e-12) }
        for i in 0..<n {
            let u = (t[i] - at) / span
            var row = [Double](repeating: 1, count: k)
            for d in 1..<k { row[d] = row[d - 1] * u }
            for a in 0..<k {
                for b in 0..<k { ata[a * k + b] += weights[i] * row[a] * row[b] }
                atx[a] += weights[i] * row[a] * p[i].x
                aty[a] += weights[i] * row[a] * p[i].y
            }
        }
        guard let cx = try? DenseSolve.solve(ata, atx), let cy = try? DenseSolve.solve(ata, aty) else { return nil }
        var chi2 = Point2.zero
        for i in 0..<n {
            let u = (t[i] - at) / span
            var fx = 0.0, fy = 0.0, pw = 1.0
            for d in 0..<k { fx += cx[d] * pw; fy += cy[d] * pw; pw *= u }
            chi2 = chi2 + Point2((fx - p[i].x) * (fx - p[i].x), (fy - p[i].y) * (fy - p[i].y)) * weights[i]
        }
        var e1 = [Double](repeating: 0, count: k); e1[1] = 1
        let inv11 = max(((try? DenseSolve.solve(ata, e1)) ?? e1)[1], 0)
        let dof = Double(n - k)
        let scale = dof > 0 ? Point2(max(chi2.x / dof, 1), max(chi2.y / dof, 1)) : Point2(1, 1)
        let sv = Point2((inv11 * scale.x).squareRoot(), (inv11 * scale.y).squareRoot()) / span
        var forecast: Point2? = nil
        if let f = forecastAt {
            let u = (f - at) / span
            var fx = 0.0, fy = 0.0, pw = 1.0
            for d in 0..<k { fx += cx[d] * pw; fy += cy[d] * pw; pw *= u }
            forecast = Point2(fx, fy)
        }
        return Estimate(velocity: Point2(cx[1], cy[1]) / span, velocitySigma: sv, forecastPosition: forecast)
    }
}
