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
