import AnchorGeometry
import AnchorImaging
import AnchorModels
import Foundation

/// The verdict on a device registration (issue 10 item 5): whether the image shows the model
/// where the homography puts it.
///
/// Reasons (codes), from the evidence below:
/// - `residual_too_large` (refused): the anchor or edge-fit RMS exceeds its limit.
/// - `outline_unsupported` (refused, support < 0.5) / `outline_weak` (doubtful, < 0.8): the
///   sides of the model's features are not edges of the image.
/// - `regions_unsupported` (refused, < 0.5) / `regions_weak` (doubtful, < 0.75): the model's
///   other outlines (electrodes, leads) are not edges: the structure found is likely a part of
///   the device (a pad) taken for the whole.
/// - `shape_mismatch` (refused, aspect < 0.6) / `shape_distorted` (doubtful, < 0.85): the
///   homography stretches the model more than a camera's perspective would (a square fitted to
///   an oblong pad). Aspect is σ_min/σ_max of its Jacobian at the anchors' centroid; a camera
///   tilted by θ gives cos θ.
///
/// Evidence keys: `outline_support`, `region_outline_support` (when the model has other
/// outlines in view), `outline_samples`, `aspect`, `residual_px`, `residual_limit_px`.
public enum DeviceVerdict {
    public static let outlineRefused = 0.5, outlineDoubtful = 0.8
    public static let regionsRefused = 0.5, regionsDoubtful = 0.75
    public static let aspectRefused = 0.6, aspectDoubtful = 0.85

    /// Assesses `registration` of `image` (luminance) to `model`.
    public static func assess(_ registration: DeviceRegistration, image: Image, model: AnchorModel) -> Verdict {
        let h = registration.homography
        let support = OutlineSupport.measure(image, homography: h, model: model)
        let anchors = model.anchorPoints.map(\.position)
        let centroid = Point2(anchors.map(\.x).reduce(0, +) / Double(max(anchors.count, 1)),
                              anchors.map(\.y).reduce(0, +) / Double(max(anchors.count, 1)))
        let aspect = jacobianAspect(h, at: centroid, step: max(modelExtent(anchors) * 1e-3, 1e-9))
        var v = Verdict(evidence: [
            "outline_support": support.anchorOutline, "outline_samples": Double(support.anchorSamples),
            "aspect": aspect, "residual_px": registration.residualPixels,
            "residual_limit_px": registration.residualLimitPixels,
        ])
        if let r = support.regionOutline { v.evidence["region_outline_support"] = r }
        if !registration.isTrustworthy {
            v.add(.refused, "residual_too_large", String(
                format: "residual %.2f px exceeds the limit %.2f px (anchor RMS %.2f px, %d of %d anchors inliers)",
                registration.residualPixels, registration.residualLimitPixels, registration.fit.rms,
                registration.fit.inlierCount, registration.pairs.count))
        }
        let pct = support.anchorOutline * 100
        if support.anchorOutline < outlineRefused {
            v.add(.refused, "outline_unsupported", String(format: "only %.0f %% of the model's feature outlines are edges in the image (limit %.0f %%): the image does not show the model there", pct, outlineRefused * 100))
        } else if support.anchorOutline < outlineDoubtful {
            v.add(.doubtful, "outline_weak", String(format: "%.0f %% of the model's feature outlines are edges in the image (%.0f %% expected)", pct, outlineDoubtful * 100))
        }
        if let r = support.regionOutline {
            if r < regionsRefused {
                v.add(.refused, "regions_unsupported", String(format: "only %.0f %% of the model's other outlines (electrodes, leads, …) are edges in the image (limit %.0f %%): the structure found is likely a part of the device taken for the whole, or another device", r * 100, regionsRefused * 100))
            } else if r < regionsDoubtful {
                v.add(.doubtful, "regions_weak", String(format: "%.0f %% of the model's other outlines (electrodes, leads, …) are edges in the image (%.0f %% expected)", r * 100, regionsDoubtful * 100))
            }
        }
        if aspect < aspectRefused {
            v.add(.refused, "shape_mismatch", String(format: "the placement stretches the model by %.2f : 1 (limit %.2f : 1): the structure found has another shape than the model's", 1 / aspect, 1 / aspectRefused))
        } else if aspect < aspectDoubtful {
            v.add(.doubtful, "shape_distorted", String(format: "the placement stretches the model by %.2f : 1, more than a camera's perspective (%.2f : 1)", 1 / aspect, 1 / aspectDoubtful))
        }
        return v
    }

    /// σ_min/σ_max of the 2 × 2 Jacobian of `h` at model point `p` (central differences of
    /// `step` model units); 0 when degenerate.
    static func jacobianAspect(_ h: Homography, at p: Point2, step e: Double) -> Double {
        let dx = (h.apply(p + Point2(e, 0)) - h.apply(p - Point2(e, 0))) * (1 / (2 * e))
        let dy = (h.apply(p + Point2(0, e)) - h.apply(p - Point2(0, e))) * (1 / (2 * e))
        // Singular values of [dx dy] from the eigenvalues of JᵀJ.
        let a = dx.x * dx.x + dx.y * dx.y, b = dx.x * dy.x + dx.y * dy.y, c = dy.x * dy.x + dy.y * dy.y
        let disc = ((a - c) * (a - c) + 4 * b * b).squareRoot()
        let l1 = (a + c + disc) / 2, l2 = (a + c - disc) / 2
        guard l1 > 0, l2.isFinite, l1.isFinite else { return 0 }
        return max(l2, 0).squareRoot() / l1.squareRoot()
    }

    static func modelExtent(_ pts: [Point2]) -> Double {
        guard let x0 = pts.map(\.x).min(), let x1 = pts.map(\.x).max(),
              let y0 = pts.map(\.y).min(), let y1 = pts.map(\.y).max() else { return 1 }
        return max(x1 - x0, y1 - y0)
    }
}
