extension KDTree {
    /// The smallest distance from any of `queries` to a point of `points` other than
    /// itself, in the points' units; nil when no query has another point to go to.
    ///
    /// `queries` are indices into `points` (so that a lattice can ask only for its origin
    /// cell's sites against the sites of the neighbouring cells too). A point that coincides
    /// with another counts, at distance 0.
    ///
    /// Replaces the all-pairs loop that made a model of 10⁵ points take minutes to check
    /// (issue 14, hostile input): each query is one 2-nearest search.
    /// - Complexity: O(n log n) to build, O(q log n) to query, on average.
    package static func closestPairDistance(_ points: [Point2], queries: some Sequence<Int>) -> Double? {
        guard points.count >= 2 else { return nil }
        let tree = KDTree(points)
        var best = Double.infinity
        for q in queries {
            for hit in tree.nearest(to: points[q], k: 2) where hit.index != q {
                best = min(best, hit.distance)
                break
            }
        }
        return best.isFinite ? best : nil
    }
}
