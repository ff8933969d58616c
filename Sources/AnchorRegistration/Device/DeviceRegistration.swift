import AnchorGeometry
import AnchorImaging
import AnchorModels
import Foundation

/// One model anchor paired with its image position.
public struct DeviceAnchorPair: Sendable, Hashable, Codable {
    /// Anchor name in the model (e.g. "C1", "P2.c3", "centre").
    public var name: String
    /// Model position (model units, µm for devices).
    public var model: Point2
    /// Detected image position (px).
    public var image: Point2
    /// Whether the robust homography fit kept the pair.
    public var inlier: Bool
}

/// Options of `DeviceRegistration.register`.
public struct DeviceRegistrationOptions: Sendable, Hashable {
    public var extractor = RectangleExtractorOptions()
    /// Robust estimator for the final homography.
    public var estimator: HomographyEstimator = .lmeds
    /// Camera rotation assumed when the model's symmetry leaves the orientation open (a
    /// plain square fits in four orientations), degrees, image x towards y. The orientation
    /// nearest to it is taken and the ambiguity reported.
    public var priorRotationDegrees: Double = 0
    /// A registration is trusted when its residual (RMS of the anchor fit and of the edge
    /// fits, px) stays below max(`minResidualLimitPixels`, `maxResidualFraction` × the
    /// structure's size in px). 1 % of the size with a 1.5 px floor: sub-pixel edges on a
    /// flat device give far less, while a wrong model or a curved outline gives more.
    public var maxResidualFraction: Double = 0.01
    public var minResidualLimitPixels: Double = 1.5
    /// Use the centre anchors of the model (diagonal intersections in the image).
    public var useCentres = true

    public init() {}
}

/// A photograph registered to a device model (issue 5, the paper's Fig. 4): the model →
/// image homography, the anchor pairs, and the residuals that say whether to trust it.
public struct DeviceRegistration: Sendable {
    /// H, model units → image px.
    public var homography: Homography
    public var pairs: [DeviceAnchorPair]
    /// The robust fit (residuals in px per pair).
    public var fit: HomographyFit
    /// MAE of P_t = H⁻¹(image anchors) against P_m, model units.
    public var mae: Double
    /// Recall at OKS@0.95 of P_t against P_m with object scale `oksScale`.
    public var recall: Double
    /// The OKS object scale: the model's nearest-anchor distance L among the paired anchors.
    public var oksScale: Double
    /// Worst of the anchor-fit RMS and the edge-fit RMS of the matched quadrilaterals, px.
    public var residualPixels: Double
    /// The limit `residualPixels` is held to, px.
    public var residualLimitPixels: Double
    /// Rotation of the model's x axis in the image, degrees.
    public var rotationDegrees: Double
    /// Set when several orientations fitted equally well and the prior decided.
    public var ambiguity: String?
    /// When `ambiguity` is set: the registrations in the other orientations that fitted
    /// equally well (each with empty `alternatives`), so that a caller with more information
    /// — `DeviceAlignment` comparing frames by content — can pick another one.
    public var alternatives: [DeviceRegistration] = []
    /// Everything the extractor found.
    public var extraction: RectangleExtraction
    /// Quadrilaterals found in the image that no model feature matched.
    public var unmatchedQuadrilaterals: Int
    /// Whether the image shows the model where `homography` puts it (`DeviceVerdict`).
    public var quality = Verdict()

    /// True when the residual is within the limit.
    public var isTrustworthy: Bool { residualPixels <= residualLimitPixels }

    /// - Throws: `DeviceError.residualTooLarge` unless `isTrustworthy`.
    public func requireTrustworthy(file: String = "") throws {
        guard isTrustworthy else {
            throw DeviceError.residualTooLarge(
                file: file, rmsPixels: residualPixels, limitPixels: residualLimitPixels,
                detail: String(format: "anchor RMS %.2f px, %d of %d anchors inliers", fit.rms, fit.inlierCount, pairs.count))
        }
    }

