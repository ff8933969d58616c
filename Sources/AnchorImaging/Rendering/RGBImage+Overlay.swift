import AnchorGeometry

/// Overlays drawn on a rendered image: detected points, fitted circles, model lattices.
///
/// All positions are in image pixels (pixel centres at integer (x, y), x right, y down), so
/// detector output can be drawn as is. Strokes are anti-aliased (coverage ramps one pixel
/// wide); shapes partly or wholly outside the image are clipped; non-finite coordinates draw
/// nothing. `opacity` in 0…1 blends the colour over what is below.
extension RGBImage {
    /// A filled disc of `radius` pixels centred at `center`.
    public mutating func drawDot(at center: Point2, radius: Double = 2, color: RGBColor, opacity: Double = 1) {
        guard center.isFinite, radius.isFinite, radius > 0 else { return }
        let r = radius
        guard var m = CoverageMask(
            bounds: (center.x - r, center.y - r, center.x + r, center.y + r), width: width, height: height)
        else { return }
        m.add(lo: Point2(center.x - r, center.y - r), hi: Point2(center.x + r, center.y + r)) { x, y in
            r + 0.5 - Point2(x, y).distance(to: center)
        }
        m.blend(into: &self, color: color, opacity: opacity)
    }

    /// The outline of a circle of `radius` pixels, stroked `lineWidth` pixels wide.
    public mutating func drawCircle(
        center: Point2, radius: Double, color: RGBColor, lineWidth: Double = 1, opacity: Double = 1
    ) {
        guard center.isFinite, radius.isFinite, radius >= 0, lineWidth.isFinite, lineWidth > 0 else { return }
        let hw = lineWidth / 2
        let r = radius + hw
        guard var m = CoverageMask(
            bounds: (center.x - r, center.y - r, center.x + r, center.y + r), width: width, height: height)
        else { return }
        m.add(lo: Point2(center.x - r, center.y - r), hi: Point2(center.x + r, center.y + r)) { x, y in
            hw + 0.5 - abs(Point2(x, y).distance(to: center) - radius)
        }
        m.blend(into: &self, color: color, opacity: opacity)
    }

    /// A cross marker: "+" (default) or "×" (`diagonal`) with arms `size` pixels from the centre.
    public mutating func drawCross(
        at center: Point2, size: Double = 4, color: RGBColor, lineWidth: Double = 1,
        diagonal: Bool = false, opacity: Double = 1
    ) {
        guard center.isFinite, size.isFinite, size > 0 else { return }
        let s = diagonal ? size / 2.squareRoot() : size
        let arms: [(Point2, Point2)] = diagonal
            ? [(Point2(-s, -s), Point2(s, s)), (Point2(-s, s), Point2(s, -s))]
            : [(Point2(-s, 0), Point2(s, 0)), (Point2(0, -s), Point2(0, s))]
        strokeSegments(arms.map { (center + $0.0, center + $0.1) }, color: color, lineWidth: lineWidth, opacity: opacity)
    }

    /// A straight line segment from `a` to `b`.
    public mutating func drawLine(
        from a: Point2, to b: Point2, color: RGBColor, lineWidth: Double = 1, opacity: Double = 1
    ) {
        strokeSegments([(a, b)], color: color, lineWidth: lineWidth, opacity: opacity)
    }

    /// Connected segments through `points`; `closed` adds the segment from the last point back
    /// to the first (a polygon outline).
    public mutating func drawPolyline(
        _ points: [Point2], closed: Bool = false, color: RGBColor, lineWidth: Double = 1, opacity: Double = 1
    ) {
        guard points.count >= 2 else {
            if let p = points.first { drawDot(at: p, radius: lineWidth / 2, color: color, opacity: opacity) }
            return
        }
        var segs: [(Point2, Point2)] = zip(points, points.dropFirst()).map { ($0, $1) }
        if closed && points.count > 2 { segs.append((points[points.count - 1], points[0])) }
        strokeSegments(segs, color: color, lineWidth: lineWidth, opacity: opacity)
    }

    /// A polygon outline (`drawPolyline(closed: true)`).
    public mutating func drawPolygon(
        _ points: [Point2], color: RGBColor, lineWidth: Double = 1, opacity: Double = 1
    ) {
        drawPolyline(points, closed: true, color: color, lineWidth: lineWidth, opacity: opacity)
    }

    private mutating func strokeSegments(
        _ segs: [(Point2, Point2)], color: RGBColor, lineWidth: Double, opacity: Double
    ) {
        let finite = segs.filter { $0.0.isFinite && $0.1.isFinite }
        guard !finite.isEmpty, lineWidth.isFinite, lineWidth > 0 else { return }
        let hw = lineWidth / 2
        var lo = Point2(Double.infinity, Double.infinity), hi = Point2(-Double.infinity, -Double.infinity)
        for (a, b) in finite {
            lo = Point2(min(lo.x, a.x, b.x), min(lo.y, a.y, b.y))
            hi = Point2(max(hi.x, a.x, b.x), max(hi.y, a.y, b.y))
        }
        guard var m = CoverageMask(
            bounds: (lo.x - hw, lo.y - hw, hi.x + hw, hi.y + hw), width: width, height: height)
        else { return }
        for (a, b) in finite { m.addSegment(a, b, halfWidth: hw) }
        m.blend(into: &self, color: color, opacity: opacity)
    }
}
