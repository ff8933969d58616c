import AnchorGeometry
import AnchorImaging
import AnchorModels
import Foundation

// Orientation of a symmetric model settled by comparing frames (DeviceAlignment, step 1).

/// How a frame's orientation relative to the first frame was settled by image content, for
/// a model whose symmetry leaves the orientation open (a plain square, `device4` with four
/// identical electrodes): each orientation that fits the model equally well is compared with
/// the first frame.
public struct OrientationChoice: Sendable, Codable, Hashable {
    /// Rotation of the model's x axis in the image (degrees) of each candidate orientation.
    public var rotations: [Double]
    /// Pearson correlation of the frame's luminance with the first frame's, sampled at the
    /// same model points (invariant to exposure gain and offset), per candidate.
    public var correlations: [Double]
    /// Index of the chosen candidate (the highest correlation).
    public var chosen: Int
    /// Whether the chosen correlation exceeds every other by more than 0.05; otherwise the
    /// frames could not be told apart by content and the choice is reported as uncertain.
    public var resolved: Bool
    /// Whether the choice differs from the orientation the prior rotation gave.
    public var changedFromPrior: Bool
    /// Where the frames were compared: "features" (inside the model's four-sided features,
    /// whose content differs between orientations) or "model" (the whole bounding box, used
    /// when the features alone did not decide).
    public var compared: String

    enum CodingKeys: String, CodingKey {
        case rotations = "rotations_deg", correlations, chosen, resolved, changedFromPrior = "changed_from_prior", compared
    }
}

extension DeviceAlignment {
    /// Among `reg` and its equally fitting alternative orientations, the one whose view of the
    /// model correlates best with the reference frame's (`contentCorrelation`): first inside
    /// the model's four-sided features (inset by 5 % of their size) — what the symmetric
    /// outline and electrodes look like is the same in every orientation, so only the
    /// features' content tells them apart, and comparing just that keeps the margin large —
    /// and, when that does not decide (a plain feature), over the whole bounding box `box`
    /// (x0, y0, x1, y1 in model units).
    static func orientedByContent(_ reg: DeviceRegistration, _ image: Image, reference: DeviceRegistration, _ refImage: Image,
                                  model: AnchorModel, box: (Double, Double, Double, Double)) -> (DeviceRegistration, OrientationChoice) {
        let candidates = [reg] + reg.alternatives
        let quads = ((try? ModelQuadrilateral.all(in: model)) ?? []).map { q -> ([Point2], Double) in
            let c = q.corners.map(\.position)
            return (c, 0.05 * abs(signedArea(c)).squareRoot())
        }
        func inFeature(_ m: Point2) -> Bool {
            quads.contains { q in
                NamedRegion(name: "", polygon: q.0).contains(m) && distanceToOutline(m, q.0) >= q.1
            }
        }
        func decide(_ corr: [Double]) -> (Int, Bool) {
            let best = corr.indices.max { (corr[$0].isNaN ? -2 : corr[$0]) < (corr[$1].isNaN ? -2 : corr[$1]) } ?? 0
            return (best, corr[best].isFinite && corr.indices.allSatisfy { $0 == best || !(corr[$0] > corr[best] - 0.05) })
        }
        // A 128 × 128 lattice over the box.
        let n = 128
        let lattice = (0..<(n * n)).map { k in
            Point2(box.0 + (box.2 - box.0) * (Double(k % n) + 0.5) / Double(n),
                   box.1 + (box.3 - box.1) * (Double(k / n) + 0.5) / Double(n))
        }
        let interior = lattice.filter(inFeature)
        var corr = candidates.map {
            contentCorrelation(refImage, reference.homography, image, $0.homography, at: interior)
        }
        var (best, resolved) = decide(corr)
        var compared = "features"
        if !resolved {
            let whole = candidates.map { contentCorrelation(refImage, reference.homography, image, $0.homography, at: lattice) }
            let (b, r) = decide(whole)
            if r { corr = whole; best = b; resolved = true; compared = "model" }
        }
        var chosen = candidates[best]
        chosen.alternatives = candidates.indices.filter { $0 != best }.map { i in
            var c = candidates[i]
            c.alternatives = []
            c.ambiguity = nil
            return c
        }
        let list = candidates.map { String(format: "%.1f°", $0.rotationDegrees) }.joined(separator: ", ")
        chosen.ambiguity = "\(candidates.count) orientations fit the model equally well (rotations \(list)); "
            + (resolved ? String(format: "took %.1f°, the one most like the first frame (correlation %.2f)", chosen.rotationDegrees, corr[best])
                        : String(format: "took %.1f°, the one most like the first frame, but by a margin too small to trust (correlation %.2f)", chosen.rotationDegrees, corr[best]))
        return (chosen, OrientationChoice(rotations: candidates.map(\.rotationDegrees), correlations: corr, chosen: best,
                                          resolved: resolved, changedFromPrior: best != 0, compared: compared))
    }

    /// Pearson correlation of two images sampled at the same model points (model units),
    /// mapped by each image's model → image homography; points outside either image are
    /// skipped. NaN when fewer than 100 points are seen by both or either image is flat there.
    /// Invariant to exposure gain and offset, so it compares photographs taken with different
    /// exposures.
    /// - Complexity: 2 bilinear samples per point.
    static func contentCorrelation(_ a: Image, _ ha: Homography, _ b: Image, _ hb: Homography, at points: [Point2]) -> Double {
        var sa = 0.0, sb = 0.0, saa = 0.0, sbb = 0.0, sab = 0.0, c = 0.0
        for m in points {
            guard let va = a.sample(at: ha.apply(m)), let vb = b.sample(at: hb.apply(m)), va.isFinite, vb.isFinite else { continue }
            let x = Double(va), y = Double(vb)
            sa += x; sb += y; saa += x * x; sbb += y * y; sab += x * y; c += 1
        }
        guard c >= 100 else { return .nan }
        let cov = sab / c - sa / c * sb / c
        let va = saa / c - sa / c * sa / c, vb = sbb / c - sb / c * sb / c
        guard va > 0, vb > 0 else { return .nan }
        return cov / (va * vb).squareRoot()
    }
}
