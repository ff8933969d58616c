import AnchorGeometry
import RealModule

/// The distortion model of a synthetic scanning-probe frame: how an image pixel (x, y)
/// (pixel centres at integers, x right = fast scan axis, y down = slow scan axis) maps to the
/// surface point (model coordinates, nm) the tip was over when the pixel was recorded.
///
/// With frame time t = (y + x / width) / height ∈ [0, 1) (rows are the slow axis) and line
/// time s = x / width ∈ [0, 1) (the fast axis):
///
///     u  = ((x + j(y) − cx)·p, (y − cy)·p)       nominal scanner position, nm, centred; j(y) the
///                                                scan-line jitter (px, per line, C¹ between lines)
///     n  = (uₓ / hₓ, u_y / h_y)                  normalised position, h = half the field
///     q  = u + (hₓ(αₓnₓ² + βₓnₓ³), h_y(α_y n_y² + β_y n_y³))   piezo non-linearity
///        + drift · t                             linear thermal drift (nm per frame)
///        + (A, A_y) · exp(−t / τ)                slow-axis creep, decaying over the frame
///        + (B · exp(−s / τ_f), 0)                fast-axis creep after every line start
///        + (0, b · nₓ²)                          lateral bow (y offset growing as x²)
///     q' = P(q),  P = [[1,0,0],[0,1,0],[g,h,1]]  a mild perspective (projective) part
///     m  = c + R(−θ) · q'                        the surface (model) point
///
/// where p is the nominal pixel size (field of view / pixels), (cx, cy) the image centre,
/// θ the rotation of the lattice as seen in the image (positive = clockwise on screen, as
/// y points down) and c the model point under the image centre. Drift is the displacement
/// of the tip relative to the surface. Without creep, bow, non-linearity and jitter the whole
/// map is one homography, and `linearModelToImage` is exact; otherwise it is not, and
/// positions come from Newton iteration on the per-pixel map (`imagePoint(of:)`).
public struct ScanDistortion: Sendable, Hashable {
    public var width: Int
    public var height: Int
    /// Nominal pixel size p, nm per pixel (what the instrument would record).
    public var pixelSize: Double
    /// Rotation θ of the model in the image, radians.
    public var rotation: Double
    /// Model point (nm) under the image centre.
    public var centre: Point2
    /// Drift over the whole frame, nm (x, y in the scanner frame).
    public var drift: Point2
    /// Creep amplitude A, nm (x offset of the first line).
    public var creepAmplitude: Double
    /// Creep time constant τ as a fraction of the frame time.
    public var creepTau: Double
    /// Perspective coefficients (g, h) in 1/nm.
    public var perspective: Point2
    /// Slow-axis creep along y, A_y in nm (same decay τ as `creepAmplitude`).
    public var creepAmplitudeY: Double = 0
    /// Fast-axis creep B, nm: x offset at every line start, decaying with τ_f along the line.
    public var fastCreepAmplitude: Double = 0
    /// Fast-axis creep time constant τ_f as a fraction of the line time.
    public var fastCreepTau: Double = 0.05
    /// Lateral bow b, nm: the y offset at the left and right edges of the field (∝ x²).
    public var bow: Double = 0
    /// Piezo non-linearity along x as (α, β) in normalised coordinates (fraction of half the field).
    public var nonlinearityX: Point2 = .zero
    /// Piezo non-linearity along y as (α, β).
    public var nonlinearityY: Point2 = .zero
    /// Scan-line jitter j per line, pixels along x (empty: none). Between lines the offset is
    /// a Catmull-Rom curve through the line values, so the map is C¹ and invertible by Newton;
    /// at the rendered rows it equals the line's value.
    public var lineJitter: [Double] = []

