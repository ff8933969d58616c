import AnchorGeometry
import Foundation

/// A quadrilateral fitted to an object's outline, with sub-pixel corners.
public struct FittedQuadrilateral: Sendable, Hashable, Codable {
    /// Corners in image pixel coordinates, clockwise on screen (x right, y down), starting at
    /// the corner with the smallest x + y (the top-left one for an upright square).
    public var corners: [Point2]
    /// Root-mean-square distance of the edge points used in the last fit to their side's line,
    /// in pixels.
    public var rmsResidual: Double
    /// Edge points used for each side (side i runs from corner i to corner i+1).
    public var pointsPerSide: [Int]
    /// Fit iterations performed.
    public var iterations: Int
}

/// Options of `fitQuadrilateral`.
public struct QuadrilateralFitOptions: Sendable, Hashable {
    /// Points closer than this fraction of the side length to a corner are left out of the
    /// side's line fit, because blur and pixelation round the corner. 0.1 keeps 80 % of each side.
    public var cornerExclusion: Double = 0.1
    /// Half-length in pixels of the intensity profile searched across an edge for the level
    /// crossing (sub-pixel refinement on the image). Should exceed the edge blur (≈ 2σ) and the
    /// initial error of the outline; 4 px suits outlines from a thresholded mask.
    public var edgeSearchRadius: Double = 4
    /// Spacing in pixels of the profiles along each side.
    public var profileSpacing: Double = 1
    /// Maximum refit iterations; the fit stops earlier once no corner moves by more than
    /// `tolerance` pixels.
    public var maxIterations: Int = 10
    public var tolerance: Double = 1e-3

    public init() {}

    /// Checks that every option is usable.
    /// - Throws: `GeometryError.invalidParameter` naming the first bad option.
    public func validate() throws {
        guard cornerExclusion.isFinite, cornerExclusion >= 0, cornerExclusion < 0.5 else {
            throw GeometryError.invalidParameter(name: "cornerExclusion", reason: "must be in [0, 0.5), got \(cornerExclusion)")
        }
        guard edgeSearchRadius.isFinite, edgeSearchRadius >= 0.5, edgeSearchRadius <= 1000 else {
            throw GeometryError.invalidParameter(name: "edgeSearchRadius", reason: "must be 0.5…1000 px, got \(edgeSearchRadius)")
        }
        guard profileSpacing.isFinite, profileSpacing >= 0.01 else {
            throw GeometryError.invalidParameter(name: "profileSpacing", reason: "must be ≥ 0.01 px, got \(profileSpacing)")
        }
        guard maxIterations >= 1, maxIterations <= 10_000 else {
            throw GeometryError.invalidParameter(name: "maxIterations", reason: "must be 1…10000, got \(maxIterations)")
        }
        guard tolerance.isFinite, tolerance >= 0 else {
            throw GeometryError.invalidParameter(name: "tolerance", reason: "must be finite and ≥ 0, got \(tolerance)")
        }
    }
}

