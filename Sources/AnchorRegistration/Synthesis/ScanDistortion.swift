import AnchorGeometry
import RealModule

/// The distortion model of a synthetic scanning-probe frame: how an image pixel (x, y)
/// (pixel centres at integers, x right = fast scan axis, y down = slow scan axis) maps to the
/// surface point (model coordinates, nm) the tip was over when the pixel was recorded.
///
/// With frame time t = (y + x / width) / height ∈ [0, 1) (rows are the slow axis):
///
///     q  = ((x − cx)·p, (y − cy)·p)            nominal scanner position, nm, centred
///        + drift · t                             linear thermal drift (nm per frame)
///        + (A · exp(−t / τ), 0)                  piezo creep along x, decaying over the frame
///     q' = P(q),  P = [[1,0,0],[0,1,0],[g,h,1]]  a mild perspective (projective) part
///     m  = c + R(−θ) · q'                        the surface (model) point
///
/// where p is the nominal pixel size (field of view / pixels), (cx, cy) the image centre,
/// θ the rotation of the lattice as seen in the image (positive = clockwise on screen, as
/// y points down) and c the model point under the image centre. Drift is the displacement
/// of the tip relative to the surface. Without creep (A = 0) the whole map is one
/// homography, and `modelToImage` is exact; with creep it is not, and positions come from
/// Newton iteration on the per-pixel map (`imagePoint(of:)`).
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

    /// True when the map is a single homography (no creep).
    public var isHomography: Bool { creepAmplitude == 0 }

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
        var qx = (x - Double(width - 1) / 2) * pixelSize + drift.x * t
        let qy = (y - Double(height - 1) / 2) * pixelSize + drift.y * t
        if creepAmplitude != 0 { qx += creepAmplitude * Double.exp(-t / creepTau) }
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
            let dx = (f.x * fy.y - fy.x * f.y) / det
            let dy = (fx.x * f.y - f.x * fx.y) / det
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
