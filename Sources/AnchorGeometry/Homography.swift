import RealModule

/// A 3×3 projective transform of the plane acting on homogeneous coordinates (the paper's
/// Eq. 2): for p = (x, y, 1)ᵀ,
///
///     (x_t, y_t, z_t)ᵀ = H · (x, y, 1)ᵀ,   P_t = (x_t / z_t, y_t / z_t).
///
/// By the project's convention `H` maps *model* coordinates (model units) to *image*
/// coordinates (pixels, centres at integers, x right, y down). Affine transforms (the paper's
/// Eq. 1) are the special case g = h = 0, i = 1.
///
/// Elements are stored row-major as `m11 … m33`. A `Homography` is not normalised
/// automatically; use `normalized()` to scale it so that m33 = 1 (the form OpenCV and the
/// paper print).
public struct Homography: Hashable, Sendable, CustomStringConvertible {
    public var m11: Double, m12: Double, m13: Double
    public var m21: Double, m22: Double, m23: Double
    public var m31: Double, m32: Double, m33: Double

    @inlinable
    public init(
        _ m11: Double, _ m12: Double, _ m13: Double,
        _ m21: Double, _ m22: Double, _ m23: Double,
        _ m31: Double, _ m32: Double, _ m33: Double
    ) {
        self.m11 = m11; self.m12 = m12; self.m13 = m13
        self.m21 = m21; self.m22 = m22; self.m23 = m23
        self.m31 = m31; self.m32 = m32; self.m33 = m33
    }

