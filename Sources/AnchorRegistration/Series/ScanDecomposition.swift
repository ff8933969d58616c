import AnchorGeometry
import AnchorModels
import RealModule

/// The geometry of one scanned frame split the way the physics splits it: a rotation of the
/// lattice in the scanner frame, an upper-triangular scan matrix in the fast/slow axes (drift
/// during the frame stretches the slow axis and shears it; the fast axis is hardly touched),
/// a translation, and an exponential creep along the fast axis after the frame start:
///
///     m = m_c + R(−θ)·[U·(x − c_x, y − c_y) + (A·exp(−t/τ) − A·exp(−t_c/τ), 0)]
///     U = [[u_f, s], [0, u_s]]   (nm per pixel; u_f fast axis, u_s slow axis, s shear)
///
/// for image pixel (x, y) (x right = fast axis, rows = slow axis), model point m (model
/// units, nm), slow-axis time fraction t ∈ [0, 1) of the pixel, (c_x, c_y) the image centre
/// and t_c its time. Fitted by linear least squares to the registration's inlier anchors
/// and the located present sites (a grid search over τ); the 2×2 linear part is split by a
/// QR decomposition L = R(−θ)·U. This is what lets the lattice's rotation and position come
/// out in nm of the scanner frame instead of pixel offsets (issue 12): drift of d nm over a
/// frame of H lines puts d_x/H into s and d_y/H into u_s − u_f.
public struct ScanDecomposition: Sendable, Codable, Equatable {
    /// Lattice rotation θ in the scanner frame, radians (model → scanner is R(θ)).
    public var rotation: Double
    /// U as [u_f, s, u_s], nm per pixel.
    public var scan: [Double]
    /// The model point under the image centre at the centre's time, model units.
    public var centreModel: Point2
    /// Its standard error (x, y), model units.
    public var centreSigma: Point2
    /// Creep amplitude A along the fast axis, nm (0 when the fit found none), and τ as a
    /// fraction of the frame time.
    public var creepAmplitude: Double
    @NullWhenAbsent public var creepTau: Double?
    /// Points fitted, and their RMS residual (model units).
    public var points: Int
    public var rmsResidual: Double
    /// Image size and scan direction the decomposition refers to.
    public var width: Int
    public var height: Int
    public var slowAxisUp: Bool

    /// Slow-axis time fraction of image row y: 0 at the first recorded line.
    public static func timeFraction(y: Double, x: Double, width: Int, height: Int, slowAxisUp: Bool) -> Double {
        let row = slowAxisUp ? Double(height - 1) - y : y
        return (row + x / Double(width)) / Double(height)
    }

    var centre: Point2 { Point2(Double(width - 1) / 2, Double(height - 1) / 2) }

    /// Time fraction of the image centre.
    public var centreTime: Double {
        Self.timeFraction(y: centre.y, x: centre.x, width: width, height: height, slowAxisUp: slowAxisUp)
    }

    /// The model → scanner rotation applied to a model vector.
    public func toScanner(_ m: Point2) -> Point2 {
        let c = Double.cos(rotation), s = Double.sin(rotation)
        return Point2(c * m.x - s * m.y, s * m.x + c * m.y)
    }

    /// The scanner → model rotation applied to a scanner vector.
    public func toModel(_ q: Point2) -> Point2 {
        let c = Double.cos(rotation), s = Double.sin(rotation)
        return Point2(c * q.x + s * q.y, -s * q.x + c * q.y)
    }

    /// Where model point `m` (this frame's numbering) sits in the scanner frame (nm, origin at
    /// the image centre) at the centre's time.
    public func scannerPosition(ofModel m: Point2) -> Point2 { toScanner(m - centreModel) }

    /// Model point (model units) under image pixel p.
    public func modelPoint(ofImage p: Point2) -> Point2 {
        let d = p - centre
        var q = Point2(scan[0] * d.x + scan[1] * d.y, scan[2] * d.y)
        if let tau = creepTau, creepAmplitude != 0 {
            let t = Self.timeFraction(y: p.y, x: p.x, width: width, height: height, slowAxisUp: slowAxisUp)
            q.x += creepAmplitude * (Double.exp(-t / tau) - Double.exp(-centreTime / tau))
        }
        return centreModel + toModel(q)
    }

    /// Image pixel of model point m (inverse of `modelPoint(ofImage:)`, by fixed-point
    /// iteration on the creep term, which varies slowly with y).
    public func imagePoint(ofModel m: Point2) -> Point2 {
        imageMap()(m)
    }

