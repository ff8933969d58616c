import AnchorGeometry

/// A named region of a device model: a simple polygon in model units (e.g. an electrode
/// "T1" or the "active" area of a memristor, the paper's Fig. 4).
public struct NamedRegion: Hashable, Sendable {
    public var name: String
    /// Vertices in model units, in order (either orientation); the polygon closes itself.
    public var polygon: [Point2]

    public init(name: String, polygon: [Point2]) {
        self.name = name
        self.polygon = polygon
    }

    /// Area in model units² (shoelace formula; positive whatever the vertex order).
    public var area: Double {
        var s = 0.0
        for k in polygon.indices {
            let a = polygon[k], b = polygon[(k + 1) % polygon.count]
            s += a.x * b.y - b.x * a.y
        }
        return abs(s) / 2
    }

    /// True when `p` (model units) lies inside the polygon (even–odd rule; points exactly
    /// on an edge may fall either way).
    /// - Complexity: O(vertices).
    public func contains(_ p: Point2) -> Bool {
        var inside = false
        var j = polygon.count - 1
        for k in polygon.indices {
            let a = polygon[k], b = polygon[j]
            if (a.y > p.y) != (b.y > p.y) {
                let xCross = a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y)
                if p.x < xCross { inside.toggle() }
            }
            j = k
        }
        return inside
    }

    /// Bounding box in model units.
    public var bounds: ModelBounds? { ModelBounds(covering: polygon) }
}