/// Fits a quadrilateral to the outline of a convex, four-sided object (a device, a marker, a
/// square sample) — e.g. a square seen in perspective.
///
/// 1. Initial corners: the four convex-hull vertices enclosing the largest area (coordinate
///    ascent from the hull vertices nearest the minimum-area rectangle's corners).
/// 2. Every outline point is assigned to the nearest side; points near corners are left out.
///    Each side is fitted by a total-least-squares line; adjacent lines are intersected.
/// 3. With `image`, each side is then re-measured on the image: profiles across the current
///    line (every `profileSpacing` px) locate where the intensity crosses the local mid level
///    (halfway between the profile's two ends), to sub-pixel precision by linear interpolation;
///    lines are refitted to those edge points. A blurred step edge crosses its mid level exactly
///    at the edge, so this removes the half-pixel bias of a thresholded outline.
/// 4. Steps 2–3 repeat until the corners stop moving.
///
/// - Parameters:
///   - outline: boundary points (image pixel coordinates), e.g. from
///     `ConnectedComponents.outerContour(of:)`; at least 8.
///   - image: the grayscale image the outline came from, for sub-pixel refinement (optional).
/// - Throws: `GeometryError.invalidParameter` for unusable options,
///   `GeometryError.tooFewPoints` for a short outline,
///   `GeometryError.degenerateConfiguration` when the outline has no four-sided shape (a side
///   without points, parallel adjacent sides, a corner far outside the outline).
public func fitQuadrilateral(outline: [Point2], image: Image? = nil,
                             options: QuadrilateralFitOptions = QuadrilateralFitOptions()) throws -> FittedQuadrilateral {
    try options.validate()
    let pts = outline.filter(\.isFinite)
    guard pts.count >= 8 else { throw GeometryError.tooFewPoints(needed: 8, got: pts.count) }
    var quad = try initialQuadrilateral(pts)
    var rms = 0.0
    var counts = [0, 0, 0, 0]
    var iterations = 0
    // Corners may not wander further than this from the outline's bounding box.
    let xs = pts.map(\.x), ys = pts.map(\.y)
    let span = max(xs.max()! - xs.min()!, ys.max()! - ys.min()!)
    for it in 1...options.maxIterations {
        iterations = it
        var lines: [FittedLine] = []
        var sumSq = 0.0, n = 0
        counts = [0, 0, 0, 0]
        for side in 0..<4 {
            let a = quad[side], b = quad[(side + 1) % 4]
            var sidePoints = assign(pts, to: side, of: quad, exclusion: options.cornerExclusion)
            if let image {
                sidePoints = edgePoints(image, from: a, to: b, options: options)
            }
            guard sidePoints.count >= 2, let line = FittedLine(sidePoints) else {
                throw GeometryError.degenerateConfiguration(reason: "side \(side) of the quadrilateral has fewer than 2 edge points")
            }
            counts[side] = sidePoints.count
            for p in sidePoints { let d = line.distance(p); sumSq += d * d }
            n += sidePoints.count
            lines.append(line)
        }
        var next: [Point2] = []
        for i in 0..<4 {
            guard let c = lines[(i + 3) % 4].intersection(lines[i]) else {
                throw GeometryError.degenerateConfiguration(reason: "adjacent sides \((i + 3) % 4) and \(i) are parallel")
            }
            guard c.x > xs.min()! - span, c.x < xs.max()! + span, c.y > ys.min()! - span, c.y < ys.max()! + span else {
                throw GeometryError.degenerateConfiguration(reason: "corner \(i) falls far outside the outline; the shape is not a quadrilateral")
            }
            next.append(c)
        }
        rms = (sumSq / Double(max(n, 1))).squareRoot()
        var moved = 0.0
        for i in 0..<4 { moved = max(moved, hypot(next[i].x - quad[i].x, next[i].y - quad[i].y)) }
        quad = next
        if moved < options.tolerance { break }
    }
    return FittedQuadrilateral(corners: quad, rmsResidual: rms, pointsPerSide: counts, iterations: iterations)
}

/// A line through `point` with unit direction (dx, dy), fitted by total least squares.
struct FittedLine {
    var point: Point2
    var dx: Double, dy: Double

    init?(_ pts: [Point2]) {
        let n = Double(pts.count)
        var mx = 0.0, my = 0.0
        for p in pts { mx += p.x; my += p.y }
        mx /= n; my /= n
        var sxx = 0.0, sxy = 0.0, syy = 0.0
        for p in pts {
            let u = p.x - mx, v = p.y - my
            sxx += u * u; sxy += u * v; syy += v * v
        }
        // Principal direction of the scatter matrix.
        let theta = 0.5 * atan2(2 * sxy, sxx - syy)
        guard theta.isFinite, sxx + syy > 0 else { return nil }
        point = Point2(mx, my)
        dx = cos(theta)
        dy = sin(theta)
    }

    func distance(_ p: Point2) -> Double {
        abs((p.x - point.x) * dy - (p.y - point.y) * dx)
    }

    func intersection(_ o: FittedLine) -> Point2? {
        let det = dx * o.dy - dy * o.dx
        guard abs(det) > 1e-9 else { return nil }
        let t = ((o.point.x - point.x) * o.dy - (o.point.y - point.y) * o.dx) / det
        return Point2(point.x + t * dx, point.y + t * dy)
    }
}

/// Outline points nearest to side `side` (segment quad[side] → quad[side+1]), away from corners.
private func assign(_ pts: [Point2], to side: Int, of quad: [Point2], exclusion: Double) -> [Point2] {
    var out: [Point2] = []
    for p in pts {
        var best = 0, bestD = Double.infinity, bestT = 0.0
        for s in 0..<4 {
            let (d, t) = segmentDistance(p, quad[s], quad[(s + 1) % 4])
            if d < bestD { bestD = d; best = s; bestT = t }
        }
        if best == side && bestT > exclusion && bestT < 1 - exclusion { out.append(p) }
    }
    return out
}