    /// `imagePoint(ofModel:)` as a function with what does not depend on the point (the
    /// rotation's cosine and sine, the creep at the centre's time) computed once: a stack
    /// page maps millions of points, and those were most of its exponentials and all of its
    /// trigonometry. The same operations in the same order, so the same results.
    public func imageMap() -> (Point2) -> Point2 {
        let c = Double.cos(rotation), s = Double.sin(rotation)
        let centreCreep = creepTau.map { Double.exp(-centreTime / $0) } ?? 0
        let (centreModel, scan, centre, creepTau, creepAmplitude) = (centreModel, scan, centre, creepTau, creepAmplitude)
        let (width, height, slowAxisUp) = (width, height, slowAxisUp)
        return { m in
            let v = m - centreModel
            let q = Point2(c * v.x - s * v.y, s * v.x + c * v.y)
            var creep = 0.0
            var p = Point2.zero
            for _ in 0..<(creepTau == nil ? 1 : 4) {
                let qy = q.y, qx = q.x - creep
                let dy = qy / scan[2]
                let dx = (qx - scan[1] * dy) / scan[0]
                p = centre + Point2(dx, dy)
                if let tau = creepTau, creepAmplitude != 0 {
                    let t = Self.timeFraction(y: p.y, x: p.x, width: width, height: height, slowAxisUp: slowAxisUp)
                    creep = creepAmplitude * (Double.exp(-t / tau) - centreCreep)
                }
            }
            return p
        }
    }

    /// Lattice drift velocity during the frame (scanner nm per second) read from U, with the
    /// frame time in seconds: the lattice moves by −(s·H, (u_s − u_f)·H) over the frame
    /// (signs flipped for an upward slow axis). Assumes square nominal pixels.
    public func inFrameVelocity(frameTime: Double) -> Point2? {
        guard frameTime > 0 else { return nil }
        let h = Double(height), sign = slowAxisUp ? -1.0 : 1.0
        return Point2(-sign * scan[1] * h, -sign * (scan[2] - scan[0]) * h) / frameTime
    }

    enum CodingKeys: String, CodingKey {
        case rotation = "rotation_rad", scan = "scan_matrix_nm_per_px", centreModel = "centre_model"
        case centreSigma = "centre_sigma", creepAmplitude = "creep_amplitude_nm", creepTau = "creep_tau"
        case points, rmsResidual = "rms_residual", width, height, slowAxisUp = "slow_axis_up"
    }
}

extension ScanDecomposition {
    /// Fits the decomposition to pairs of image pixels and model points (model units).
    ///
    /// Two rounds: a fit to all points, then one without those beyond 3.5 robust σ. Creep
    /// is kept when it lowers the residual sum by an F ratio above 20 (two more parameters).
    /// - Throws: `RegistrationError.fitFailed` with fewer than 8 points or a degenerate fit.
    public static func fit(image: [Point2], model: [Point2], width: Int, height: Int,
                           slowAxisUp: Bool = false) throws -> ScanDecomposition {
        guard image.count == model.count, image.count >= 8 else {
            throw RegistrationError.fitFailed("scan decomposition needs at least 8 points, got \(image.count)")
        }
        var keep = [Bool](repeating: true, count: image.count)
        var result = try fitOnce(image, model, keep, width, height, slowAxisUp)
        var residuals = zip(image, model).map { (result.modelPoint(ofImage: $0.0) - $0.1).length }
        let sorted = residuals.sorted()
        let sigma = max(1.4826 * sorted[sorted.count / 2], 1e-9)
        keep = residuals.map { $0 <= 3.5 * sigma }
        if keep.filter({ $0 }).count >= 8 && keep.contains(false) {
            result = try fitOnce(image, model, keep, width, height, slowAxisUp)
            residuals = zip(image, model).map { (result.modelPoint(ofImage: $0.0) - $0.1).length }
        }
        return result
    }

