import AnchorImaging

/// Exact squared Euclidean distance transform (P. Felzenszwalb & D. Huttenlocher, Theory of
/// Computing 8, 415, 2012): for every pixel, the squared distance in pixels to the nearest
/// pixel where `isSource` is true (`Float.infinity` when there is none).
/// - Complexity: O(width · height), two separable passes of the lower envelope of parabolas.
func squaredDistanceTransform(width: Int, height: Int, isSource: (Int) -> Bool) -> [Float] {
    let inf = Float.infinity
    var f = [Float](repeating: inf, count: width * height)
    for i in 0..<(width * height) where isSource(i) { f[i] = 0 }
    let n = max(width, height)
    var line = [Float](repeating: 0, count: n)
    var out = [Float](repeating: 0, count: n)
    var v = [Int](repeating: 0, count: n)
    var z = [Float](repeating: 0, count: n + 1)
    func pass(_ count: Int) {
        // 1-D transform of line[0..<count] into out.
        var k = 0
        var first = -1
        for q in 0..<count where line[q] < inf { first = q; break }
        guard first >= 0 else {
            for q in 0..<count { out[q] = inf }
            return
        }
        v[0] = first
        z[0] = -inf
        z[1] = inf
        if first + 1 < count {
            for q in (first + 1)..<count where line[q] < inf {
                func meet(_ p: Int) -> Float {
                    ((line[q] + Float(q * q)) - (line[p] + Float(p * p))) / Float(2 * (q - p))
                }
                var s = meet(v[k])
                while s <= z[k] { k -= 1; s = meet(v[k]) }
                k += 1
                v[k] = q
                z[k] = s
                z[k + 1] = inf
            }
        }
        k = 0
        for q in 0..<count {
            while z[k + 1] < Float(q) { k += 1 }
            let d = Float(q - v[k])
            out[q] = d * d + line[v[k]]
        }
    }
    for x in 0..<width {
        for y in 0..<height { line[y] = f[y * width + x] }
        pass(height)
        for y in 0..<height { f[y * width + x] = out[y] }
    }
    for y in 0..<height {
        for x in 0..<width { line[x] = f[y * width + x] }
        pass(width)
        for x in 0..<width { f[y * width + x] = out[x] }
    }
    return f
}

extension BinaryImage {
    /// Opening by a disk of radius `r` pixels through two distance transforms (exact for a
    /// Euclidean disk, cost independent of `r`): keep the pixels within `r` of a pixel whose
    /// distance to the background is at least `r`.
    func openedByDisk(radius r: Double) -> BinaryImage {
        let w = width, h = height
        let px = pixels
        let toBackground = squaredDistanceTransform(width: w, height: h) { px[$0] == 0 }
        let r2 = Float(r * r)
        let toCore = squaredDistanceTransform(width: w, height: h) { toBackground[$0] >= r2 }
        var out = self
        for i in 0..<(w * h) { out.pixels[i] = (px[i] != 0 && toCore[i] <= r2) ? 1 : 0 }
        return out
    }
}
