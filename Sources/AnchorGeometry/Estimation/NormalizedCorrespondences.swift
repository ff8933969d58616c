/// A validated correspondence set in Hartley-normalised coordinates, the working space of
/// every estimator. Coordinates are stored interleaved, `[mx, my, ix, iy]` per
/// correspondence, so hot loops walk one contiguous buffer.
struct NormalizedCorrespondences: Sendable {
    let count: Int
    /// Interleaved normalised coordinates: model (x, y), image (x, y) for each correspondence.
    let xy: [Double]
    let modelNormalization: PointNormalization
    let imageNormalization: PointNormalization

    /// Validates (see `CorrespondenceValidation`) and normalises.
    init(model: [Point2], image: [Point2]) throws {
        try CorrespondenceValidation.validate(model: model, image: image)
        try self.init(validatedModel: model, image: image)
    }

    /// Normalises without the degeneracy checks (the caller has done them).
    init(validatedModel model: [Point2], image: [Point2]) throws {
        modelNormalization = try PointNormalization(points: model)
        imageNormalization = try PointNormalization(points: image)
        count = model.count
        var xy = [Double](repeating: 0, count: 4 * model.count)
        for i in model.indices {
            let m = modelNormalization.apply(model[i]), q = imageNormalization.apply(image[i])
            xy[4 * i] = m.x; xy[4 * i + 1] = m.y; xy[4 * i + 2] = q.x; xy[4 * i + 3] = q.y
        }
        self.xy = xy
    }

    /// A transform in normalised coordinates expressed in the original ones (model → image).
    func denormalize(_ hn: Homography) -> Homography {
        imageNormalization.inverseMatrix * hn * modelNormalization.matrix
    }

    /// A transform in original coordinates expressed in the normalised ones.
    func normalize(_ h: Homography) -> Homography {
        imageNormalization.matrix * h * modelNormalization.inverseMatrix
    }
}

extension Homography {
    /// The adjugate (the inverse up to the factor 1/det); defined for singular matrices too.
    @inlinable
    var adjugate: Homography {
        Homography(
            m22 * m33 - m23 * m32, m13 * m32 - m12 * m33, m12 * m23 - m13 * m22,
            m23 * m31 - m21 * m33, m11 * m33 - m13 * m31, m13 * m21 - m11 * m23,
            m21 * m32 - m22 * m31, m12 * m31 - m11 * m32, m11 * m22 - m12 * m21)
    }

    /// Squared reprojection error of model point (x, y) against image point (u, v).
    @inlinable @inline(__always)
    func squaredError(_ x: Double, _ y: Double, _ u: Double, _ v: Double) -> Double {
        let w = m31 * x + m32 * y + m33
        let inv = 1 / w
        let dx = (m11 * x + m12 * y + m13) * inv - u
        let dy = (m21 * x + m22 * y + m23) * inv - v
        let e = dx * dx + dy * dy
        // A point on the line at infinity (or a NaN from a broken hypothesis) is infinitely bad.
        return e.isNaN ? .infinity : e
    }
}
