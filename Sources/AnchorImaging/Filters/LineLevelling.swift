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
    /// - Parameter statistic: `.median` (default, robust) or `.mean`.
    /// - Returns: the levelled image; `offsets` on `lineOffsets(statistic:)` gives what was removed.
    /// - Complexity: O(width · height) expected (quickselect per row).
    public func lineLevelled(statistic: LineStatistic = .median) -> Image {
        let offsets = lineOffsets(statistic: statistic)
        var out = self
        let w = width
        out.pixels.withUnsafeMutableBufferPointer { px in
            for y in 0..<height {
                let o = offsets[y]
                guard o.isFinite else { continue }
                // NaN − o stays NaN and ±∞ − o stays ±∞: no test needed per sample.
                for i in (y * w)..<(y * w + w) { px[i] -= o }
            }
        }
        return out
    }

    /// The offset of each row (its median or mean over finite samples; NaN for a row without
    /// any finite sample).
    public func lineOffsets(statistic: LineStatistic = .median) -> [Float] {
        var result = [Float](repeating: .nan, count: height)
        var buf = [Float](repeating: 0, count: width)
        let w = width
        pixels.withUnsafeBufferPointer { px in
            buf.withUnsafeMutableBufferPointer { b in
                for y in 0..<height {
                    var m = 0
                    for x in 0..<w {
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

/// Median of the samples in `a` (reordered in place); the mean of the two middle values for an
/// even count. `a` must not be empty.
func median(_ a: UnsafeMutableBufferPointer<Float>) -> Float {
    let n = a.count
    // Image.select leaves a[0..<k] ≤ a[k] ≤ a[k+1...].
    let hi = Image.select(a, n / 2)
    if n % 2 == 1 { return hi }
    // The lower middle is the largest element of the left part after selection.
    var lo = a[0]
    for i in 1..<(n / 2) where a[i] > lo { lo = a[i] }
    return (lo + hi) / 2
}
