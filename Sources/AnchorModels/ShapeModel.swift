import AnchorGeometry

/// A finite model: a list of named points in model units (e.g. a square's corners and
/// centre, or any polygon's vertices).
public struct ShapeModel: Hashable, Sendable {
    public var points: [ShapePoint]

    public init(points: [ShapePoint]) {
        self.points = points
    }

    /// Smallest distance between two points with `role` (nil when fewer than two).
    /// - Complexity: O(n log n) (a k-d tree; `ModelLimits.maxPoints` bounds n).
    public func nearestDistance(role: SiteRole) -> Double? {
        let chosen = points.filter { $0.role == role }.map(\.position)
        return KDTree.closestPairDistance(chosen, queries: chosen.indices)
    }
}
