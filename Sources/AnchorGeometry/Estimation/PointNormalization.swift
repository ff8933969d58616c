/// Hartley's isotropic normalisation: the similarity that moves a point set's centroid to the
/// origin and scales it so that the mean distance from the origin is √2.
///
/// Working in these coordinates makes the DLT's linear system well conditioned whatever the
/// units (pixels, nm, µm) and offset of the input (Hartley, "In defense of the eight-point
/// algorithm", IEEE TPAMI 19, 1997). Because it is a similarity, distances scale uniformly
/// by `scale`, so reprojection thresholds carry over exactly.
public struct PointNormalization: Sendable, Equatable {
    /// Centroid of the original points.
    public var centroid: Point2
    /// Factor applied after centring (√2 / mean distance to the centroid).
    public var scale: Double

    /// The normalisation of `points`.
    /// - Throws: `GeometryError.degenerateConfiguration` when all points coincide.
    public init(points: [Point2]) throws {
        precondition(!points.isEmpty)
        var cx = 0.0, cy = 0.0
        for p in points { cx += p.x; cy += p.y }
        cx /= Double(points.count); cy /= Double(points.count)
        var d = 0.0
        for p in points { d += ((p.x - cx) * (p.x - cx) + (p.y - cy) * (p.y - cy)).squareRoot() }
        d /= Double(points.count)
        guard d > 0, d.isFinite else {
            throw GeometryError.degenerateConfiguration(reason: "all points coincide")
        }
        centroid = Point2(cx, cy)
        scale = 2.0.squareRoot() / d
    }

    @inlinable
    public init(centroid: Point2, scale: Double) {
        self.centroid = centroid
        self.scale = scale
    }

    /// The point in normalised coordinates.
    @inlinable
    public func apply(_ p: Point2) -> Point2 { Point2((p.x - centroid.x) * scale, (p.y - centroid.y) * scale) }

    /// The normalising similarity as a matrix (original → normalised).
    public var matrix: Homography {
        Homography(scale, 0, -scale * centroid.x, 0, scale, -scale * centroid.y, 0, 0, 1)
    }

    /// The inverse similarity (normalised → original).
    public var inverseMatrix: Homography {
        Homography(1 / scale, 0, centroid.x, 0, 1 / scale, centroid.y, 0, 0, 1)
    }
}
