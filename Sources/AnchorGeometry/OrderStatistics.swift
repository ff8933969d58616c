/// Order statistics of samples held in a buffer.
public enum OrderStatistics {
    /// The `rank`-th smallest element (0-based) of `values`, partially reordering them so that
    /// `values[0..<rank]` ≤ `values[rank]` ≤ `values[(rank + 1)...]`.
    ///
    /// Hoare's quickselect (C. A. R. Hoare, "Algorithm 65: Find", CACM 4, 1961) with a
    /// median-of-three pivot, which keeps sorted-ish inputs (exact data: many equal zeros)
    /// linear. The values must not contain NaN.
    ///
    /// - Complexity: O(n) expected.
    @inlinable public static func select(in values: UnsafeMutableBufferPointer<Double>, rank k: Int) -> Double {
        assert(values.indices.contains(k), "rank \(k) outside 0..<\(values.count)")
        let v = values
        var lo = 0, hi = v.count - 1
        while hi > lo {
            let mid = lo + (hi - lo) / 2
            if v[mid] < v[lo] { v.swapAt(mid, lo) }
            if v[hi] < v[lo] { v.swapAt(hi, lo) }
            if v[hi] < v[mid] { v.swapAt(hi, mid) }
            let pivot = v[mid]
            var i = lo, j = hi
            while i <= j {
                while v[i] < pivot { i += 1 }
                while v[j] > pivot { j -= 1 }
                if i <= j { v.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { return v[k] }
        }
        return v[k]
    }
}

/// Median of `values` (the mean of the two middle values for an even count; NaN when empty).
/// - Complexity: O(n) expected (quickselect on a copy, no sort).
package func median(_ values: [Double]) -> Double {
    var s = values
    return medianInPlace(&s)
}

/// `median`, reordering `values` instead of copying them.
package func medianInPlace(_ values: inout [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let n = values.count
    return values.withUnsafeMutableBufferPointer { b in
        let hi = OrderStatistics.select(in: b, rank: n / 2)
        if n % 2 == 1 { return hi }
        // After selection b[0..<n/2] ≤ hi: the lower middle is their largest.
        var lo = b[0]
        for i in 1..<(n / 2) where b[i] > lo { lo = b[i] }
        return 0.5 * (lo + hi)
    }
}