    /// Registers `image` (luminance) to `model` (a shape model with four-corner anchor groups).
    ///
    /// Quadrilaterals are extracted (`RectangleExtractor`); every (model feature, image
    /// quadrilateral, cyclic corner order) triple gives a hypothesis — the homography of the
    /// four corners, orientation-preserving by construction — scored by how many model
    /// anchors it predicts onto detected corners and centres (Gaussian weight of the distance,
    /// σ = 5 % of the quadrilateral's size). Hypotheses with distinct rotations scoring alike
    /// mean the model's symmetry leaves the orientation open; the model's named regions
    /// settle it when in one orientation they stand out from their surroundings clearly more
    /// (`regionContrast` higher by more than 0.05 — e.g. a single electrode),
    /// otherwise the one nearest `priorRotationDegrees` is taken and `ambiguity` says so. The anchors the best
    /// hypothesis pairs are then fitted robustly (`Homography.estimateRobust`).
    /// - Throws: `DeviceError.structureNotFound`, `.unsupportedModel`, `.modelMismatch` (with
    ///   what was found), and the geometry errors of the fit.
    /// - Complexity: O(M²·Q²) for M model features and Q image quadrilaterals (both small).
    public static func register(_ image: Image, to model: AnchorModel,
                                options: DeviceRegistrationOptions = DeviceRegistrationOptions()) throws -> DeviceRegistration {
        let modelQuads = try ModelQuadrilateral.all(in: model)
        let extraction = try RectangleExtractor(options: options.extractor).extract(image)
        let imageQuads = extraction.quadrilaterals
        struct Hypothesis { var h: Homography; var score: Double; var rotation: Double; var area: Double }
        var hyps: [Hypothesis] = []
        let modelPointsPerQuad = modelQuads.map { 4 + ($0.centre != nil && options.useCentres ? 1 : 0) }
        let totalModelPoints = modelPointsPerQuad.reduce(0, +)
        let anchorCentroid = Point2(
            modelQuads.flatMap(\.corners).map(\.position.x).reduce(0, +) / Double(4 * modelQuads.count),
            modelQuads.flatMap(\.corners).map(\.position.y).reduce(0, +) / Double(4 * modelQuads.count))
        for mq in modelQuads {
            let mc = mq.corners.map(\.position)
            for iq in imageQuads {
                for shift in 0..<4 {
                    let ic = (0..<4).map { iq.corners[($0 + shift) % 4] }
                    guard let h = try? Homography.estimate(from: mc, to: ic) else { continue }
                    guard orientationPreserved(h, at: mc) else { continue }
                    let (score, area) = scoreHypothesis(h, modelQuads, imageQuads, useCentres: options.useCentres)
                    let a = h.apply(anchorCentroid), b = h.apply(anchorCentroid + Point2(1, 0))
                    hyps.append(Hypothesis(h: h, score: score, rotation: atan2(b.y - a.y, b.x - a.x) * 180 / .pi, area: area))
                }
            }
        }
        guard let top = hyps.max(by: { ($0.score, $0.area) < ($1.score, $1.area) }) else {
            throw DeviceError.modelMismatch(reason: "no quadrilateral of the image could be mapped onto the model")
        }
        guard top.score >= 0.5 * Double(totalModelPoints) else {
            throw DeviceError.modelMismatch(reason: String(
                format: "found %d quadrilateral(s) (largest %.0f px²) but at most %.1f of the model's %d anchors agree with any placement of %d model feature(s)",
                imageQuads.count, imageQuads.first?.area ?? 0, top.score, totalModelPoints, modelQuads.count))
        }
        // Orientation ambiguity: near-best hypotheses (same matched area) with another rotation.
        let tied = hyps.filter { $0.score >= top.score - 0.25 && $0.area >= top.area * 0.98 }
        func angleDiff(_ a: Double, _ b: Double) -> Double { abs(remainder(a - b, 360)) }
        var distinct: [Hypothesis] = []
        for hyp in tied.sorted(by: { $0.score > $1.score }) where !distinct.contains(where: { angleDiff($0.rotation, hyp.rotation) < 10 }) {
            distinct.append(hyp)
        }
        var chosen = top
        if distinct.count > 1, !model.regions.isEmpty {
            // The model's regions may break the symmetry (an electrode on one side only): the
            // orientation whose regions stand out most from their surroundings wins when it
            // does so clearly (score higher by more than 0.05).
            let quadRegions = modelQuads.enumerated().map { NamedRegion(name: "quad\($0.offset)", polygon: $0.element.corners.map(\.position)) }
            let eta = distinct.map { regionContrast($0.h, regions: model.regions + quadRegions, image: image) }
            let order = eta.indices.sorted { eta[$0] > eta[$1] }
            if eta[order[0]] - eta[order[1]] > 0.05 {
                distinct = [distinct[order[0]]]
                chosen = distinct[0]
            }
        }
        guard distinct.count > 1 else {
            var result = try solve(chosen.h, modelQuads: modelQuads, extraction: extraction,
                                   anchorCentroid: anchorCentroid, options: options)
            result.quality = DeviceVerdict.assess(result, image: image, model: model)
            return result
        }
        chosen = distinct.min { angleDiff($0.rotation, options.priorRotationDegrees) < angleDiff($1.rotation, options.priorRotationDegrees) }!
        var result = try solve(chosen.h, modelQuads: modelQuads, extraction: extraction,
                               anchorCentroid: anchorCentroid, options: options)
        let list = distinct.map { String(format: "%.1f°", $0.rotation) }.joined(separator: ", ")
        result.ambiguity = "\(distinct.count) orientations fit the model equally well (rotations \(list)); took \(String(format: "%.1f°", result.rotationDegrees)), nearest the prior \(String(format: "%.1f°", options.priorRotationDegrees))"
        result.alternatives = distinct.filter { angleDiff($0.rotation, chosen.rotation) >= 10 }.compactMap {
            guard var alt = try? solve($0.h, modelQuads: modelQuads, extraction: extraction,
                                       anchorCentroid: anchorCentroid, options: options) else { return nil }
            alt.quality = DeviceVerdict.assess(alt, image: image, model: model)
            return alt
        }
        result.quality = DeviceVerdict.assess(result, image: image, model: model)
        return result
    }

