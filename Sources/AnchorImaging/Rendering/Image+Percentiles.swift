extension Image {
    /// Percentiles of the finite samples, with linear interpolation between order statistics
    /// (NumPy's default `np.percentile(…, method="linear")`, so numbers compare).
    ///
    /// - Parameter percents: each in 0…100.
    /// - Returns: one value per requested percentile, in the order asked.
    /// - Throws: `ImageError.invalidParameter` for a percentile outside 0…100 or when the image
    ///   has no finite sample.
    /// - Complexity: O(n): one pass for the range, one to histogram the samples, one to
    ///   gather the samples of the few bins holding the wanted order statistics, which are
    ///   then selected exactly (quickselect) — no copy or sort of the whole image.
    public func percentiles(_ percents: [Double]) throws -> [Float] {
        for p in percents where !(p >= 0 && p <= 100) {
            throw ImageError.invalidParameter(name: "percentile", reason: "\(p) is outside 0…100")
        }
        guard let range = finiteRange else {
            throw ImageError.invalidParameter(name: "image", reason: "no finite sample to take percentiles of")
        }
        // Order statistics wanted: for each percentile the two neighbours of its position.
        var n = 0
        for v in pixels where v.isFinite { n += 1 }
        let ranks = percents.map { p -> (lo: Int, hi: Int, f: Float) in
            let pos = p / 100 * Double(n - 1)
            let lo = Int(pos.rounded(.down))
            return (lo, min(lo + 1, n - 1), Float(pos - Double(lo)))
        }
        let values = orderStatistics(Set(ranks.flatMap { [$0.lo, $0.hi] }), count: n, range: range)
        return ranks.map { r in
            let a = values[r.lo]!
            if r.hi == r.lo || r.f == 0 { return a }
            let b = values[r.hi]!
            return a + (b - a) * r.f
        }
    }

    /// The k-th smallest finite samples (0-based) for every k in `ranks`, exactly: the samples
    /// are histogrammed by value (the bin index is monotone in the value, so bins keep the
    /// order), and only the samples of the bins that hold a wanted rank are gathered and
    /// selected.
    private func orderStatistics(_ ranks: Set<Int>, count n: Int, range: (min: Float, max: Float)) -> [Int: Float] {
        let lo = Double(range.min), span = Double(range.max) - Double(range.min)
        guard span > 0 else { return Dictionary(uniqueKeysWithValues: ranks.map { ($0, range.min) }) }
        let bins = 4096
        let scale = Double(bins) / span
        @inline(__always) func bin(_ v: Float) -> Int { Swift.min(bins - 1, Int((Double(v) - lo) * scale)) }
        var histogram = [Int](repeating: 0, count: bins)
        pixels.withUnsafeBufferPointer { px in
            histogram.withUnsafeMutableBufferPointer { hist in
                for v in px where v.isFinite { hist[bin(v)] += 1 }
            }
        }
        // The bin of each rank and the rank within that bin.
        var start = [Int](repeating: 0, count: bins + 1)
        for b in 0..<bins { start[b + 1] = start[b] + histogram[b] }
        var wanted: [Int: [Float]] = [:]
        var place: [Int: (bin: Int, rank: Int)] = [:]
        for k in ranks {
            var a = 0, b = bins  // first bin with start[bin + 1] > k
            while a < b {
                let m = (a + b) / 2
                if start[m + 1] > k { b = m } else { a = m + 1 }
            }
            place[k] = (a, k - start[a])
            wanted[a] = []
        }
        var take = [Bool](repeating: false, count: bins)
        for b in wanted.keys {
            take[b] = true
            wanted[b]!.reserveCapacity(histogram[b])
        }
        pixels.withUnsafeBufferPointer { px in
            for v in px where v.isFinite {
                let b = bin(v)
                if take[b] { wanted[b]!.append(v) }
            }
        }
        var out: [Int: Float] = [:]
        for (k, p) in place {
            out[k] = wanted[p.bin]!.withUnsafeMutableBufferPointer { Self.select($0, p.rank) }
        }
        return out
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

    /// The `k`-th smallest element (0-based) of `a`, partially reordering `a` so that
    /// a[0..<k] ≤ a[k] ≤ a[(k+1)...]. The samples must be finite (no NaN).
    ///
    /// Quickselect with a median-of-three pivot and branch-free Lomuto partitions (every
    /// sample is swapped, the store index advances by the comparison's 0 or 1): on noisy data
    /// the comparisons are unpredictable and a branching partition pays a mispredict per
    /// sample. Samples equal to the pivot are split off in a second pass when the rank lies
    /// above the pivot, which keeps constant or few-valued data linear.
    /// - Complexity: O(n) expected.
    static func select(_ a: UnsafeMutableBufferPointer<Float>, _ k: Int) -> Float {
        precondition(k >= 0 && k < a.count)
        var lo = 0, hi = a.count  // the rank lies in [lo, hi)
        while hi - lo > 16 {
            let mid = lo + (hi - lo) / 2
            if a[mid] < a[lo] { a.swapAt(mid, lo) }
            if a[hi - 1] < a[lo] { a.swapAt(hi - 1, lo) }
            if a[hi - 1] < a[mid] { a.swapAt(hi - 1, mid) }
            let pivot = a[mid]
            var store = lo
            for i in lo..<hi {
                let x = a[i]
                a[i] = a[store]
                a[store] = x
                store &+= x < pivot ? 1 : 0
            }
            // [lo, store) < pivot ≤ [store, hi)
            if k < store {
                hi = store
                continue
            }
            var equal = store
            for i in store..<hi {
                let x = a[i]
                a[i] = a[equal]
                a[equal] = x
                equal &+= x <= pivot ? 1 : 0
            }
            // [store, equal) == pivot (never empty: the pivot itself is there)
            if k < equal { return pivot }
            lo = equal
        }
        // Insertion sort of the last few.
        if hi - lo > 1 {
            for i in (lo + 1)..<hi {
                let x = a[i]
                var j = i - 1
                while j >= lo && a[j] > x {
                    a[j + 1] = a[j]
                    j -= 1
                }
                a[j + 1] = x
            }
        }
        return a[k]
    }
}
