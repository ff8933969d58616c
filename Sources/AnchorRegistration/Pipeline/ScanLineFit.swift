import AnchorGeometry
import AnchorImaging
import AnchorModels

/// The fine stage of the tolerant registration: a homography H plus a displacement field of the
/// scan lines (`ScanLineField`), image = H(P_m + shift) + d(x, y).
///
/// Why: drift and piezo creep of a scanning-probe microscope move whole scan lines by amounts
/// that change non-linearly along the slow axis (creep decays exponentially; thermal drift
/// speeds up and slows down). On a large frame with small cells that moves anchors by a large
/// fraction of a cell: one homography then fits only a band of the frame and pairs the rest
/// wrongly or not at all. The model here tracks the lattice line by line: anchors are paired
/// with the prediction H(P_m) + d(y), H is refitted by least squares on the inliers (so it
/// keeps the frame's global scale, rotation, shear and perspective) and d is fitted line by line
/// to the residuals of the inliers in a band of scan lines around each line (so it holds only
/// what H cannot represent). Pairing, H and d are iterated until the pairs stop changing; each round the
/// prediction improves and more anchors of the displaced bands are captured.
///
/// A displacement that is linear along each line is what the scan mechanism can produce; it
/// cannot absorb a local misfit, so an inlier still means "this anchor is where the model
/// says". After the first round anchors are located by matching the frame's own anchor motif
/// (`AnchorMotif`) rather than by the darkest pixel.
struct ScanLineFit {
    var homography: Homography
    var field: ScanLineField
    /// The frame's anchor motif as last learnt (nil if too few anchors fitted).
    var motif: AnchorMotif?
    var pairs: [(model: Point2, image: Point2)]
    var inliers: [Bool]
    /// |P_e − H(P_m) − d(y)| per pair, pixels.
    var residuals: [Double]
    /// Model anchors the final prediction places in the frame.
    var inView: Int
    var iterations: Int

    /// Fits H and d(y) to the anchors, starting from the rough placement `start` (model → image).
    ///
    /// - Parameters:
    ///   - candidates: extracted anchor candidates (image pixels).
    ///   - smoothed: the levelled image blurred at the anchor scale (for sub-pixel snapping).
    ///   - anchorL: nearest-anchor distance in pixels.
    ///   - threshold: inlier distance, pixels.
    ///   - region: when given, only anchors predicted inside it are paired (one terrace).
    static func fit(model: AnchorModel, start: Homography, candidates: [Point2], smoothed: Image,
                    anchorL: Double, dark: Bool, threshold: Double, maxIterations: Int,
                    region: ((Point2) -> Bool)? = nil) throws -> ScanLineFit {
        let tree = KDTree(candidates)
        let width = smoothed.width, height = smoothed.height
        var h = start
        var field = ScanLineField(width: width, height: height)
        var result: ScanLineFit? = nil
        var lastKey: [Int] = []
        var motif: AnchorMotif? = nil
        let minimumScore = ScanLineFit.minimumMotifScore
        var iterations = 0
        while iterations <= maxIterations {
            let capture = (iterations == 0 ? 0.3 : 0.25) * anchorL
            let predict = { (m: Point2) -> Point2 in
                let p = h.apply(m)
                return p + field.displacement(at: p)
            }
            let inView = LatticeRegistrar.anchorsInView(model: model, transform: h, width: width, height: height,
                                                        margin: 0.25 * anchorL)
            var pairs: [(model: Point2, image: Point2)] = []
            var key: [Int] = []
            for (k, m) in inView.enumerated() {
                let p = predict(m)
                guard p.isFinite, region?(p) ?? true else { continue }
                var q: Point2? = nil
                if let motif {
                    if let hit = motif.match(in: smoothed, near: p, searchRadius: capture), hit.score >= minimumScore {
                        q = hit.position
                    }
                } else {
                    if let hit = tree.nearest(to: p, maxDistance: capture) { q = candidates[hit.index] }
                    if let refined = LocalPeakSearch.refine(in: smoothed, near: q ?? p, radius: q == nil ? capture : 0.15 * anchorL, dark: dark),
                       refined.position.distance(to: p) <= capture {
                        q = refined.position
                    }
                }
                if let q {
                    pairs.append((m, q))
                    key.append(k)
                }
            }
            guard pairs.count >= 8 else { throw RegistrationError.tooFewAnchors(found: pairs.count, needed: 8) }
            // H: robust on the first round (the rough placement may be off in some bands),
            // then least squares on the inliers of H + d.
            var inliers: [Bool]
            if iterations == 0 {
                let robust: HomographyFit
                do {
                    robust = try Homography.estimateRobust(
                        from: pairs.map(\.model), to: pairs.map { $0.image - field.displacement(at: $0.image) },
                        using: .default, options: RobustEstimationOptions(threshold: max(threshold, 0.15 * anchorL)))
                } catch {
                    throw RegistrationError.fitFailed("\(error)")
                }
                h = robust.homography
                inliers = robust.inliers
            } else {
                inliers = pairs.map { pair in
                    let p = h.apply(pair.model)
                    return pair.image.distance(to: p + field.displacement(at: p)) <= threshold
                }
                let sel = pairs.indices.filter { inliers[$0] }
                guard sel.count >= 8 else { throw RegistrationError.tooFewAnchors(found: sel.count, needed: 8) }
                do {
                    h = try Homography.estimate(from: sel.map { pairs[$0].model }, to: sel.map { pairs[$0].image })
                } catch {
                    throw RegistrationError.fitFailed("\(error)")
                }
            }
            // d: line by line, from the residuals of the inliers in a band of scan lines.
            let samples = pairs.indices.filter { inliers[$0] || iterations == 0 }.map { i in
                (position: pairs[i].image, residual: pairs[i].image - h.apply(pairs[i].model))
            }
            field = ScanLineField(samples: samples, width: width, height: height, halfWidth: 0.75 * anchorL, minimumCount: 12)
            var fit = ScanLineFit(homography: h, field: field, motif: motif, pairs: pairs, inliers: [], residuals: [],
                                  inView: inView.count, iterations: iterations + 1)
            fit.residuals = pairs.map { $0.image.distance(to: fit.predict($0.model)) }
            fit.inliers = fit.residuals.map { $0 <= threshold }
            // The motif of this frame's anchors, from the pairs that fit (the first round's
            // generously): from now on anchors are found by matching it.
            let loose = iterations == 0 ? 0.15 * anchorL : threshold
            let centres = pairs.indices.filter { fit.residuals[$0] <= loose }.map { pairs[$0].image }
            motif = AnchorMotif(image: smoothed, centres: centres, radius: max(2, min(12, Int((0.5 * anchorL).rounded())))) ?? motif
            fit.motif = motif
            result = fit
            iterations += 1
            // Stable: after the motif has taken over (round 3 on), fewer than 0.5 % of the
            // pairs changed. Motif matches at the noise floor flip in and out every round, so
            // demanding identical pairs would run to the round limit.
            let changed = Set(key).symmetricDifference(lastKey).count
            if iterations >= 3 && changed <= max(1, Int(0.005 * Double(key.count))) { break }
            lastKey = key
        }
        guard let result else { throw RegistrationError.fitFailed("no fit") }
        return result
    }

    /// A neighbourhood correlating less than this with the motif is not an anchor (a defect,
    /// an adsorbate, the step itself).
    static let minimumMotifScore = 0.3

    /// H(m + shift) + d, pixels.
    func predict(_ m: Point2, shift: Point2 = .zero) -> Point2 {
        let p = homography.apply(m + shift)
        return p + field.displacement(at: p)
    }
}
