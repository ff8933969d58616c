import AnchorGeometry
import AnchorImaging
import AnchorModels
import Foundation

/// How much of a device model's drawn outline the image shows as edges, once the model is
/// placed by a homography (issue 10 item 5, issue 11): the evidence that the structure found is
/// the model's, and not a part of the device (one pad) or another structure that happens to
/// have four corners.
///
/// The outline is sampled every ≈ 4 image px, leaving out 8 % of each side at its ends
/// (corners, where sides meet and blur rounds them). A sample is supported when the image
/// steps across the outline — the means of the image 2–5 px inside and outside along the
/// side's normal differ by more than max(2.1 σ_noise, 4 % of the image's 1–99 % intensity
/// range) (a step blurred by σ = 3 px keeps ≈ 75 % of its height there) — and the step is
/// on the outline: the steepest point of the profile within ±3 px lies within ±2 px (blur
/// does not move it; a misplaced corner does, along the sides that meet there). Samples whose
/// profile leaves the image are not in view and not counted, nor are samples of a feature's
/// side that another region of the model covers on both sides (an electrode drawn over the
/// film hides the film's edge).
public struct OutlineSupport: Sendable, Codable, Hashable {
    /// Supported fraction of the sides of the model's four-cornered anchor groups (the
    /// features the registration used), 0…1.
    public var anchorOutline: Double
    /// Supported fraction of the model's other outlines (region sides that are not sides of
    /// an anchor group, e.g. a device's electrodes; regions framing every feature, such as a
    /// drawing's border, are left out); nil when the model has none in view.
    public var regionOutline: Double?
    /// Samples in view on the anchor groups' sides and on the other outlines.
    public var anchorSamples: Int
    public var regionSamples: Int
    /// Step threshold used, luminance units.
    public var threshold: Double

    enum CodingKeys: String, CodingKey {
        case anchorOutline = "anchor_outline", regionOutline = "region_outline"
        case anchorSamples = "anchor_samples", regionSamples = "region_samples", threshold
    }

    /// Measures the support of `model`'s outline in `image` (luminance) placed by `h`
    /// (model units → image px).
    /// - Complexity: 8 bilinear samples per outline sample, ≈ 2 per px of outline.
    public static func measure(_ image: Image, homography h: Homography, model: AnchorModel) -> OutlineSupport {
        let quads = (try? ModelQuadrilateral.all(in: model)) ?? []
        let quadSides: [(Point2, Point2)] = quads.flatMap { q in
            (0..<4).map { (q.corners[$0].position, q.corners[($0 + 1) % 4].position) }
        }
        let centres = quads.map { q in
            Point2(q.corners.map(\.position.x).reduce(0, +) / 4, q.corners.map(\.position.y).reduce(0, +) / 4)
        }
        var extent = 0.0
        for (a, b) in quadSides { extent = max(extent, a.distance(to: b)) }
        let onQuadTolerance = 0.01 * max(extent, 1e-12)
        var regionSides: [(Point2, Point2)] = []
        var covering: [NamedRegion] = []
        for r in model.regions {
            // A region around every feature (a drawing's frame, or the active square that is
            // itself the feature) is no outline of its own.
            if !centres.isEmpty, centres.allSatisfy(r.contains) { continue }
            covering.append(r)
            for i in r.polygon.indices { regionSides.append((r.polygon[i], r.polygon[(i + 1) % r.polygon.count])) }
        }
        func hidden(_ m: Point2, _ normal: Point2) -> Bool {
            let e = normal * onQuadTolerance
            return covering.contains { $0.contains(m + e) && $0.contains(m - e) }
        }
        let noise = Double(RectangleExtractor.pixelNoise(image))
        let threshold = max(2.1 * noise, 0.04 * intensitySpan(image))
        func onQuadSide(_ m: Point2) -> Bool {
            quadSides.contains { DeviceAlignment.distanceToOutline(m, [$0.0, $0.1]) < onQuadTolerance }
        }
        func count(_ sides: [(Point2, Point2)], skipQuadSides: Bool) -> (Int, Int) {
            var supported = 0, inView = 0
            for (a, b) in sides {
                let ia = h.apply(a), ib = h.apply(b)
                guard ia.isFinite, ib.isFinite else { continue }
                let len = ia.distance(to: ib)
                guard len >= 4 else { continue }
                let n = min(400, max(8, Int(len / 4)))
                let u = Point2((ib.x - ia.x) / len, (ib.y - ia.y) / len)
                let normal = Point2(-u.y, u.x)
                let ml = a.distance(to: b)
                let modelNormal = ml > 0 ? Point2(-(b.y - a.y) / ml, (b.x - a.x) / ml) : Point2(0, 0)
                for k in 0..<n {
                    let t = 0.08 + 0.84 * (Double(k) + 0.5) / Double(n)
                    let m = Point2(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t)
                    if skipQuadSides ? onQuadSide(m) : hidden(m, modelNormal) { continue }
                    let p = Point2(ia.x + (ib.x - ia.x) * t, ia.y + (ib.y - ia.y) * t)
                    var inner = 0.0, outer = 0.0
                    var seen = true
                    for d in [2.0, 3, 4, 5] {
                        guard let v = image.sample(at: p + normal * d), let w = image.sample(at: p - normal * d),
                              v.isFinite, w.isFinite else { seen = false; break }
                        inner += Double(v); outer += Double(w)
                    }
                    guard seen else { continue }
                    inView += 1
                    guard abs(inner - outer) / 4 > threshold else { continue }
                    // Steepest point of the profile at −3…3 px (differences over 1 px).
                    var best = 0.0, at = 0.0
                    var d = -3.0
                    while d <= 3 {
                        if let v = image.sample(at: p + normal * (d + 0.5)), let w = image.sample(at: p + normal * (d - 0.5)),
                           abs(Double(v - w)) > best {
                            best = abs(Double(v - w)); at = d
                        }
                        d += 0.5
                    }
                    if abs(at) <= 2 { supported += 1 }
                }
            }
            return (supported, inView)
        }
        let (qs, qn) = count(quadSides, skipQuadSides: false)
        let (rs, rn) = count(regionSides, skipQuadSides: true)
        return OutlineSupport(anchorOutline: qn > 0 ? Double(qs) / Double(qn) : 0,
                              regionOutline: rn >= 16 ? Double(rs) / Double(rn) : nil,
                              anchorSamples: qn, regionSamples: rn, threshold: threshold)
    }

    /// The 1–99 % intensity span of ≈ 16 k evenly spread samples.
    static func intensitySpan(_ image: Image) -> Double {
        let stride = max(1, image.count / 16_384)
        let v = Swift.stride(from: 0, to: image.count, by: stride).map { image.pixels[$0] }.filter(\.isFinite).sorted()
        guard v.count > 10 else { return 0 }
        return Double(v[Int(0.99 * Double(v.count - 1))] - v[Int(0.01 * Double(v.count - 1))])
    }
}
