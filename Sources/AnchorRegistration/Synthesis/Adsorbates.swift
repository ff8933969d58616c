import AnchorGeometry
import AnchorModels

/// A bright adsorbate (contamination cluster) on a synthetic surface, in model coordinates.
public struct SyntheticAdsorbate: Sendable, Hashable, Codable {
    /// Centre, nm (model coordinates).
    public var model: Point2
    /// Centre in the image, pixels (filled in per frame).
    public var image: Point2
    /// Gaussian σ before tip blur, nm.
    public var sigma: Double
    /// Height in units of a corner adatom.
    public var height: Double
}

extension Si7x7SceneGenerator {
    /// Side of the square tiles (nm) the surface is divided into for placing adsorbates: each
    /// tile draws its own from the seed and its index, so any window of the surface sees the
    /// same ones.
    static let adsorbateTile = 10.0

    /// The adsorbates of the surface of `seed` whose centres lie in `bounds` (model nm),
    /// `density` per 100 nm² (Poisson per tile).
    static func adsorbates(seed: UInt64, density: Double, in bounds: ModelBounds) -> [SyntheticAdsorbate] {
        guard density > 0 else { return [] }
        let t = adsorbateTile
        let mean = density * t * t / 100
        var out: [SyntheticAdsorbate] = []
        let i0 = Int((bounds.minX / t).rounded(.down)), i1 = Int((bounds.maxX / t).rounded(.down))
        let j0 = Int((bounds.minY / t).rounded(.down)), j1 = Int((bounds.maxY / t).rounded(.down))
        for tj in j0...j1 {
            for ti in i0...i1 {
                var g = SeededGenerator(seed: mix(mix(seed, 0xAD50 &+ UInt64(bitPattern: Int64(ti))),
                                                  UInt64(bitPattern: Int64(tj))))
                // Poisson by inversion (mean is small).
                var k = 0
                var p = Double.exp(-mean), cdf = p
                let u = g.nextUnit()
                while u > cdf && k < 1000 {
                    k += 1
                    p *= mean / Double(k)
                    cdf += p
                }
                for _ in 0..<k {
                    let m = Point2((Double(ti) + g.nextUnit()) * t, (Double(tj) + g.nextUnit()) * t)
                    let a = SyntheticAdsorbate(model: m, image: .zero, sigma: g.uniform(0.4, 0.9),
                                               height: g.uniform(2.5, 4))
                    if bounds.contains(m) { out.append(a) }
                }
            }
        }
        return out
    }
}
