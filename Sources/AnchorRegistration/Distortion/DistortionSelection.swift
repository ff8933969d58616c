import AnchorGeometry

/// The per-frame choice of distortion model by k-fold cross-validation over anchors
/// (issue 10): the paired anchors are split into `folds` interleaved groups; each candidate
/// is fitted without one group and predicts it, and its held-out residual is the RMS over all
/// anchors of |P_e − prediction| (pixels), each clipped at `clip` pixels so that a mispaired
/// anchor counts as one miss, not as its distance. All paired anchors take part, not only
/// the homography's inliers: the anchors H cannot explain are the evidence for a field. A model with more freedom is chosen only when its
/// held-out residual is at least `margin` (5 %) below that of the model chosen so far, so
/// extra freedom is used only where it predicts unseen anchors better.
public struct DistortionSelection: Sendable, Codable, Equatable {
    /// One candidate's cross-validated residual.
    public struct Candidate: Sendable, Codable, Equatable {
        public var kind: DistortionModelKind
        /// RMS and median held-out residual, pixels (NaN when it could not be fitted).
        public var heldOutRMS: Double
        public var heldOutMedian: Double

        enum CodingKeys: String, CodingKey {
            case kind, heldOutRMS = "held_out_rms_px", heldOutMedian = "held_out_median_px"
        }
    }

    public var candidates: [Candidate]
    public var chosen: DistortionModelKind
    public var folds: Int
    public var anchors: Int
    /// Relative improvement a freer model needs (0.05: 5 % lower held-out RMS).
    public var margin: Double

    enum CodingKeys: String, CodingKey {
        case candidates, chosen, folds, anchors, margin
    }

    /// Cross-validates every kind on the pairs and returns the choice with the chosen model
    /// fitted to all pairs.
    ///
    /// - Parameters:
    ///   - model, image: the inlier anchor pairs (model units ↔ image pixels).
    ///   - anchorSpacing: nearest-anchor distance, pixels.
    ///   - kinds: the candidates (the homography is always one).
    static func select(model: [Point2], image: [Point2], width: Int, height: Int, anchorSpacing: Double,
                       folds requested: Int = 5, margin: Double = 0.05, clip: Double? = nil,
                       kinds: [DistortionModelKind] = DistortionModelKind.allCases) -> (DistortionSelection, DistortionFit?) {
        let n = model.count
        let folds = max(2, min(requested, n / 8))
        // Interleaved folds in reading order of anchor rows: every held-out anchor has
        // training neighbours on all sides.
        let order = model.indices.sorted {
            let ra = (image[$0].y / anchorSpacing).rounded(), rb = (image[$1].y / anchorSpacing).rounded()
            return ra != rb ? ra < rb : image[$0].x < image[$1].x
        }
        var fold = [Int](repeating: 0, count: n)
        for (k, i) in order.enumerated() { fold[i] = k % folds }
        var candidates: [Candidate] = []
        var all = kinds
        if !all.contains(.homography) { all.insert(.homography, at: 0) }
        for kind in all {
            // A field needs enough anchors per training set to mean anything.
            let minimum = kind == .homography ? 8 : 24
            guard n >= minimum + n / folds else {
                candidates.append(Candidate(kind: kind, heldOutRMS: .nan, heldOutMedian: .nan))
                continue
            }
            var errors: [Double] = []
            var failed = false
            for f in 0..<folds {
                let train = model.indices.filter { fold[$0] != f }
                let test = model.indices.filter { fold[$0] == f }
                guard let fit = try? DistortionFit.fit(kind, model: train.map { model[$0] }, image: train.map { image[$0] },
                                                       width: width, height: height, anchorSpacing: anchorSpacing) else {
                    failed = true
                    break
                }
                let limit = clip ?? 0.2 * anchorSpacing
                for i in test { errors.append(min(fit.predict(model[i]).distance(to: image[i]), limit)) }
            }
            if failed || errors.isEmpty || !errors.allSatisfy(\.isFinite) {
                candidates.append(Candidate(kind: kind, heldOutRMS: .nan, heldOutMedian: .nan))
                continue
            }
            let rms = (errors.reduce(0) { $0 + $1 * $1 } / Double(errors.count)).squareRoot()
            candidates.append(Candidate(kind: kind, heldOutRMS: rms, heldOutMedian: median(errors)))
        }
        var chosen = DistortionModelKind.homography
        var best = candidates.first { $0.kind == .homography }?.heldOutRMS ?? .nan
        for c in candidates where c.kind != .homography && c.heldOutRMS.isFinite {
            if !best.isFinite || c.heldOutRMS < (1 - margin) * best {
                chosen = c.kind
                best = c.heldOutRMS
            }
        }
        let selection = DistortionSelection(candidates: candidates, chosen: chosen, folds: folds, anchors: n, margin: margin)
        let fit = try? DistortionFit.fit(chosen, model: model, image: image, width: width, height: height, anchorSpacing: anchorSpacing)
        return (selection, fit)
    }
}
