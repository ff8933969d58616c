import AnchorGeometry

/// Whether a detected point is a dark spot on a brighter surround (a minimum of intensity,
/// e.g. a Si(111)-7×7 corner hole in topography) or a bright one (a maximum, e.g. an adatom).
public enum PointPolarity: String, Hashable, Sendable, Codable, CaseIterable {
    case dark
    case bright
}

/// A point found by one of the detectors (`DoGDetector`, `LoGBlobDetector`,
/// `LocalExtremaDetector`) — the paper's extracted points P_e.
public struct DetectedPoint: Hashable, Sendable, Codable {
    /// Sub-pixel position in image pixels: pixel centres at integer (x, y), x right, y down.
    public var position: Point2
    /// Detector response at the refined position, ≥ 0, larger = more salient. Its unit depends
    /// on the detector (documented there); compare strengths only within one detector run.
    public var strength: Double
    /// Characteristic scale σ in pixels: the Gaussian σ at which a blob detector responded
    /// most (a Gaussian bump of standard deviation s is found at σ ≈ s; its radius is about
    /// σ·√2), or the fitted width for a Gaussian peak fit; 0 when not estimated.
    public var scale: Double
    /// Dark (intensity minimum) or bright (maximum).
    public var polarity: PointPolarity

    public init(position: Point2, strength: Double, scale: Double, polarity: PointPolarity) {
        self.position = position
        self.strength = strength
        self.scale = scale
        self.polarity = polarity
    }
}

extension Array where Element == DetectedPoint {
    /// The points whose pixel (nearest to their position) in `image` is darker than the mean
    /// of the image's finite samples — the filter the paper applies to SIFT keypoints to keep
    /// Si(111)-7×7 corner-hole candidates (Diao et al. 2025, Fig. 5b, "filtered P_e").
    /// Points outside the image or on non-finite samples are dropped.
    public func darkerThanMean(in image: Image) -> [DetectedPoint] {
        var sum = 0.0, n = 0
        for v in image.pixels where v.isFinite {
            sum += Double(v)
            n += 1
        }
        guard n > 0 else { return [] }
        let mean = sum / Double(n)
        return filter { p in
            guard p.position.isFinite else { return false }
            let x = p.position.x.rounded(), y = p.position.y.rounded()
            guard x >= 0, y >= 0, x < Double(image.width), y < Double(image.height) else { return false }
            let v = image[Int(x), Int(y)]
            return v.isFinite && Double(v) < mean
        }
    }

    /// Greedy non-maximum suppression: keeps the strongest point and removes every weaker one
    /// closer than `minDistance` pixels, then the next strongest survivor, and so on. Result in
    /// descending strength.
    /// - Complexity: O(n log n) with a uniform grid of cell size `minDistance`.
    public func suppressingNeighbours(within minDistance: Double) -> [DetectedPoint] {
        guard minDistance > 0, count > 1 else { return sorted { $0.strength > $1.strength } }
        return Self.keepingFirst(of: sorted { $0.strength > $1.strength }, minDistance: minDistance)
    }

    /// Keeps each point of `ordered` (highest priority first) unless a point kept before it
    /// lies closer than `minDistance`; order is preserved and non-finite positions are dropped.
    /// - Complexity: O(n) with a uniform grid of cell size `minDistance`.
    static func keepingFirst(of ordered: [DetectedPoint], minDistance: Double) -> [DetectedPoint] {
        var grid: [SIMD2<Int>: [Point2]] = [:]
        var kept: [DetectedPoint] = []
        let d2 = minDistance * minDistance
        for p in ordered where p.position.isFinite {
            // Clamped so that absurd coordinates cannot overflow `Int` (they share a cell).
            let cx = Int(Swift.max(Swift.min((p.position.x / minDistance).rounded(.down), 1e15), -1e15))
            let cy = Int(Swift.max(Swift.min((p.position.y / minDistance).rounded(.down), 1e15), -1e15))
            var clear = true
            search: for gy in (cy - 1)...(cy + 1) {
                for gx in (cx - 1)...(cx + 1) {
                    for q in grid[SIMD2(gx, gy)] ?? [] where q.distanceSquared(to: p.position) < d2 {
                        clear = false
                        break search
                    }
                }
            }
            if clear {
                kept.append(p)
                grid[SIMD2(cx, cy), default: []].append(p.position)
            }
        }
        return kept
    }
}
