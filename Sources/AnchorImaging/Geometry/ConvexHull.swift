import AnchorGeometry

/// The convex hull of a point set by Andrew's monotone chain (A. M. Andrew, Inf. Proc. Lett.
/// 9, 216, 1979): hull vertices in counter-clockwise order in an x-right, y-up frame
/// (clockwise on screen, where y points down), starting at the smallest (x, y); collinear
/// points on edges are dropped. Fewer than three distinct points give those points.
/// - Complexity: O(n log n).
public func convexHull(_ points: [Point2]) -> [Point2] {
    let p = points.filter(\.isFinite).sorted { $0.x < $1.x || ($0.x == $1.x && $0.y < $1.y) }
    var unique: [Point2] = []
    for q in p where unique.last != q { unique.append(q) }
    guard unique.count >= 3 else { return unique }
    func cross(_ o: Point2, _ a: Point2, _ b: Point2) -> Double {
        (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
    }
    var lower: [Point2] = []
    for q in unique {
        while lower.count >= 2 && cross(lower[lower.count - 2], lower[lower.count - 1], q) <= 0 { lower.removeLast() }
        lower.append(q)
    }
    var upper: [Point2] = []
    for q in unique.reversed() {
        while upper.count >= 2 && cross(upper[upper.count - 2], upper[upper.count - 1], q) <= 0 { upper.removeLast() }
        upper.append(q)
    }
    lower.removeLast()
    upper.removeLast()
    return lower + upper
}

/// Signed area of a polygon by the shoelace formula: positive for counter-clockwise order in
/// an x-right, y-up frame (clockwise on screen).
public func signedPolygonArea(_ polygon: [Point2]) -> Double {
    guard polygon.count >= 3 else { return 0 }
    var s = 0.0
    for i in 0..<polygon.count {
        let a = polygon[i], b = polygon[(i + 1) % polygon.count]
        s += a.x * b.y - b.x * a.y
    }
    return s / 2
}
