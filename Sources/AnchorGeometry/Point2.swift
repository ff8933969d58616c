/// A point (or vector) in the plane, in double precision.
///
/// `Point2` carries no unit and no coordinate space of its own: every API that takes or
/// returns one says which space it lives in. By the project's convention, *image* points have
/// pixel centres at integer (x, y) with x to the right and y down, and *model* points are in
/// the model's physical unit (nm for atomic models, µm for devices).
public struct Point2: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Horizontal coordinate (x to the right).
    public var x: Double
    /// Vertical coordinate (y down in image space).
    public var y: Double

    @inlinable
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }

    @inlinable
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    public static let zero = Point2(0, 0)

    /// True when both coordinates are finite (neither NaN nor infinite).
    @inlinable
    public var isFinite: Bool { x.isFinite && y.isFinite }

    /// Euclidean length of the point taken as a vector from the origin.
    @inlinable
    public var length: Double { (x * x + y * y).squareRoot() }

    /// Squared Euclidean length.
    @inlinable
    public var lengthSquared: Double { x * x + y * y }

    /// Euclidean distance to `other`.
    @inlinable
    public func distance(to other: Point2) -> Double {
        let dx = x - other.x, dy = y - other.y
        return (dx * dx + dy * dy).squareRoot()
    }

    /// Squared Euclidean distance to `other` (no square root; use for comparisons).
    @inlinable
    public func distanceSquared(to other: Point2) -> Double {
        let dx = x - other.x, dy = y - other.y
        return dx * dx + dy * dy
    }

    /// Dot product with `other`.
    @inlinable
    public func dot(_ other: Point2) -> Double { x * other.x + y * other.y }

    /// z-component of the 3-D cross product (positive when `other` is counter-clockwise
    /// from `self` in a right-handed x-right, y-up frame).
    @inlinable
    public func cross(_ other: Point2) -> Double { x * other.y - y * other.x }

    @inlinable public static func + (a: Point2, b: Point2) -> Point2 { Point2(a.x + b.x, a.y + b.y) }
    @inlinable public static func - (a: Point2, b: Point2) -> Point2 { Point2(a.x - b.x, a.y - b.y) }
    @inlinable public static func * (a: Point2, s: Double) -> Point2 { Point2(a.x * s, a.y * s) }
    @inlinable public static func * (s: Double, a: Point2) -> Point2 { Point2(a.x * s, a.y * s) }
    @inlinable public static func / (a: Point2, s: Double) -> Point2 { Point2(a.x / s, a.y / s) }
    @inlinable public static prefix func - (a: Point2) -> Point2 { Point2(-a.x, -a.y) }
    @inlinable public static func += (a: inout Point2, b: Point2) { a = a + b }
    @inlinable public static func -= (a: inout Point2, b: Point2) { a = a - b }

    public var description: String { "(\(x), \(y))" }

    // Codable as a two-element array `[x, y]`, the form every JSON output of the tool uses.
    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        x = try c.decode(Double.self)
        y = try c.decode(Double.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(x)
        try c.encode(y)
    }
}
