import RealModule

/// The strongest spatial frequency of an image against the power around it, by Welch's
/// method: the image is cut into non-overlapping `tile` × `tile` pixel tiles, each has its
/// mean removed (NaN counts as the mean), is multiplied by a 2-D Hann window and Fourier
/// transformed, and the power spectra are averaged. Each frequency bin's averaged power is
/// divided by the median power of its ring (bins whose distance from zero frequency rounds to
/// the same whole number), so a spectrum falling off as 1/f does not count as a peak.
///
/// For pure noise the averaged power of a bin is a mean of `tiles` exponential samples, so
/// with 16 or more tiles `ratio` stays near 1.5–2.5; any lattice puts a few bins at hundreds or
/// thousands (its power gathers in a few bins, the noise's spreads over all of them).
/// Frequencies below 2 cycles per tile (periods above half a tile) are not looked at: plane
/// tilt and terraces live there.
public struct SpectralPeak: Sendable, Equatable {
    /// Averaged power of the strongest bin over the median of its ring (dimensionless).
    public let ratio: Double
    /// Period of that bin, in pixels.
    public let period: Double
    /// Tiles averaged.
    public let tiles: Int

    /// - Parameter tile: tile side in pixels, a power of two ≥ 8.
    /// - Throws: `ImageError.invalidParameter` when `tile` is not a power of two ≥ 8 or the
    ///   image holds no whole tile.
    public init(image: Image, tile: Int = 512) throws {
        guard tile >= 8, tile & (tile - 1) == 0 else {
            throw ImageError.invalidParameter(name: "tile", reason: "\(tile) is not a power of two ≥ 8")
        }
        let nx = image.width / tile, ny = image.height / tile
        guard nx >= 1, ny >= 1 else {
            throw ImageError.invalidParameter(name: "image", reason: "\(image.width)×\(image.height) holds no \(tile)² tile")
        }
        let plan = try FFTPlan(count: tile)
        var window = [Double](repeating: 0, count: tile)
        for k in 0..<tile { window[k] = 0.5 - 0.5 * Double.cos(2 * Double.pi * (Double(k) + 0.5) / Double(tile)) }
        var power = [Double](repeating: 0, count: tile * tile)
        var re = [Double](repeating: 0, count: tile * tile), im = [Double](repeating: 0, count: tile * tile)
        var colRe = [Double](repeating: 0, count: tile), colIm = [Double](repeating: 0, count: tile)
        // Tiles in a fixed order, sums in a fixed order: the same result on every run.
        for ty in 0..<ny {
            for tx in 0..<nx {
                var sum = 0.0, n = 0
                for y in 0..<tile {
                    let row = (ty * tile + y) * image.width + tx * tile
                    for x in 0..<tile where image.pixels[row + x].isFinite {
                        sum += Double(image.pixels[row + x])
                        n += 1
                    }
                }
                let mean = n > 0 ? sum / Double(n) : 0
                for y in 0..<tile {
                    let row = (ty * tile + y) * image.width + tx * tile
                    for x in 0..<tile {
                        let v = image.pixels[row + x]
                        re[y * tile + x] = v.isFinite ? (Double(v) - mean) * window[x] * window[y] : 0
                        im[y * tile + x] = 0
                    }
                }
                re.withUnsafeMutableBufferPointer { r in
                    im.withUnsafeMutableBufferPointer { i in
                        for y in 0..<tile { plan.transform(re: r.baseAddress! + y * tile, im: i.baseAddress! + y * tile) }
                    }
                }
                for x in 0..<tile {
                    for y in 0..<tile {
                        colRe[y] = re[y * tile + x]
                        colIm[y] = im[y * tile + x]
                    }
                    colRe.withUnsafeMutableBufferPointer { r in
                        colIm.withUnsafeMutableBufferPointer { i in plan.transform(re: r.baseAddress!, im: i.baseAddress!) }
                    }
                    for y in 0..<tile { power[y * tile + x] += colRe[y] * colRe[y] + colIm[y] * colIm[y] }
                }
            }
        }
        // Rings of whole-number radius 2 … tile/2 (cycles per tile).
        let half = tile / 2
        var rings = [[Double]](repeating: [], count: half + 1)
        func radius(_ kx: Int, _ ky: Int) -> Int {
            let fx = Double(kx < half ? kx : kx - tile), fy = Double(ky < half ? ky : ky - tile)
            return Int((fx * fx + fy * fy).squareRoot().rounded())
        }
        for ky in 0..<tile {
            for kx in 0..<tile {
                let r = radius(kx, ky)
                if r >= 2 && r <= half { rings[r].append(power[ky * tile + kx]) }
            }
        }
        let medians = rings.map { ring -> Double in
            guard !ring.isEmpty else { return 0 }
            let sorted = ring.sorted()
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : 0.5 * (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2])
        }
        var best = 0.0, bestRadius = Double(half)
        for ky in 0..<tile {
            for kx in 0..<tile {
                let r = radius(kx, ky)
                guard r >= 2, r <= half, medians[r] > 0 else { continue }
                let q = power[ky * tile + kx] / medians[r]
                if q > best {
                    best = q
                    let fx = Double(kx < half ? kx : kx - tile), fy = Double(ky < half ? ky : ky - tile)
                    bestRadius = (fx * fx + fy * fy).squareRoot()
                }
            }
        }
        ratio = best
        period = Double(tile) / bestRadius
        tiles = nx * ny
    }
}
