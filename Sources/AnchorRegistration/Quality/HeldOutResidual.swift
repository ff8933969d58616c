import AnchorGeometry

/// k-fold cross-validation of the homography over the fitted anchors: H is fitted (linear
/// normalised DLT, no polish, no robust weighting: the anchors are the registration's inliers) on k − 1 folds and
/// its residual measured on the anchors of the held-out fold. A lattice that really is the
/// model's predicts anchors it did not see as well as those it fitted; one forced onto the
/// image fits its own anchors and misses the others.
///
/// Folds interleave the anchors (anchor i goes to fold i mod k), so every held-out anchor
/// has fitted neighbours: the test measures how well the model interpolates, not how far it
/// extrapolates.
enum HeldOutResidual {
    /// Held-out residuals (pixels) of `image[i]` predicted from `model[i]` (model units) by
    /// H fitted on the other folds; `nil` with fewer than 2·`folds` pairs or when a fold's
    /// fit fails.
    ///
    /// - Complexity: O(k · n).
    static func residuals(model: [Point2], image: [Point2], folds k: Int = 5) -> [Double]? {
        let n = min(model.count, image.count)
        guard k >= 2, n >= 2 * k else { return nil }
        var out = [Double](repeating: .nan, count: n)
        for fold in 0..<k {
            var fm: [Point2] = [], fi: [Point2] = []
            fm.reserveCapacity(n)
            fi.reserveCapacity(n)
            for i in 0..<n where i % k != fold {
                fm.append(model[i])
                fi.append(image[i])
            }
            guard let h = try? Homography.estimateLinear(from: fm, to: fi) else { return nil }
            for i in Swift.stride(from: fold, to: n, by: k) {
                out[i] = h.apply(model[i]).distance(to: image[i])
            }
        }
        return out.allSatisfy(\.isFinite) ? out : nil
    }
}