    public init(width: Int, height: Int, pixelSize: Double, rotation: Double, centre: Point2,
                drift: Point2 = .zero, creepAmplitude: Double = 0, creepTau: Double = 0.1,
                perspective: Point2 = .zero) {
        self.width = width
        self.height = height
        self.pixelSize = pixelSize
        self.rotation = rotation
        self.centre = centre
        self.drift = drift
        self.creepAmplitude = creepAmplitude
        self.creepTau = creepTau
        self.perspective = perspective
    }

    /// True when the map is a single homography (no creep, bow, non-linearity or jitter).
    public var isHomography: Bool {
        creepAmplitude == 0 && creepAmplitudeY == 0 && fastCreepAmplitude == 0 && bow == 0
            && nonlinearityX == .zero && nonlinearityY == .zero && !lineJitter.contains { $0 != 0 }
    }

    /// An upper bound (nm) of how far the non-projective terms move any point of the frame:
    /// how far the true image position can be from the linear (homography) guess.
    public var nonProjectiveBound: Double {
        let hx = pixelSize * Double(width) / 2, hy = pixelSize * Double(height) / 2
        let jitter = lineJitter.reduce(0) { max($0, abs($1)) } * pixelSize * 1.2
        return abs(creepAmplitude) + abs(creepAmplitudeY) + abs(fastCreepAmplitude) + abs(bow)
            + hx * (abs(nonlinearityX.x) + abs(nonlinearityX.y)) + hy * (abs(nonlinearityY.x) + abs(nonlinearityY.y))
            + jitter
    }

    /// Jitter offset (px) at continuous row y: Catmull-Rom through the per-line values.
    @inlinable
    public func jitter(atRow y: Double) -> Double {
        let n = lineJitter.count
        guard n > 0 else { return 0 }
        let yc = min(max(y, 0), Double(n - 1))
        let k = min(Int(yc), max(n - 2, 0))
        guard n > 1 else { return lineJitter[0] }
        let f = yc - Double(k)
        let p0 = lineJitter[max(k - 1, 0)], p1 = lineJitter[k], p2 = lineJitter[k + 1], p3 = lineJitter[min(k + 2, n - 1)]
        return p1 + 0.5 * f * (p2 - p0 + f * (2 * p0 - 5 * p1 + 4 * p2 - p3 + f * (3 * (p1 - p2) + p3 - p0)))
    }

    /// The image → model homography of everything except creep.
    public var linearImageToModel: Homography {
        let p = pixelSize
        let cx = Double(width - 1) / 2, cy = Double(height - 1) / 2
        let w = Double(width), h = Double(height)
        // q = K (x, y, 1): nominal position plus drift · (y + x / w) / h.
        let k = Homography(p + drift.x / (w * h), drift.x / h, -cx * p,
                           drift.y / (w * h), p + drift.y / h, -cy * p,
                           0, 0, 1)
        let persp = Homography(1, 0, 0, 0, 1, 0, perspective.x, perspective.y, 1)
        let s = Homography.translation(centre.x, centre.y) * Homography.rotation(-rotation)
        return s * persp * k
    }

    /// The exact model → image homography when there is no creep; otherwise the model →
    /// image map of everything but creep (see `isHomography`).
    public var linearModelToImage: Homography {
        // The composition of invertible near-identity factors is invertible for any valid
        // parameters (checked by the generator); fall back to identity only on NaN input.
        (try? linearImageToModel.inverse()) ?? .identity
    }

    /// Frame time t ∈ [0, 1) of image point (x, y).
    @inlinable
    public func frameTime(x: Double, y: Double) -> Double {
        (y + x / Double(width)) / Double(height)
    }