/// Distance from p to segment a–b and the parameter of the closest point (0 at a, 1 at b).
private func segmentDistance(_ p: Point2, _ a: Point2, _ b: Point2) -> (Double, Double) {
    let ex = b.x - a.x, ey = b.y - a.y
    let l2 = ex * ex + ey * ey
    guard l2 > 0 else { return (hypot(p.x - a.x, p.y - a.y), 0) }
    let t = max(0, min(1, ((p.x - a.x) * ex + (p.y - a.y) * ey) / l2))
    return (hypot(p.x - a.x - t * ex, p.y - a.y - t * ey), t)
}

/// Sub-pixel edge points along side a→b, from intensity profiles across it.
private func edgePoints(_ image: Image, from a: Point2, to b: Point2, options: QuadrilateralFitOptions) -> [Point2] {
    let ex = b.x - a.x, ey = b.y - a.y
    let len = hypot(ex, ey)
    guard len > 0 else { return [] }
    let ux = ex / len, uy = ey / len
    let nx = -uy, ny = ux
    let r = options.edgeSearchRadius
    let step = 0.25
    let steps = Int((2 * r / step).rounded())
    var out: [Point2] = []
    var profile = [Float](repeating: 0, count: steps + 1)
    let t0 = options.cornerExclusion * len, t1 = (1 - options.cornerExclusion) * len
    var t = t0
    while t <= t1 {
        let cx = a.x + ux * t, cy = a.y + uy * t
        var ok = true
        for k in 0...steps {
            let s = -r + Double(k) * step
            guard let v = image.sample(at: Point2(cx + nx * s, cy + ny * s)) else { ok = false; break }
            profile[k] = v
        }
        t += options.profileSpacing
        guard ok else { continue }
        // Local plateaux: the mean of the outer 0.5 px at each end of the profile.
        let endN = 3
        var lo: Float = 0, hi: Float = 0
        for k in 0..<endN { lo += profile[k]; hi += profile[steps - k] }
        let level = (lo + hi) / Float(2 * endN)
        // The crossing nearest the profile's centre.
        var bestS = Double.nan, bestDist = Double.infinity
        for k in 0..<steps {
            let p0 = profile[k] - level, p1 = profile[k + 1] - level
            guard (p0 <= 0 && p1 > 0) || (p0 >= 0 && p1 < 0) else { continue }
            let f = Double(p0 / (p0 - p1))
            let s = -r + (Double(k) + f) * step
            if abs(s) < bestDist { bestDist = abs(s); bestS = s }
        }
        if bestS.isFinite { out.append(Point2(cx + nx * bestS, cy + ny * bestS)) }
    }
    return out
}

/// Four hull vertices enclosing the largest area, in clockwise-on-screen order starting at the
/// smallest x + y.
private func initialQuadrilateral(_ pts: [Point2]) throws -> [Point2] {
    let hull = convexHull(pts)
    guard hull.count >= 4 else {
        throw GeometryError.degenerateConfiguration(reason: "the outline's convex hull has \(hull.count) vertices; a quadrilateral needs 4")
    }
    let rect = try minimumAreaRectangle(hull)
    var idx = rect.corners.map { c in
        hull.indices.min { hypot(hull[$0].x - c.x, hull[$0].y - c.y) < hypot(hull[$1].x - c.x, hull[$1].y - c.y) }!
    }
    idx.sort()
    if Set(idx).count < 4 {
        // Rectangle corners collapsed onto shared vertices: spread the indices evenly instead.
        let h = hull.count
        idx = [0, h / 4, h / 2, 3 * h / 4]
    }
    func area(_ q: [Int]) -> Double { abs(signedPolygonArea(q.map { hull[$0] })) }
    // Coordinate ascent: move each vertex to the best hull vertex between its neighbours.
    var improved = true
    var rounds = 0
    while improved && rounds < 100 {
        improved = false
        rounds += 1
        for i in 0..<4 {
            let prev = idx[(i + 3) % 4], next = idx[(i + 1) % 4]
            var j = (prev + 1) % hull.count
            var bestJ = idx[i], bestA = area(idx)
            while j != next {
                var q = idx
                q[i] = j
                let a = area(q)
                if a > bestA + 1e-12 { bestA = a; bestJ = j }
                j = (j + 1) % hull.count
            }
            if bestJ != idx[i] { idx[i] = bestJ; improved = true }
        }
    }
    var quad = idx.map { hull[$0] }
    // Hull order is clockwise on screen (counter-clockwise in a y-up frame); start at min x + y.
    if signedPolygonArea(quad) < 0 { quad.reverse() }
    let s = quad.indices.min { quad[$0].x + quad[$0].y < quad[$1].x + quad[$1].y }!
    return Array(quad[s...] + quad[..<s])
}
