import AnchorGeometry
import RealModule

/// Accuracy metrics of a reconstruction P_t against the ideal model points P_m (the paper's
/// Methods and Fig. 3; background in `shared/reference/oks-metric.md`).
public enum Metrics {
    /// Mean Euclidean distance between paired points, in the points' unit (model units for
    /// P_t against P_m). The paper calls this MAE.
    ///
    /// - Precondition: equal counts (checked; mismatched input gives `nil`). Empty input gives `nil`.
    public static func meanAbsoluteError(_ a: [Point2], _ b: [Point2]) -> Double? {
        guard a.count == b.count, !a.isEmpty else { return nil }
        var sum = 0.0
        for i in a.indices { sum += a[i].distance(to: b[i]) }
        return sum / Double(a.count)
    }

    /// Object keypoint similarity of one point at distance `d`:
    ///
    ///     OKS = exp(−d² / (2 s² k²))
    ///
    /// with object scale `s` (default 1 model unit, the lattice constant when positions are in
    /// cells) and per-keypoint constant `k` (default 0.1). At a threshold τ the implied
    /// tolerance is d ≤ s·k·√(−2 ln τ); τ = 0.95, k = 0.1 gives 0.032 s.
    @inlinable
    public static func oks(distance d: Double, scale s: Double = 1, k: Double = 0.1) -> Double {
        let denom = 2 * s * s * k * k
        return Double.exp(-(d * d) / denom)
    }

    /// Fraction of distances whose OKS exceeds `threshold` (strictly), the paper's
    /// "Recall at OKS@τ". Empty input gives `nil`.
    public static func recall(
        distances: [Double], threshold: Double = 0.95, scale s: Double = 1, k: Double = 0.1
    ) -> Double? {
        guard !distances.isEmpty else { return nil }
        let hits = distances.reduce(0) { $0 + (oks(distance: $1, scale: s, k: k) > threshold ? 1 : 0) }
        return Double(hits) / Double(distances.count)
    }

    /// Largest distance that still counts as a hit at `threshold`: s·k·√(−2 ln τ).
    public static func tolerance(threshold: Double = 0.95, scale s: Double = 1, k: Double = 0.1) -> Double {
        s * k * (-2 * Double.log(threshold)).squareRoot()
    }
}
