extension Image {
    /// Percentiles of the finite samples, with linear interpolation between order statistics
    /// (NumPy's default `np.percentile(…, method="linear")`, so numbers compare).
    ///
    /// - Parameter percents: each in 0…100.
    /// - Returns: one value per requested percentile, in the order asked.
    /// - Throws: `ImageError.invalidParameter` for a percentile outside 0…100 or when the image
    ///   has no finite sample.
    /// - Complexity: O(n) expected per distinct order statistic (quickselect on one copy).
    public func percentiles(_ percents: [Double]) throws -> [Float] {
        for p in percents where !(p >= 0 && p <= 100) {
            throw ImageError.invalidParameter(name: "percentile", reason: "\(p) is outside 0…100")
        }
        var values = pixels.filter { $0.isFinite }
        guard !values.isEmpty else {
            throw ImageError.invalidParameter(name: "image", reason: "no finite sample to take percentiles of")
        }
        let n = values.count
        return values.withUnsafeMutableBufferPointer { buf in
            percents.map { p in
                let pos = p / 100 * Double(n - 1)
                let lo = Int(pos.rounded(.down))
                let hi = min(lo + 1, n - 1)
                let a = Self.select(buf, lo)
                if hi == lo || pos == Double(lo) { return a }
                let b = Self.select(buf, hi)
                let f = Float(pos - Double(lo))
                return a + (b - a) * f
            }
        }
    }

    /// The display range that clips `low` % of the samples at the bottom and `100 − high` % at
    /// the top — the usual contrast stretch for SPM images, whose few spikes and dust
    /// particles would otherwise squash the contrast. Defaults 0.5 … 99.5 %, as Gwyddion's
    /// and ImageJ's "auto" contrast do roughly.
    /// - Throws: `ImageError.invalidParameter` unless 0 ≤ low < high ≤ 100, or when the image
    ///   has no finite sample.
    public func percentileRange(low: Double = 0.5, high: Double = 99.5) throws -> ClosedRange<Float> {
        guard low >= 0, high <= 100, low < high else {
            throw ImageError.invalidParameter(
                name: "percentile range", reason: "need 0 ≤ low < high ≤ 100, got \(low) … \(high)")
        }
        let v = try percentiles([low, high])
        return v[0]...v[1]
    }

    /// The image with samples mapped linearly so that `range` becomes 0…1, clamped; NaN stays
    /// NaN. A degenerate range (a constant image) maps every finite sample to ½.
    public func contrastStretched(to range: ClosedRange<Float>) -> Image {
        var out = self
        let lo = range.lowerBound, span = range.upperBound - range.lowerBound
        out.pixels.withUnsafeMutableBufferPointer { p in
            for i in p.indices where p[i].isFinite {
                p[i] = span > 0 ? Swift.min(Swift.max((p[i] - lo) / span, 0), 1) : 0.5
            }
        }
        out.valueUnit = nil
        return out
    }

    /// The `k`-th smallest element (0-based) of `a`, partially reordering `a` (Hoare
    /// quickselect with a median-of-three pivot).
    static func select(_ a: UnsafeMutableBufferPointer<Float>, _ k: Int) -> Float {
        var lo = 0, hi = a.count - 1
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            // Median of three as pivot keeps sorted/constant input linear.
            if a[mid] < a[lo] { a.swapAt(mid, lo) }
            if a[hi] < a[lo] { a.swapAt(hi, lo) }
            if a[hi] < a[mid] { a.swapAt(hi, mid) }
            let pivot = a[mid]
            var i = lo, j = hi
            while i <= j {
                while a[i] < pivot { i += 1 }
                while a[j] > pivot { j -= 1 }
                if i <= j {
                    a.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { return a[k] }
        }
        return a[k]
    }
}
