import AnchorGeometry

/// A finite model: a list of named points in model units (e.g. a square's corners and
/// centre, or any polygon's vertices).
public struct ShapeModel: Hashable, Sendable {
    public var points: [ShapePoint]

    public init(points: [ShapePoint]) {
        self.points = points
    }

    /// Smallest distance between two points with `role` (nil when fewer than two).
    public func nearestDistance(role: SiteRole) -> Double? {
        let chosen = points.filter { $0.role == role }
        guard chosen.count >= 2 else { return nil }
        var best = Double.infinity
        for a in 0..<chosen.count {
            for b in (a + 1)..<chosen.count {
                best = min(best, chosen[a].position.distance(to: chosen[b].position))
            }
        }
        return best
    }
}
