/// Statistic used to align scan lines.
public enum LineStatistic: String, Sendable, Hashable, Codable, CaseIterable {
    /// The median of the line — robust to atoms, steps and spikes (the usual choice, Gwyddion's
    /// "Align rows: median").
    case median
    /// The arithmetic mean of the line.
    case mean
}

extension Image {
    /// Per-scan-line offset correction: subtracts from every row (a scan line along x) its own
    /// median (or mean) over the finite samples, so that every row has median (mean) 0.
    ///
    /// SPM images show a jump between scan lines when the tip or the feedback changes; removing a
    /// per-line offset fixes that without touching the features within the line. Rows with no
    /// finite sample are left unchanged. Calibration is kept.
    ///
    /// - Parameters:
    ///   - statistic: `.median` (default, robust) or `.mean`.
    ///   - sampleStep: take the statistic over every `sampleStep`-th sample of the line
    ///     (default 1, all). 2 halves the work; a median of n/2 samples scatters √2 times as
    ///     much as one of n, which on a 512-sample line is still under a tenth of the noise of
    ///     one pixel.
    /// - Returns: the levelled image; `offsets` on `lineOffsets(statistic:)` gives what was removed.
    /// - Complexity: O(width · height) expected (quickselect per row).
    public func lineLevelled(statistic: LineStatistic = .median, sampleStep: Int = 1) -> Image {
        var out = self
        out.lineLevel(statistic: statistic, sampleStep: sampleStep)
        return out
    }

    /// `lineLevelled(statistic:sampleStep:)` in place.
    public mutating func lineLevel(statistic: LineStatistic = .median, sampleStep: Int = 1) {
        let offsets = lineOffsets(statistic: statistic, sampleStep: sampleStep)
        let w = width, h = height
        pixels.withUnsafeMutableBufferPointer { px in
            for y in 0..<h {
                let o = offsets[y]
                guard o.isFinite else { continue }
                // NaN − o stays NaN and ±∞ − o stays ±∞: no test needed per sample.
                for i in (y * w)..<(y * w + w) { px[i] -= o }
            }
        }
    }

    /// The offset of each row (its median or mean over finite samples, every `sampleStep`-th
    /// sample of the row; NaN for a row without any finite sample).
    public func lineOffsets(statistic: LineStatistic = .median, sampleStep: Int = 1) -> [Float] {
        precondition(sampleStep >= 1, "sampleStep must be at least 1")
        var result = [Float](repeating: .nan, count: height)
        var buf = [Float](repeating: 0, count: width)
        let w = width
        pixels.withUnsafeBufferPointer { px in
            buf.withUnsafeMutableBufferPointer { b in
                for y in 0..<height {
                    var m = 0
                    for x in Swift.stride(from: 0, to: w, by: sampleStep) {
                        let v = px[y * w + x]
                        if v.isFinite {
                            b[m] = v
                            m += 1
                        }
                    }
                    guard m > 0 else { continue }
                    switch statistic {
                    case .mean:
                        var s = 0.0
                        for i in 0..<m { s += Double(b[i]) }
                        result[y] = Float(s / Double(m))
                    case .median:
                        result[y] = median(UnsafeMutableBufferPointer(rebasing: b[0..<m]))
                    }
                }
            }
        }
        return result
    }
}

/// Median of `a` (reordered in place); the mean of the two middle values for an even count.
func median(_ a: inout [Float]) -> Float {
    a.withUnsafeMutableBufferPointer { median($0) }
}

/// Median of the samples in `a` (finite, not empty; reordered in place); the mean of the two
/// middle values for an even count.
///
/// Long inputs are bucketed first by an integer key that orders like the value (the float's
/// bits with the magnitude flipped for negatives): only the bucket holding the middle rank is
/// selected exactly. Three branch-free integer passes instead of a quickselect, whose
/// data-dependent branches cost a mispredict per sample on noisy scan lines.
func median(_ a: UnsafeMutableBufferPointer<Float>) -> Float {
    let n = a.count
    let k = n / 2  // the upper middle; the lower middle is k − 1 when n is even
    if n < 64 { return medianBySelection(a) }
    @inline(__always) func key(_ v: Float) -> Int32 {
        let b = Int32(bitPattern: v.bitPattern)
        return b < 0 ? b ^ Int32.max : b
    }
    var kmin = key(a[0]), kmax = kmin
    for v in a {
        let q = key(v)
        kmin = Swift.min(kmin, q)
        kmax = Swift.max(kmax, q)
    }
    let range = UInt32(bitPattern: kmax &- kmin)
    guard range > 0 else { return a[0] }
    let buckets = 256
    let shift = UInt32(Swift.max(0, 32 - range.leadingZeroBitCount - 8))
    @inline(__always) func bucket(_ v: Float) -> Int { Int(UInt32(bitPattern: key(v) &- kmin) >> shift) }
    return withUnsafeTemporaryAllocation(of: Int32.self, capacity: 4 * buckets) { hist -> Float in
        hist.initialize(repeating: 0)
        // Four interleaved histograms: neighbouring samples of a smooth scan line fall in the
        // same bucket, and one table would chain every increment on the previous one.
        var i = 0
        while i + 4 <= n {
            hist[bucket(a[i])] &+= 1
            hist[buckets + bucket(a[i + 1])] &+= 1
            hist[2 * buckets + bucket(a[i + 2])] &+= 1
            hist[3 * buckets + bucket(a[i + 3])] &+= 1
            i += 4
        }
        while i < n {
            hist[bucket(a[i])] &+= 1
            i += 1
        }
        var below = 0, b = 0, inBucket = 0
        while true {
            inBucket = Int(hist[b] &+ hist[buckets + b] &+ hist[2 * buckets + b] &+ hist[3 * buckets + b])
            if below + inBucket > k { break }
            below += inBucket
            b += 1
        }
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: inBucket + 1) { chosen -> Float in
            // The bucket's samples, and the largest sample of the buckets below it — without
            // branches: every sample is written, the count advances only for the bucket's own.
            var m = 0
            var belowMax = -Float.infinity
            for v in a {
                let j = bucket(v)
                chosen[m] = v
                m &+= j == b ? 1 : 0
                belowMax = Swift.max(belowMax, j < b ? v : -Float.infinity)
            }
            let r = k - below
            let upper = Image.select(UnsafeMutableBufferPointer(rebasing: chosen[0..<m]), r)
            if n % 2 == 1 { return upper }
            var lower = belowMax
            if r > 0 {
                lower = chosen[0]
                for i in 1..<r { lower = Swift.max(lower, chosen[i]) }
            }
            return (lower + upper) / 2
        }
    }
}

/// Median by quickselect (short inputs).
private func medianBySelection(_ a: UnsafeMutableBufferPointer<Float>) -> Float {
    let n = a.count
    // Image.select leaves a[0..<k] ≤ a[k] ≤ a[k+1...].
    let hi = Image.select(a, n / 2)
    if n % 2 == 1 { return hi }
    // The lower middle is the largest element of the left part after selection.
    var lo = a[0]
    for i in 1..<(n / 2) where a[i] > lo { lo = a[i] }
    return (lo + hi) / 2
}
