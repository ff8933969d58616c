import AnchorGeometry
import Foundation

/// A rectangle at any orientation.
public struct RotatedRectangle: Hashable, Sendable, Codable {
    /// Centre (same space as the input points).
    public var centre: Point2
    /// Length of the sides along `angle` (`width`) and perpendicular to it (`height`).
    public var width: Double
    public var height: Double
    /// Direction of the `width` sides, radians from the +x axis towards +y, in [0, π/2).
    public var angle: Double

    /// The four corners, in the order centre ± width/2 ± height/2 going around the rectangle.
    public var corners: [Point2] {
        let ux = cos(angle), uy = sin(angle)
        let hw = width / 2, hh = height / 2
        let ax = ux * hw, ay = uy * hw, bx = -uy * hh, by = ux * hh
        return [Point2(centre.x - ax - bx, centre.y - ay - by), Point2(centre.x + ax - bx, centre.y + ay - by),
                Point2(centre.x + ax + bx, centre.y + ay + by), Point2(centre.x - ax + bx, centre.y - ay + by)]
    }

    public var area: Double { width * height }
}

/// The rectangle of least area enclosing `points`, by rotating calipers on the convex hull
/// (H. Freeman & R. Shapira, CACM 18, 409, 1975: an optimal rectangle has a side collinear with
/// a hull edge, so every hull edge direction is tried).
///
/// - Throws: `GeometryError.invalidParameter` for fewer than 3 finite, non-collinear points
///   (the rectangle would be degenerate).
/// - Complexity: O(n log n + h²) for h hull vertices (h is small for image contours).
public func minimumAreaRectangle(_ points: [Point2]) throws -> RotatedRectangle {
    let hull = convexHull(points)
    guard hull.count >= 3, abs(signedPolygonArea(hull)) > 0 else {
        throw GeometryError.invalidParameter(
            name: "points", reason: "a minimum-area rectangle needs at least 3 non-collinear finite points")
    }
    var best: RotatedRectangle?
    var bestArea = Double.infinity
    for i in 0..<hull.count {
        let a = hull[i], b = hull[(i + 1) % hull.count]
        let ex = b.x - a.x, ey = b.y - a.y
        let len = (ex * ex + ey * ey).squareRoot()
        guard len > 0 else { continue }
        let ux = ex / len, uy = ey / len
        var minU = Double.infinity, maxU = -Double.infinity, minV = Double.infinity, maxV = -Double.infinity
        for p in hull {
            let u = p.x * ux + p.y * uy, v = -p.x * uy + p.y * ux
            minU = min(minU, u); maxU = max(maxU, u); minV = min(minV, v); maxV = max(maxV, v)
        }
        let area = (maxU - minU) * (maxV - minV)
        if area < bestArea {
            bestArea = area
            let cu = (minU + maxU) / 2, cv = (minV + maxV) / 2
            let centre = Point2(cu * ux - cv * uy, cu * uy + cv * ux)
            var angle = atan2(uy, ux)
            var w = maxU - minU, h = maxV - minV
            // Normalise to [0, π/2): a rectangle is symmetric under a quarter turn with swapped sides.
            while angle < 0 { angle += .pi / 2; swap(&w, &h) }
            while angle >= .pi / 2 { angle -= .pi / 2; swap(&w, &h) }
            best = RotatedRectangle(centre: centre, width: w, height: h, angle: angle)
        }
    }
    guard let best else {
        throw GeometryError.invalidParameter(name: "points", reason: "degenerate hull")
    }
    return best
}
