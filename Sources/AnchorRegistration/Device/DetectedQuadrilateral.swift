import AnchorGeometry

/// A four-sided structure found in an image (a device's square, a contact pad), with
/// sub-pixel corners.
public struct DetectedQuadrilateral: Sendable, Hashable, Codable {
    /// Corners in image pixel coordinates (x right, y down), clockwise on screen, starting at
    /// the corner with the smallest x + y.
    public var corners: [Point2]
    /// The intersection of the diagonals, image px: the exact image of the centre of a
    /// rectangle under any homography (unlike the centroid of the corners).
    public var centre: Point2
    /// Area enclosed by the corners, px².
    public var area: Double
    /// RMS distance of the edge points from their fitted side lines, px (after rejecting
    /// outliers such as electrodes touching the side).
    public var edgeResidual: Double
    /// Edge points kept on each side.
    public var edgePointsPerSide: [Int]

    public init(corners: [Point2], edgeResidual: Double = 0, edgePointsPerSide: [Int] = [0, 0, 0, 0]) {
        self.corners = corners
        self.centre = DetectedQuadrilateral.diagonalIntersection(corners) ?? Point2(
            corners.map(\.x).reduce(0, +) / Double(max(corners.count, 1)),
            corners.map(\.y).reduce(0, +) / Double(max(corners.count, 1)))
        self.area = abs(signedArea(corners))
        self.edgeResidual = edgeResidual
        self.edgePointsPerSide = edgePointsPerSide
    }

    /// Intersection of the diagonals c0–c2 and c1–c3 (nil when they are parallel).
    static func diagonalIntersection(_ c: [Point2]) -> Point2? {
        guard c.count == 4 else { return nil }
        let d1 = c[2] - c[0], d2 = c[3] - c[1]
        let det = d1.x * d2.y - d1.y * d2.x
        guard abs(det) > 1e-12 else { return nil }
        let w = c[1] - c[0]
        let t = (w.x * d2.y - w.y * d2.x) / det
        return Point2(c[0].x + t * d1.x, c[0].y + t * d1.y)
    }

    /// Square root of the area: the quadrilateral's size in px.
    public var size: Double { area.squareRoot() }
}

/// Shoelace area (positive for clockwise-on-screen order with y down).
func signedArea(_ p: [Point2]) -> Double {
    guard p.count >= 3 else { return 0 }
    var s = 0.0
    for i in p.indices {
        let a = p[i], b = p[(i + 1) % p.count]
        s += a.x * b.y - b.x * a.y
    }
    return s / 2
}
