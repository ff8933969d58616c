import AnchorGeometry

extension AnchorModel {
    /// The first pair (a < b, in index order) of points closer than `tolerance` (or at most
    /// `tolerance` when `inclusive`), or nil. A k-d tree range query per point makes the
    /// check O(n log n) instead of comparing every pair (a model file of 10⁵ anchors took
    /// 57 s to check; issue 14).
    static func firstCoincidentPair(_ points: [Point2], tolerance: Double, inclusive: Bool) -> (Int, Int)? {
        guard points.count > 1 else { return nil }
        let tree = KDTree(points)
        for a in points.indices {
            for b in tree.indices(within: tolerance, of: points[a]).sorted() where b > a {
                let d = points[a].distance(to: points[b])
                if inclusive ? d <= tolerance : d < tolerance { return (a, b) }
            }
        }
        return nil
    }
}
