import AnchorGeometry

extension Registration {
    /// This registration with its distortion model replaced by `fit` (H and its field):
    /// every anchor's residual, inlier flag (residual ≤ `threshold` px) and P_t =
    /// H⁻¹(P_e − d(P_e)) − shift are recomputed, and so are the metrics that depend on them.
    /// `anchorSpacing`: the model's nearest-anchor distance (model units), for the neighbour
    /// spread.
    func replacingDistortion(with fit: DistortionFit, threshold: Double, anchorSpacing spacing: Double) -> Registration {
        var r = self
        r.homography = fit.homography
        r.scanLineOffsets = fit.scanLines?.offsets
        r.scanLineSlopes = fit.scanLines?.slopes
        r.scanColumnProfile = fit.scanLines?.profile
        r.smoothField = fit.smooth
        guard let inverse = try? fit.homography.inverse() else { return self }
        var distances: [Double] = []
        for k in r.anchors.indices {
            let a = r.anchors[k]
            let domain = a.domain ?? 0
            let shift = domain > 0 && domain < r.domains.count ? r.domains[domain].shift : .zero
            let residual = a.image.distance(to: r.predictedImage(ofModel: a.model, domain: domain))
            r.anchors[k].residual = residual
            r.anchors[k].inlier = residual <= threshold
            r.anchors[k].reconstructed = r.modelPoint(ofImage: a.image, inverse: inverse) - shift
            if r.anchors[k].inlier { distances.append(r.anchors[k].reconstructed.distance(to: a.model)) }
        }
        let inlierResiduals = r.anchors.filter(\.inlier).map(\.residual)
        r.metrics.mae = distances.isEmpty ? .nan : distances.reduce(0, +) / Double(distances.count)
        r.metrics.recall = AnchorRegistration.Metrics.recall(distances: distances, threshold: 0.95, scale: metrics.oksScale, k: metrics.oksK) ?? 0
        r.metrics.rmsPixels = inlierResiduals.isEmpty ? .nan : (inlierResiduals.reduce(0) { $0 + $1 * $1 } / Double(inlierResiduals.count)).squareRoot()
        r.metrics.inliers = distances.count
        var after: [Double] = []
        for k in Set(r.anchors.map { $0.domain ?? 0 }) {
            let (_, a) = LatticeRegistrar.neighbourDistances(r.anchors.filter { $0.inlier && ($0.domain ?? 0) == k }, spacing: spacing)
            after += a
        }
        r.metrics.neighbourSpreadAfter = LatticeRegistrar.normalisedSpread(after)
        return r
    }
}
