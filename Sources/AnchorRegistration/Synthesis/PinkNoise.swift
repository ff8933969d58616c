import AnchorGeometry

/// 1/f ("pink") noise by the Voss–McCartney algorithm: the sum of `octaves` random values,
/// value k redrawn every 2^k samples, so the power falls about as 1/f over the octaves.
/// Used along the scan's pixel sequence, where it reproduces the slow wandering of STM
/// feedback noise.
enum PinkNoise {
    /// `count` samples with zero mean and standard deviation `sigma` (normalised on the
    /// sample itself; a constant sequence when `sigma` is 0).
    /// - Complexity: O(count).
    static func generate(count: Int, sigma: Double, octaves: Int = 18,
                         generator g: inout SeededGenerator) -> [Double] {
        guard count > 0, sigma > 0 else { return [Double](repeating: 0, count: max(count, 0)) }
        var rows = (0..<octaves).map { _ in g.uniform(-1, 1) }
        var sum = rows.reduce(0, +)
        var out = [Double](repeating: 0, count: count)
        for n in 0..<count {
            // The octave redrawn at step n is the number of trailing zeros of n (Voss).
            if n > 0 {
                let k = min(n.trailingZeroBitCount, octaves - 1)
                sum -= rows[k]
                rows[k] = g.uniform(-1, 1)
                sum += rows[k]
            }
            out[n] = sum + g.uniform(-1, 1)
        }
        let mean = out.reduce(0, +) / Double(count)
        var varSum = 0.0
        for v in out { varSum += (v - mean) * (v - mean) }
        let sd = (varSum / Double(count)).squareRoot()
        let scale = sd > 0 ? sigma / sd : 0
        for n in 0..<count { out[n] = (out[n] - mean) * scale }
        return out
    }
}
