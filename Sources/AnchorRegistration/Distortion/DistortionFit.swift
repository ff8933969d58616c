import AnchorGeometry

/// One distortion model fitted to anchor pairs: image = H(P_m) + d(H(P_m)), with d zero for
/// the homography, the scan-line field or the smooth 2-D field otherwise (pixels).
///
/// H and d are fitted alternately: H by least squares to the anchors with the field removed
/// (P_e − d(H(P_m))), d to the residuals P_e − H(P_m) placed at H(P_m) (where `predict`
/// reads it), three rounds — H keeps the frame's global
/// scale, rotation, shear and perspective, d only what H cannot represent. After the first
/// round, pairs farther from the model than three robust standard deviations (and than
/// `trimFloor` pixels) are left out: a mispaired anchor (a defect, an adsorbate) must not
/// bend the field.
struct DistortionFit: Sendable {
    var kind: DistortionModelKind
    var homography: Homography
    var scanLines: ScanLineField?
    var smooth: SmoothDisplacementField?

    /// d at image point `p` (pixels).
    func displacement(at p: Point2) -> Point2 {
        if let scanLines { return scanLines.displacement(at: p) }
        if let smooth { return smooth.displacement(at: p) }
        return .zero
    }

    /// The model point (model units) the model puts at image point `p`: m ← H⁻¹(p − d(H(m))),
    /// a few fixed-point rounds from H⁻¹(p) (the field is small and smooth).
    func modelPoint(ofImage p: Point2, inverse: Homography) -> Point2 {
        var m = inverse.apply(p)
        guard kind != .homography else { return m }
        for _ in 0..<4 { m = inverse.apply(p - displacement(at: homography.apply(m))) }
        return m
    }

    /// Where the model puts model point `m`: H(m) + d(H(m)), pixels.
    func predict(_ m: Point2) -> Point2 {
        let p = homography.apply(m)
        return p + displacement(at: p)
    }

    /// Fits `kind` to the pairs `model[i]` (model units) ↔ `image[i]` (pixels) of a
    /// `width` × `height` frame whose anchors lie `anchorSpacing` pixels apart.
    /// - Throws: `RegistrationError.fitFailed` when H cannot be estimated.
    static func fit(_ kind: DistortionModelKind, model allModel: [Point2], image allImage: [Point2], width: Int, height: Int,
                    anchorSpacing: Double, trimFloor: Double = 0.5) throws -> DistortionFit {
        var model = allModel, image = allImage
        var h: Homography
        do { h = try Homography.estimateAlgebraic(from: model, to: image) } catch { throw RegistrationError.fitFailed("\(error)") }
        var result = DistortionFit(kind: kind, homography: h, scanLines: nil, smooth: nil)
        for round in 0..<3 {
            if round == 1 {
                // Trim against the first model, then go on with the pairs that fit.
                let errors = model.indices.map { image[$0].distance(to: result.predict(model[$0])) }
                let limit = max(3 * robustScale(errors), trimFloor)
                let keep = model.indices.filter { errors[$0] <= limit }
                if keep.count >= 8, keep.count < model.count {
                    model = keep.map { model[$0] }
                    image = keep.map { image[$0] }
                    if kind == .homography || result.scanLines == nil && result.smooth == nil,
                       let refit = try? Homography.estimateAlgebraic(from: model, to: image) {
                        h = refit
                        result.homography = h
                    }
                }
                if kind == .homography { return result }
            }
            if kind == .homography { continue }
            let samples = model.indices.map { (position: h.apply(model[$0]), residual: image[$0] - h.apply(model[$0])) }
            switch kind {
            case .scanLineField:
                // Every eighth of an anchor spacing is fine enough for a field smooth over
                // ±0.75 spacings (and eight to sixty times less work on the frames of the study).
                result.scanLines = ScanLineField(samples: samples, width: width, height: height,
                                                 halfWidth: 0.75 * anchorSpacing, minimumCount: 12,
                                                 step: max(1, Int(anchorSpacing / 8)))
            case .smoothField:
                result.smooth = SmoothDisplacementField(samples: samples, width: width, height: height,
                                                        intervals: SmoothDisplacementField.intervals(forAnchors: model.count))
            case .homography:
                break
            }
            if round == 2 { break }
            let corrected = model.indices.map { image[$0] - result.displacement(at: h.apply(model[$0])) }
            guard let refit = try? Homography.estimateAlgebraic(from: model, to: corrected) else { break }
            h = refit
            result.homography = h
        }
        return result
    }
}