    /// The model point (nm) under image point (x, y): the forward per-pixel map.
    @inlinable
    public func modelPoint(x: Double, y: Double) -> Point2 {
        let t = (y + x / Double(width)) / Double(height)
        let j = lineJitter.isEmpty ? 0 : jitter(atRow: y)
        let ux = (x + j - Double(width - 1) / 2) * pixelSize
        let uy = (y - Double(height - 1) / 2) * pixelSize
        let hx = pixelSize * Double(width) / 2, hy = pixelSize * Double(height) / 2
        let nx = ux / hx, ny = uy / hy
        var qx = ux + drift.x * t
        var qy = uy + drift.y * t
        if nonlinearityX != .zero { qx += hx * nx * nx * (nonlinearityX.x + nonlinearityX.y * nx) }
        if nonlinearityY != .zero { qy += hy * ny * ny * (nonlinearityY.x + nonlinearityY.y * ny) }
        if creepAmplitude != 0 || creepAmplitudeY != 0 {
            // Above the frame (t below that of any point in it) the exponential is continued
            // by its tangent, so Newton iterates that stray there stay bounded.
            let t0 = -1 / Double(height)
            let e = t >= t0 ? Double.exp(-t / creepTau) : Double.exp(-t0 / creepTau) * (1 - (t - t0) / creepTau)
            qx += creepAmplitude * e
            qy += creepAmplitudeY * e
        }
        if fastCreepAmplitude != 0 {
            // Left of the first sample (s < 0, no pixel there) the exponential is continued by
            // its tangent, so Newton iterates that stray outside stay bounded.
            let u = x / Double(width) / fastCreepTau
            qx += fastCreepAmplitude * (u >= 0 ? Double.exp(-u) : 1 - u)
        }
        if bow != 0 { qy += bow * nx * nx }
        let w = 1 + perspective.x * qx + perspective.y * qy
        let px = qx / w, py = qy / w
        let c = Double.cos(rotation), s = Double.sin(rotation)
        // R(−θ) = [[c, s], [−s, c]]
        return Point2(centre.x + c * px + s * py, centre.y - s * px + c * py)
    }

    /// The image point (pixels) whose pixel map lands on model point `m` (nm), by Newton
    /// iteration started from the creep-free homography.
    /// - Throws: `SynthesisError.distortionNotInvertible` when Newton does not converge to
    ///   1e-9 px within 50 steps.
    public func imagePoint(of m: Point2) throws -> Point2 {
        var p = linearModelToImage.apply(m)
        if isHomography && p.isFinite { return p }
        guard p.isFinite else { throw SynthesisError.distortionNotInvertible(m) }
        let e = 1e-4
        for _ in 0..<50 {
            let f = modelPoint(x: p.x, y: p.y) - m
            let fx = (modelPoint(x: p.x + e, y: p.y) - modelPoint(x: p.x - e, y: p.y)) / (2 * e)
            let fy = (modelPoint(x: p.x, y: p.y + e) - modelPoint(x: p.x, y: p.y - e)) / (2 * e)
            let det = fx.x * fy.y - fy.x * fx.y
            guard det.isFinite, abs(det) > 1e-300 else { break }
            var dx = (f.x * fy.y - fy.x * f.y) / det
            var dy = (fx.x * f.y - f.x * fx.y) / det
            // Damped: halve the step until the mismatch shrinks (the map is far from linear
            // where creep and bow are strong).
            let f0 = f.length
            for _ in 0..<12 {
                if (modelPoint(x: p.x - dx, y: p.y - dy) - m).length < f0 || f0 < 1e-12 { break }
                dx *= 0.5
                dy *= 0.5
            }
            p = Point2(p.x - dx, p.y - dy)
            if dx * dx + dy * dy < 1e-18 { return p }
        }
        throw SynthesisError.distortionNotInvertible(m)
    }

    /// Local scale of the map at image point (x, y): √|det J| in nm per pixel (the "true"
    /// pixel size there, which drift and creep make differ from `pixelSize`).
    public func localPixelSize(x: Double, y: Double) -> Double {
        let e = 0.5
        let fx = (modelPoint(x: x + e, y: y) - modelPoint(x: x - e, y: y)) / (2 * e)
        let fy = (modelPoint(x: x, y: y + e) - modelPoint(x: x, y: y - e)) / (2 * e)
        return abs(fx.x * fy.y - fy.x * fx.y).squareRoot()
    }
}
