/// Order statistics of a list of numbers, as a box plot and the study's tables need them.
public struct SampleStatistics: Sendable, Equatable, Codable {
    public var count: Int
    public var mean: Double
    public var min: Double
    public var max: Double
    public var q1: Double
    public var median: Double
    public var q3: Double
    public var p05: Double
    public var p95: Double
    /// Tukey whiskers: the most extreme values within 1.5 IQR of the quartiles.
    public var whiskerLow: Double
    public var whiskerHigh: Double
    /// Values beyond the whiskers, ascending; at most `maxOutliers`, evenly thinned (the
    /// extremes always kept) so box plots stay small.
    public var outliers: [Double]

    /// Most outliers kept.
    public static let maxOutliers = 100

    /// Statistics of `values`; `nil` when empty. Quantiles interpolate linearly between order
    /// statistics (position q·(n − 1), NumPy's default), so they match `numpy.quantile`.
    /// Non-finite values sort to the ends (−inf first, +inf and NaN last).
    /// - Complexity: O(n log n).
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted { a, b in
            if a.isNaN { return false }
            if b.isNaN { return true }
            return a < b
        }
        self.init(sorted: sorted)
    }

    /// Statistics of values already sorted ascending.
    public init(sorted: [Double]) {
        precondition(!sorted.isEmpty, "SampleStatistics needs at least one value")
        count = sorted.count
        var sum = 0.0
        for v in sorted { sum += v }
        mean = sum / Double(sorted.count)
        min = sorted[0]
        max = sorted[sorted.count - 1]
        q1 = Self.quantile(sorted: sorted, 0.25)
        median = Self.quantile(sorted: sorted, 0.5)
        q3 = Self.quantile(sorted: sorted, 0.75)
        p05 = Self.quantile(sorted: sorted, 0.05)
        p95 = Self.quantile(sorted: sorted, 0.95)
        let iqr = q3 - q1
        let lowFence = q1 - 1.5 * iqr, highFence = q3 + 1.5 * iqr
        whiskerLow = sorted.first(where: { $0 >= lowFence }) ?? min
        whiskerHigh = sorted.last(where: { $0 <= highFence }) ?? max
        let beyond = sorted.filter { $0 < lowFence || $0 > highFence }
        if beyond.count <= Self.maxOutliers {
            outliers = beyond
        } else {
            let step = Double(beyond.count - 1) / Double(Self.maxOutliers - 1)
            outliers = (0..<Self.maxOutliers).map { beyond[Int((Double($0) * step).rounded())] }
        }
    }

    /// The q-quantile (0 ≤ q ≤ 1) of ascending `sorted` by linear interpolation.
    public static func quantile(sorted: [Double], _ q: Double) -> Double {
        precondition(!sorted.isEmpty)
        let pos = q * Double(sorted.count - 1)
        let lo = Int(pos.rounded(.down))
        let hi = Swift.min(lo + 1, sorted.count - 1)
        let frac = pos - Double(lo)
        if frac == 0 || sorted[lo] == sorted[hi] { return sorted[lo] }
        guard sorted[lo].isFinite, sorted[hi].isFinite else { return frac < 0.5 ? sorted[lo] : sorted[hi] }
        return sorted[lo] + (sorted[hi] - sorted[lo]) * frac
    }
}
