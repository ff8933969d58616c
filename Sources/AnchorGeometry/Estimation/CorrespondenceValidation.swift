/// Input checks shared by every estimator: each failure becomes a typed `GeometryError` that
/// names the problem, so no estimator ever returns a silently wrong transform.
enum CorrespondenceValidation {
    /// Relative tolerance for collinearity: |cross(b − a, c − a)| below this times the squared
    /// extent of the triangle means the three points lie on one line (sin of the angle < 1e-9).
    static let collinearTolerance = 1e-9

    /// Checks counts, finiteness, distinctness and collinearity of a correspondence set.
    static func validate(model: [Point2], image: [Point2]) throws {
        guard model.count == image.count else {
            throw GeometryError.mismatchedCounts(model: model.count, image: image.count)
        }
        for i in model.indices where !(model[i].isFinite && image[i].isFinite) {
            throw GeometryError.nonFiniteInput(index: i)
        }
        guard model.count >= 4 else { throw GeometryError.tooFewPoints(needed: 4, got: model.count) }
        try checkSpread(model, side: "model")
        try checkSpread(image, side: "image")
        if model.count == 4 {
            try checkNoThreeCollinear(model, side: "model")
            try checkNoThreeCollinear(image, side: "image")
        }
    }

    /// At least four distinct points, not all on one line.
    static func checkSpread(_ p: [Point2], side: String) throws {
        var distinct: [Point2] = []
        distinct.reserveCapacity(4)
        for q in p where !distinct.contains(q) {
            distinct.append(q)
            if distinct.count == 4 { break }
        }
        guard distinct.count >= 4 else {
            throw GeometryError.degenerateConfiguration(
                reason: "only \(distinct.count) distinct \(side) point\(distinct.count == 1 ? "" : "s"); a homography needs at least 4")
        }
        // Collinearity: the farthest point from p0 fixes a direction; all collinear when every
        // point's distance from that line is negligible against the set's extent.
        let p0 = p[0]
        var far = p0, farD = 0.0
        for q in p { let d = q.distanceSquared(to: p0); if d > farD { farD = d; far = q } }
        let dir = far - p0
        var maxCross = 0.0
        for q in p { maxCross = max(maxCross, abs(dir.cross(q - p0))) }
        if maxCross <= collinearTolerance * farD {
            throw GeometryError.degenerateConfiguration(reason: "all \(side) points are collinear")
        }
    }

    /// For a minimal set of four: no three on a line.
    static func checkNoThreeCollinear(_ p: [Point2], side: String) throws {
        let triples = [(0, 1, 2), (0, 1, 3), (0, 2, 3), (1, 2, 3)]
        for (a, b, c) in triples where isCollinear(p[a], p[b], p[c]) {
            throw GeometryError.degenerateConfiguration(
                reason: "\(side) points \(a), \(b) and \(c) are collinear; four points with three on a line do not determine a homography")
        }
    }

    @inlinable
    static func isCollinear(_ a: Point2, _ b: Point2, _ c: Point2) -> Bool {
        let u = b - a, v = c - a, w = c - b
        let cr = u.cross(v)
        let ext = max(u.lengthSquared, v.lengthSquared, w.lengthSquared)
        return abs(cr) <= collinearTolerance * ext
    }
}
