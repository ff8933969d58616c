import AnchorGeometry

/// What the fitted lattice says about the scan, read against the file's calibration.
///
/// A scanning microscope moves the tip (or beam) fast along x and slowly along y. Drift and
/// creep during a frame act mostly along the slow axis: each line starts a little farther
/// (or nearer, or sideways) than the calibration says, so the image's y pixel is stretched or
/// compressed and sheared, while the x pixel — one line takes milliseconds — keeps its
/// calibrated size. Reading H⁻¹ at the image centre as two vectors (model units per pixel),
/// `jx` along the fast axis and `jy` along the slow one:
/// - `fastScale` = |jx| / the file's x pixel size: 1 when the lattice has the model's
///   constant and the file is calibrated right (`nil` without calibration);
/// - `slowDrift` = |jy − s·n| / s, with n the unit vector perpendicular to jx and s the file's
///   y pixel size (without calibration s = |jx|: square pixels): the drift along the slow
///   axis that the fit implies, as a fraction of the field per frame. Its parts:
///   `slowStretch` = jy·n / s − 1 (aspect) and `slowShear` = jy·jx̂ / s.
///
/// A frame of the right lattice may show a large `slowDrift` (the real `Si_7x7_028.sxm`:
/// 0.3 of the field), but a lattice that is not the model's shows up as a fast-axis scale
/// the calibration does not allow, or as a slow-axis drift no scanner makes.
struct ScanGeometry: Sendable, Equatable {
    var fastScale: Double?
    var slowStretch: Double
    var slowShear: Double
    var slowDrift: Double
    /// |jy| / |jx|: the pixel aspect the fit measures (1: square).
    var aspect: Double

    /// From H (model → image pixels) at `centre` (pixels) and the file's pixel size in model
    /// units per pixel (x, y), when it has one.
    init?(homography: Homography, centre: Point2, filePixelSize: Point2?) {
        guard let inv = try? homography.inverse() else { return nil }
        let e = 0.5
        let jx = (inv.apply(centre + Point2(e, 0)) - inv.apply(centre - Point2(e, 0))) / (2 * e)
        let jy = (inv.apply(centre + Point2(0, e)) - inv.apply(centre - Point2(0, e))) / (2 * e)
        guard jx.isFinite, jy.isFinite, jx.length > 0 else { return nil }
        let ex = jx / jx.length
        // The perpendicular on the side of jy (a mirrored fit keeps its handedness out of the
        // drift estimate).
        var n = Point2(-ex.y, ex.x)
        if n.dot(jy) < 0 { n = -n }
        let sx = filePixelSize?.x ?? jx.length
        let sy = filePixelSize?.y ?? jx.length
        guard sx > 0, sy > 0 else { return nil }
        fastScale = filePixelSize == nil ? nil : jx.length / sx
        slowStretch = jy.dot(n) / sy - 1
        slowShear = jy.dot(ex) / sy
        slowDrift = (jy - n * sy).length / sy
        aspect = jy.length / jx.length
    }
}