    /// Pairs the model's anchors with the detected corners and centres that the hypothesis
    /// `chosen` (model → image) puts them on, and fits the final homography robustly.
    static func solve(_ chosen: Homography, modelQuads: [ModelQuadrilateral],
                      extraction: RectangleExtraction, anchorCentroid: Point2,
                      options: DeviceRegistrationOptions) throws -> DeviceRegistration {
        let imageQuads = extraction.quadrilaterals
        var names: [String] = [], mPts: [Point2] = [], iPts: [Point2] = []
        var usedQuads = Set<Int>()
        var matchedEdgeRMS = 0.0
        for mq in modelQuads {
            guard let (qi, corners) = matchQuad(chosen, mq, imageQuads) else { continue }
            usedQuads.insert(qi)
            matchedEdgeRMS = max(matchedEdgeRMS, imageQuads[qi].edgeResidual)
            for (k, c) in mq.corners.enumerated() {
                names.append(c.name); mPts.append(c.position); iPts.append(corners[k])
            }
            if options.useCentres, let c = mq.centre {
                names.append(c.name); mPts.append(c.position); iPts.append(imageQuads[qi].centre)
            }
        }
        guard mPts.count >= 4 else {
            throw DeviceError.modelMismatch(reason: "only \(mPts.count) anchors could be paired")
        }
        var robust = RobustEstimationOptions()
        robust.seed = 1
        let fit = try Homography.estimateRobust(from: mPts, to: iPts, using: options.estimator, options: robust)
        let h = fit.homography
        let inv = try h.inverse()
        let pt = iPts.map { inv.apply($0) }
        let distances = zip(pt, mPts).map { $0.distance(to: $1) }
        let mae = distances.reduce(0, +) / Double(distances.count)
        var oksScale = Double.infinity
        for a in 0..<mPts.count { for b in (a + 1)..<mPts.count { oksScale = min(oksScale, mPts[a].distance(to: mPts[b])) } }
        let recall = Metrics.recall(distances: distances, scale: oksScale) ?? 0
        let size = usedQuads.map { imageQuads[$0].size }.max() ?? 0
        let a = h.apply(anchorCentroid), b = h.apply(anchorCentroid + Point2(1, 0))
        let pairs = (0..<mPts.count).map { DeviceAnchorPair(name: names[$0], model: mPts[$0], image: iPts[$0], inlier: fit.inliers[$0]) }
        return DeviceRegistration(
            homography: h, pairs: pairs, fit: fit, mae: mae, recall: recall, oksScale: oksScale,
            residualPixels: max(fit.rms, matchedEdgeRMS),
            residualLimitPixels: max(options.minResidualLimitPixels, options.maxResidualFraction * size),
            rotationDegrees: atan2(b.y - a.y, b.x - a.x) * 180 / .pi, ambiguity: nil,
            extraction: extraction, unmatchedQuadrilaterals: imageQuads.count - usedQuads.count)
    }