    private static func fitOnce(_ image: [Point2], _ model: [Point2], _ keep: [Bool], _ width: Int, _ height: Int,
                                _ up: Bool) throws -> ScanDecomposition {
        let cx = Double(width - 1) / 2, cy = Double(height - 1) / 2
        let scale = Double(max(width, height))
        let idx = keep.indices.filter { keep[$0] }
        let n = idx.count
        let tc = timeFraction(y: cy, x: cx, width: width, height: height, slowAxisUp: up)
        // Design rows [1, dx, dy, e(t) − e(t_c)] (dx, dy scaled to ~1 for conditioning).
        func solve(_ tau: Double?) -> (coef: [[Double]], rss: Double, normal: [Double], p: Int)? {
            let p = tau == nil ? 3 : 4
            var ata = [Double](repeating: 0, count: p * p)
            var atx = [Double](repeating: 0, count: p), aty = [Double](repeating: 0, count: p)
            var row = [Double](repeating: 0, count: p)
            let ec = tau.map { Double.exp(-tc / $0) } ?? 0
            for i in idx {
                row[0] = 1; row[1] = (image[i].x - cx) / scale; row[2] = (image[i].y - cy) / scale
                if let tau {
                    row[3] = Double.exp(-timeFraction(y: image[i].y, x: image[i].x, width: width, height: height, slowAxisUp: up) / tau) - ec
                }
                for a in 0..<p {
                    for b in 0..<p { ata[a * p + b] += row[a] * row[b] }
                    atx[a] += row[a] * model[i].x
                    aty[a] += row[a] * model[i].y
                }
            }
            guard let cxs = try? DenseSolve.solve(ata, atx), let cys = try? DenseSolve.solve(ata, aty) else { return nil }
            var rss = 0.0
            for i in idx {
                row[0] = 1; row[1] = (image[i].x - cx) / scale; row[2] = (image[i].y - cy) / scale
                if let tau {
                    row[3] = Double.exp(-timeFraction(y: image[i].y, x: image[i].x, width: width, height: height, slowAxisUp: up) / tau) - ec
                }
                var px = 0.0, py = 0.0
                for a in 0..<p { px += row[a] * cxs[a]; py += row[a] * cys[a] }
                rss += (px - model[i].x) * (px - model[i].x) + (py - model[i].y) * (py - model[i].y)
            }
            return ([cxs, cys], rss, ata, p)
        }
        guard let plain = solve(nil) else { throw RegistrationError.fitFailed("scan decomposition: degenerate points") }
        var best = plain
        var bestTau: Double? = nil
        if n >= 12 {
            var candidate: (fit: (coef: [[Double]], rss: Double, normal: [Double], p: Int), tau: Double)? = nil
            var tau = 0.01
            while tau <= 0.5 {
                if let f = solve(tau), f.rss < (candidate?.fit.rss ?? .infinity) { candidate = (f, tau) }
                tau *= 1.15
            }
            if let c = candidate {
                let dof = Double(2 * n - 8)
                let fRatio = (plain.rss - c.fit.rss) / 2 / max(c.fit.rss / dof, 1e-300)
                if fRatio > 20 { best = c.fit; bestTau = c.tau }
            }
        }
        let cxs = best.coef[0], cys = best.coef[1]
        // L (model per pixel) and its QR split L = R(−θ)·U.
        let l00 = cxs[1] / scale, l01 = cxs[2] / scale, l10 = cys[1] / scale, l11 = cys[2] / scale
        let uf = (l00 * l00 + l10 * l10).squareRoot()
        guard uf > 0, uf.isFinite else { throw RegistrationError.fitFailed("scan decomposition: zero fast-axis scale") }
        let c = l00 / uf, s = -l10 / uf
        let rotation = Double.atan2(y: s, x: c)
        let shear = c * l01 - s * l11, us = s * l01 + c * l11
        guard us > 0 else { throw RegistrationError.fitFailed("scan decomposition: the image is mirrored against the model") }
        var creep = 0.0
        if best.p == 4 {
            // v = R(−θ)·(A, 0): A = (R(θ)·v).x.
            creep = c * cxs[3] - s * cys[3]
        }
        // Standard error of the centre: σ²·(AᵀA)⁻¹[0][0] with σ² pooled over x and y.
        let dof = Double(max(2 * n - 2 * best.p, 1))
        let sigma2 = best.rss / dof
        var e0 = [Double](repeating: 0, count: best.p); e0[0] = 1
        let inv00 = ((try? DenseSolve.solve(best.normal, e0)) ?? e0)[0]
        let se = (sigma2 * max(inv00, 0)).squareRoot()
        return ScanDecomposition(
            rotation: rotation, scan: [uf, shear, us], centreModel: Point2(cxs[0], cys[0]), centreSigma: Point2(se, se),
            creepAmplitude: creep, creepTau: bestTau, points: n, rmsResidual: (best.rss / Double(n)).squareRoot(),
            width: width, height: height, slowAxisUp: up)
    }
}