    /// Creates a transform from three rows of three elements.
    /// - Throws: `GeometryError.invalidParameter` unless `rows` is 3×3 and finite.
    public init(rows: [[Double]]) throws {
        guard rows.count == 3, rows.allSatisfy({ $0.count == 3 }) else {
            throw GeometryError.invalidParameter(name: "rows", reason: "a homography needs 3 rows of 3 numbers")
        }
        guard rows.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw GeometryError.invalidParameter(name: "rows", reason: "a homography element is NaN or infinite")
        }
        self.init(rows[0][0], rows[0][1], rows[0][2],
                  rows[1][0], rows[1][1], rows[1][2],
                  rows[2][0], rows[2][1], rows[2][2])
    }

    /// The identity transform.
    public static let identity = Homography(1, 0, 0, 0, 1, 0, 0, 0, 1)

    /// A pure translation by (tx, ty).
    @inlinable
    public static func translation(_ tx: Double, _ ty: Double) -> Homography {
        Homography(1, 0, tx, 0, 1, ty, 0, 0, 1)
    }

    /// An anisotropic scaling about the origin.
    @inlinable
    public static func scaling(_ sx: Double, _ sy: Double) -> Homography {
        Homography(sx, 0, 0, 0, sy, 0, 0, 0, 1)
    }

    /// A rotation by `theta` radians about the origin (counter-clockwise in an x-right, y-up
    /// frame; clockwise on screen in image space where y points down).
    @inlinable
    public static func rotation(_ theta: Double) -> Homography {
        let c = _cos(theta), s = _sin(theta)
        return Homography(c, -s, 0, s, c, 0, 0, 0, 1)
    }

    /// The rows as nested arrays, `[[m11, m12, m13], [m21, …], [m31, …]]` — the JSON form.
    public var rows: [[Double]] {
        [[m11, m12, m13], [m21, m22, m23], [m31, m32, m33]]
    }

    /// Element at zero-based (row, column).
    @inlinable
    public subscript(row: Int, column: Int) -> Double {
        get {
            switch (row, column) {
            case (0, 0): return m11
            case (0, 1): return m12
            case (0, 2): return m13
            case (1, 0): return m21
            case (1, 1): return m22
            case (1, 2): return m23
            case (2, 0): return m31
            case (2, 1): return m32
            case (2, 2): return m33
            default: preconditionFailure("Homography index (\(row), \(column)) out of range")
            }
        }
        set {
            switch (row, column) {
            case (0, 0): m11 = newValue
            case (0, 1): m12 = newValue
            case (0, 2): m13 = newValue
            case (1, 0): m21 = newValue
            case (1, 1): m22 = newValue
            case (1, 2): m23 = newValue
            case (2, 0): m31 = newValue
            case (2, 1): m32 = newValue
            case (2, 2): m33 = newValue
            default: preconditionFailure("Homography index (\(row), \(column)) out of range")
            }
        }
    }

    /// True when every element is finite.
    public var isFinite: Bool {
        m11.isFinite && m12.isFinite && m13.isFinite && m21.isFinite && m22.isFinite
            && m23.isFinite && m31.isFinite && m32.isFinite && m33.isFinite
    }

    /// True when the last row is (0, 0, c) with c ≠ 0, i.e. the transform is affine.
    public var isAffine: Bool { m31 == 0 && m32 == 0 && m33 != 0 }

    /// The determinant.
    @inlinable
    public var determinant: Double {
        m11 * (m22 * m33 - m23 * m32) - m12 * (m21 * m33 - m23 * m31) + m13 * (m21 * m32 - m22 * m31)
    }

    /// The transform scaled so that m33 = 1 (unchanged if m33 is zero).
    public func normalized() -> Homography {
        guard m33 != 0 else { return self }
        let s = 1 / m33
        return Homography(m11 * s, m12 * s, m13 * s, m21 * s, m22 * s, m23 * s, m31 * s, m32 * s, 1)
    }

    /// The transform scaled to unit Frobenius norm with m33 ≥ 0 — the canonical form for
    /// comparing two estimates of the same projective transform.
    public func frobeniusNormalized() -> Homography {
        let n2 = m11 * m11 + m12 * m12 + m13 * m13 + m21 * m21 + m22 * m22 + m23 * m23
            + m31 * m31 + m32 * m32 + m33 * m33
        guard n2 > 0 else { return self }
        var s = 1 / n2.squareRoot()
        if m33 < 0 { s = -s }
        return self.scaled(by: s)
    }

    /// Every element multiplied by `s` (the same projective transform for s ≠ 0).
    @inlinable
    public func scaled(by s: Double) -> Homography {
        Homography(m11 * s, m12 * s, m13 * s, m21 * s, m22 * s, m23 * s, m31 * s, m32 * s, m33 * s)
    }

    /// Maps `p` through the transform with the projective division of Eq. 2.
    ///
    /// Returns non-finite coordinates when `p` lies on the transform's line at infinity;
    /// use `applyChecked(_:)` where that must be an error.
    @inlinable
    public func apply(_ p: Point2) -> Point2 {
        let w = m31 * p.x + m32 * p.y + m33
        let inv = 1 / w
        return Point2((m11 * p.x + m12 * p.y + m13) * inv, (m21 * p.x + m22 * p.y + m23) * inv)
    }

    /// Maps every point of `points` (see `apply(_:)`).
    @inlinable
    public func apply(_ points: [Point2]) -> [Point2] {
        points.map { apply($0) }
    }

    /// Maps `p`, throwing `GeometryError.pointAtInfinity` when its homogeneous w is zero
    /// (relative to the transform's scale) or the result is not finite.
    public func applyChecked(_ p: Point2) throws -> Point2 {
        let w = m31 * p.x + m32 * p.y + m33
        let scale = abs(m31 * p.x) + abs(m32 * p.y) + abs(m33)
        guard abs(w) > 1e-14 * max(scale, .leastNormalMagnitude) else { throw GeometryError.pointAtInfinity(p) }
        let q = apply(p)
        guard q.isFinite else { throw GeometryError.pointAtInfinity(p) }
        return q
    }

    /// Composition `self · other`: the transform that applies `other` first, then `self`.
    @inlinable
    public static func * (a: Homography, b: Homography) -> Homography {
        Homography(
            a.m11 * b.m11 + a.m12 * b.m21 + a.m13 * b.m31,
            a.m11 * b.m12 + a.m12 * b.m22 + a.m13 * b.m32,
            a.m11 * b.m13 + a.m12 * b.m23 + a.m13 * b.m33,
            a.m21 * b.m11 + a.m22 * b.m21 + a.m23 * b.m31,
            a.m21 * b.m12 + a.m22 * b.m22 + a.m23 * b.m32,
            a.m21 * b.m13 + a.m22 * b.m23 + a.m23 * b.m33,
            a.m31 * b.m11 + a.m32 * b.m21 + a.m33 * b.m31,
            a.m31 * b.m12 + a.m32 * b.m22 + a.m33 * b.m32,
            a.m31 * b.m13 + a.m32 * b.m23 + a.m33 * b.m33)
    }

    /// The transform that applies `self` and then `next` (`next · self`).
    @inlinable
    public func followed(by next: Homography) -> Homography { next * self }

    /// The inverse transform, from the adjugate.
    ///
    /// - Throws: `GeometryError.singularMatrix` when |det| is below 1e-12 times the product
    ///   of the row norms (a scale-free test, so a transform in nm and one in pixels are judged
    ///   alike), or when any element is not finite.
    public func inverse() throws -> Homography {
        let det = determinant
        let r1 = (m11 * m11 + m12 * m12 + m13 * m13).squareRoot()
        let r2 = (m21 * m21 + m22 * m22 + m23 * m23).squareRoot()
        let r3 = (m31 * m31 + m32 * m32 + m33 * m33).squareRoot()
        guard isFinite, det.isFinite, abs(det) > 1e-12 * r1 * r2 * r3, det != 0 else {
            throw GeometryError.singularMatrix(determinant: det)
        }
        let inv = 1 / det
        return Homography(
            (m22 * m33 - m23 * m32) * inv, (m13 * m32 - m12 * m33) * inv, (m12 * m23 - m13 * m22) * inv,
            (m23 * m31 - m21 * m33) * inv, (m11 * m33 - m13 * m31) * inv, (m13 * m21 - m11 * m23) * inv,
            (m21 * m32 - m22 * m31) * inv, (m12 * m31 - m11 * m32) * inv, (m11 * m22 - m12 * m21) * inv)
    }

    /// Largest absolute element-wise difference to `other` after both are scaled to m33 = 1.
    public func maxDifference(to other: Homography) -> Double {
        let a = normalized(), b = other.normalized()
        return [a.m11 - b.m11, a.m12 - b.m12, a.m13 - b.m13, a.m21 - b.m21, a.m22 - b.m22,
                a.m23 - b.m23, a.m31 - b.m31, a.m32 - b.m32, a.m33 - b.m33].map(abs).max()!
    }

    public var description: String {
        "[[\(m11), \(m12), \(m13)], [\(m21), \(m22), \(m23)], [\(m31), \(m32), \(m33)]]"
    }
}

extension Homography: Codable {
    /// Decodes from the nested-array JSON form `[[…], […], […]]`.
    public init(from decoder: any Decoder) throws {
        let rows = try [[Double]](from: decoder)
        do {
            try self.init(rows: rows)
        } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try rows.encode(to: encoder)
    }
}

@usableFromInline func _cos(_ x: Double) -> Double { Double.cos(x) }
@usableFromInline func _sin(_ x: Double) -> Double { Double.sin(x) }
@usableFromInline func _log(_ x: Double) -> Double { Double.log(x) }