    /// How distinct `regions` look from their surroundings in the image: luminance sampled
    /// on a 64 × 64 lattice over the regions (model units, mapped by `h`), grouped by the
    /// first region containing each point or none; Σ_regions n_k (mean_k − mean_none)² over
    /// the total sum of squares.
    static func regionContrast(_ h: Homography, regions: [NamedRegion], image: Image) -> Double {
        var pts: [Point2] = []
        for r in regions { pts += r.polygon }
        let xs = pts.map(\.x), ys = pts.map(\.y)
        guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max(), x1 > x0, y1 > y0 else { return 0 }
        let n = 64
        var sums = [Double](repeating: 0, count: regions.count + 1)
        var counts = sums
        var all: [Double] = []
        for j in 0..<n {
            for i in 0..<n {
                let m = Point2(x0 + (x1 - x0) * (Double(i) + 0.5) / Double(n), y0 + (y1 - y0) * (Double(j) + 0.5) / Double(n))
                guard let v = image.sample(at: h.apply(m)), v.isFinite else { continue }
                let label = regions.firstIndex { $0.contains(m) } ?? regions.count
                sums[label] += Double(v)
                counts[label] += 1
                all.append(Double(v))
            }
        }
        guard all.count > 1 else { return 0 }
        let mean = all.reduce(0, +) / Double(all.count)
        let total = all.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        guard total > 0 else { return 0 }
        // Separation of each region from the unlabelled surroundings: a region that lands on
        // plain background (a wrong orientation) contributes nothing.
        let none = regions.count
        guard counts[none] > 0 else { return 0 }
        let mNone = sums[none] / counts[none]
        var between = 0.0
        for k in 0..<none where counts[k] > 0 {
            let mk = sums[k] / counts[k]
            between += counts[k] * (mk - mNone) * (mk - mNone)
        }
        return between / total
    }

    /// True when the homography keeps the corners' clockwise order (no mirror, no fold).
    static func orientationPreserved(_ h: Homography, at corners: [Point2]) -> Bool {
        let mapped = corners.map { h.apply($0) }
        guard mapped.allSatisfy(\.isFinite) else { return false }
        return signedArea(mapped) * signedArea(corners) > 0
    }

    /// Score: Σ over model anchors of exp(−d²/2σ²) to the matched image quad's points.
    static func scoreHypothesis(_ h: Homography, _ mqs: [ModelQuadrilateral], _ iqs: [DetectedQuadrilateral],
                                useCentres: Bool) -> (Double, Double) {
        var score = 0.0, area = 0.0
        for mq in mqs {
            guard let (qi, corners) = matchQuad(h, mq, iqs) else { continue }
            let sigma = 0.05 * iqs[qi].size
            var s = 0.0
            for (k, c) in mq.corners.enumerated() {
                let d = h.apply(c.position).distance(to: corners[k])
                s += exp(-d * d / (2 * sigma * sigma))
            }
            if useCentres, let c = mq.centre {
                let d = h.apply(c.position).distance(to: iqs[qi].centre)
                s += exp(-d * d / (2 * sigma * sigma))
            }
            score += s
            area += iqs[qi].area
        }
        return (score, area)
    }

    /// The image quadrilateral whose centre is nearest the predicted centre of `mq` (within a
    /// quarter of its size), with its corners in the order of the model's corners.
    static func matchQuad(_ h: Homography, _ mq: ModelQuadrilateral, _ iqs: [DetectedQuadrilateral]) -> (Int, [Point2])? {
        let pred = mq.corners.map { h.apply($0.position) }
        guard pred.allSatisfy(\.isFinite), let centre = DetectedQuadrilateral.diagonalIntersection(pred) else { return nil }
        guard let qi = iqs.indices.min(by: { iqs[$0].centre.distance(to: centre) < iqs[$1].centre.distance(to: centre) }),
              iqs[qi].centre.distance(to: centre) < 0.25 * iqs[qi].size else { return nil }
        // Cyclic shift of the image corners closest to the prediction.
        var bestShift = 0, bestD = Double.infinity
        for shift in 0..<4 {
            var d = 0.0
            for k in 0..<4 { d += pred[k].distance(to: iqs[qi].corners[(k + shift) % 4]) }
            if d < bestD { bestD = d; bestShift = shift }
        }
        return (qi, (0..<4).map { iqs[qi].corners[($0 + bestShift) % 4] })
    }
}
