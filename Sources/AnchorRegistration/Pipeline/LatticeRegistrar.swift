import AnchorGeometry
import AnchorImaging
import AnchorModels
import Foundation

/// Registration of an image of a periodic structure to a lattice anchor model — the paper's
/// workflow (Fig. 1a, Fig. 5b) made fully automatic:
///
/// 1. the anchor lattice is measured from the image's autocorrelation (`LatticeEstimator`),
///    with the file's pixel size as a prior when it has one — this yields the scale, rotation
///    and shear of A (Eq. 1) that the paper asks the user for;
/// 2. the translation of A comes from the cell-averaged image (`CellAverage`): the anchor is
///    the extremum of the average cell, a global answer to the paper's brute-force search;
/// 3. points are extracted (`PointExtractor`), vote-filtered (Fig. 1b) and paired with the
///    placed model by k-d tree;
/// 4. H is fitted robustly, and — our addition — the model is re-placed with H, re-paired and
///    refitted until the pairs stop changing.
public enum LatticeRegistrar {
    /// Registers `image` to `model`: the standard path, and when it refuses the frame (no
    /// lattice at the expected scale, too few anchors, or a poor fit) and
    /// `options.tolerantFallback` is on, the tolerant path (`registerTolerant`: steps,
    /// creep, several domains).
    ///
    /// - Throws: `RegistrationError` naming the stage that failed (the standard path's error
    ///   when both fail).
    public static func register(
        _ image: Image, to model: AnchorModel, options: RegistrationOptions = .init()
    ) throws -> Registration {
        try registerKeepingLevelled(image, to: model, options: options).registration
    }

    /// `register`, also returning the levelled image it worked on (the input itself when
    /// `options.level` is off), so that later stages need not level again.
    static func registerKeepingLevelled(
        _ image: Image, to model: AnchorModel, options: RegistrationOptions
    ) throws -> (registration: Registration, levelled: Image) {
        // A flat frame (a blank or saturated scan) holds no lattice; both paths would search
        // it at every period and octave before saying so (17 s for a blank 4096² frame).
        guard let range = image.finiteRange, range.max > range.min else {
            let value = image.finiteRange.map { "every finite sample is \($0.min)" } ?? "no sample is finite"
            throw RegistrationError.noLattice("the image is flat (\(value)): there is no contrast to register")
        }
        var result = try registerEitherPath(image, to: model, options: options)
        // Every result carries a verdict on whether the frame shows the model.
        var clock = Stopwatch()
        result.registration.quality = LatticeVerdict.judge(result.registration, levelled: result.levelled, image: image, model: model)
        result.registration.timings.quality = clock.lap()
        result.registration.timings.total += result.registration.timings.quality
        result.registration.timings.cpuTotal += clock.cpuTotal()
        return result
    }

    /// The standard path, or the tolerant one when the standard path refuses (see `register`).
    static func registerEitherPath(
        _ image: Image, to model: AnchorModel, options: RegistrationOptions
    ) throws -> (registration: Registration, levelled: Image) {
        try options.check(forWidth: image.width, height: image.height)
        try refuseUnresolvable(image, model: model, options: options)
        guard options.tolerantFallback, model.lattice != nil else {
            return try registerStandard(image, to: model, options: options)
        }
        // Judge the standard fit strictly even when a poor fit is allowed: a frame it cannot
        // explain goes to the tolerant path first, and only if that fails too is the poor
        // standard fit returned.
        var strict = options
        strict.allowPoorFit = false
        do {
            return try registerStandard(image, to: model, options: strict)
        } catch let error as RegistrationError {
            switch error {
            case .noLattice, .tooFewAnchors, .poorFit, .fitFailed:
                // A large frame of noise: refused at once rather than after the octave search.
                if case .noLattice = error, let reason = aperiodicReason(image) { throw RegistrationError.noLattice(reason) }
                options.progress?("the standard path refused the frame (\(error)); trying the tolerant path")
                if let r = try? registerTolerantKeepingLevelled(image, to: model, options: strict) { return r }
                if options.allowPoorFit, case .poorFit = error {
                    return try registerStandard(image, to: model, options: options)
                }
                throw error
            default:
                throw error
            }
        }
    }
    /// Refuses, before any search, a calibrated frame whose pixels are too coarse for the
    /// model: the anchors (corner holes of Si(111)-7×7) need a period of at least 6 px to be
    /// found, and the file's pixel size says how many pixels the model's cell spans (±30 %
    /// for drift). Without it the search would lock onto noise or terrace texture.
    static func refuseUnresolvable(_ image: Image, model: AnchorModel, options: RegistrationOptions) throws {
        guard options.spacingPixels == nil, let lattice = model.lattice,
              let ps = image.pixelSize, let f = model.unit.factor(to: image.unit), ps.x > 0, ps.y > 0 else { return }
        let pixel = (ps.x + ps.y) / 2
        let period = lattice.a1.length * f / pixel
        guard 1.3 * period < 6 else { return }
        throw RegistrationError.noLattice(String(
            format: "the file's pixel size (%.3g %@) makes the %@ cell (%.3g %@) only %.1f px wide; its anchors need at least 6 px per cell to be resolved — record the area at a smaller pixel size (at most %.3g %@)",
            pixel, image.unit.rawValue, model.name, lattice.a1.length * f, image.unit.rawValue, period,
            lattice.a1.length * f / 6, image.unit.rawValue))
    }

    /// The standard path: one homography, plane and line levelling (see the type's
    /// description).
    static func registerStandard(
        _ image: Image, to model: AnchorModel, options: RegistrationOptions
    ) throws -> (registration: Registration, levelled: Image) {
        guard let lattice = model.lattice else {
            throw RegistrationError.unsupportedModel("\(model.name) is not a lattice model")
        }
        let anchorSites = lattice.sites.filter { $0.role == .anchor }
        guard let anchorSite = anchorSites.first else {
            throw RegistrationError.unsupportedModel("\(model.name) has no anchor site")
        }
        let dark = (model.anchorContrast ?? .dark) == .dark
        var timings = Registration.Timings()
        var clock = Stopwatch()

        // 1. Level: the plane now, the scan lines after the lattice. The lattice is measured
        // on the plane-levelled image (line levelling would imprint its row offsets on the
        // autocorrelation); everything else works on both.
        let plane = options.level ? try image.planeLevelled() : image
        timings.level = clock.lap()

        // 2. Lattice → A (linear part).
        let m1 = lattice.a1, m2 = lattice.a2
        let spacingRange = try expectedSpacing(image: image, model: model, options: options)
        let (b1, b2) = try placedBasis(plane, lattice: lattice, dark: dark, spacingRange: spacingRange, options: options)
        let spacing = (b1.length + b2.length) / 2
        timings.lattice = clock.lap()
        // The line levelling takes over the plane's buffer (one full-size image fewer to fault
        // in). Row medians over every second sample on wide frames: half the work, and the
        // offsets stay well inside the noise (see `lineLevelled`).
        var work = consume plane
        if options.level { work.lineLevel(statistic: .median, sampleStep: image.width >= 256 ? 2 : 1) }
        timings.level += clock.lap()
        // A period of a few pixels is noise or texture, not this model: the anchors need room
        // to be found and the object sites need at least 2.5 px between them.
        let objectSpacing = (lattice.nearestDistance(role: .object) ?? m1.length) / m1.length * spacing
        guard spacing >= 6, objectSpacing >= 2.5 else {
            throw RegistrationError.noLattice(String(
                format: "the strongest lattice has a %.1f px period (%.1f px between %@ sites): too fine to resolve the model",
                spacing, objectSpacing, model.name))
        }

        // 3. Extraction at the anchor's scale.
        let extractorKind = options.extractor ?? model.defaultExtractor.flatMap(ExtractorKind.init(rawValue:)) ?? .blobs
        let extractor = try PointExtractors.make(extractorKind)
        let smoothed = try work.gaussianBlurred(sigma: max(0.7, 0.06 * spacing), truncate: 3)
        let detected = try extractor.extract(from: work, smoothed: smoothed, spacingPixels: spacing, dark: dark)
        timings.extract = clock.lap()

        // Vote filter (Fig. 1b) on the anchor lattice spacing L in pixels.
        let anchorL = model.nearestAnchorDistance / m1.length * spacing
        var candidates = detected
        if detected.count >= 12 {
            let vote = try VoteFilter(spacing: anchorL).apply(to: detected)
            if vote.kept.count >= 4 { candidates = vote.kept.map { detected[$0] } }
        }
        timings.vote = clock.lap()

        // 4. Rough: translation from the cell average, then A.
        let average = try CellAverage(image: smoothed, a1: b1, a2: b2, step: CellAverage.samplingStep(a1: b1, a2: b2))
        guard let f = average.extremum(dark: dark) else {
            throw RegistrationError.noLattice("the cell average is empty")
        }
        let anchorOffset = b1 * anchorSite.u + b2 * anchorSite.v
        let origin = average.imagePoint(f) - anchorOffset
        let affine = affineFromBasis(m1: m1, m2: m2, b1: b1, b2: b2, origin: origin)
        timings.rough = clock.lap()

        // 5. Pair, fit, re-pair until stable.
        let tree = KDTree(candidates)
        var h = affine
        var pairs: [(model: Point2, image: Point2)] = []
        var fit: HomographyFit? = nil
        var iterations = 0
        var lastKey: [Int] = []
        var lastInView = 0
        let captureFirst = 0.3 * anchorL, captureLater = 0.2 * anchorL
        while iterations <= options.maxIterations {
            let capture = iterations == 0 ? captureFirst : captureLater
            let inView = anchorsInView(model: model, transform: h, width: image.width, height: image.height, margin: 0.25 * anchorL)
            lastInView = inView.count
            var newPairs: [(model: Point2, image: Point2)] = []
            var key: [Int] = []
            for (k, m) in inView.enumerated() {
                let p = h.apply(m)
                guard p.isFinite else { continue }
                var q: Point2? = nil
                if let hit = tree.nearest(to: p, maxDistance: capture) {
                    q = candidates[hit.index]
                }
                // Snap to the smoothed image's extremum: sub-pixel, and catches anchors the
                // extractor missed.
                if let refined = LocalPeakSearch.refine(in: smoothed, near: q ?? p, radius: q == nil ? capture : 0.15 * anchorL, dark: dark),
                   refined.position.distance(to: p) <= capture {
                    q = refined.position
                }
                if let q {
                    newPairs.append((m, q))
                    key.append(k)
                }
            }
            guard newPairs.count >= 4 else {
                throw RegistrationError.tooFewAnchors(found: newPairs.count, needed: 4)
            }
            let newFit: HomographyFit
            do {
                newFit = try Homography.estimateRobust(
                    from: newPairs.map(\.model), to: newPairs.map(\.image), using: options.estimator,
                    options: RobustEstimationOptions(threshold: max(0.5, 0.06 * anchorL)))
            } catch {
                throw RegistrationError.fitFailed("\(error)")
            }
            pairs = newPairs
            fit = newFit
            iterations += 1
            if key == lastKey && newFit.homography.maxDifference(to: h) < 1e-9 { break }
            lastKey = key
            h = newFit.homography
        }
        guard var fit else { throw RegistrationError.fitFailed("no fit") }
        if options.refineAnchors {
            // Our addition: sub-pixel anchors from the whole motif, then one more fit. Kept
            // only when it does not lose inliers.
            let refined = AnchorMotifRefinement.refine(in: smoothed, positions: pairs.map(\.image), templateMask: fit.inliers,
                                                       radius: 0.4 * anchorL, maxShift: 0.1 * anchorL)
            if refined.contains(where: { $0 != nil }) {
                let moved = pairs.indices.map { (model: pairs[$0].model, image: refined[$0] ?? pairs[$0].image) }
                if let refit = try? Homography.estimateRobust(
                    from: moved.map(\.model), to: moved.map(\.image), using: options.estimator,
                    options: RobustEstimationOptions(threshold: max(0.5, 0.06 * anchorL))),
                   refit.inliers.filter({ $0 }).count >= fit.inliers.filter({ $0 }).count {
                    pairs = moved
                    fit = refit
                }
            }
        }
        h = fit.homography
        // Of the placements the anchors cannot tell apart (a honeycomb's anchor sublattice
        // turned by 60°), the one whose object sites the image shows.
        if let lattice = model.lattice,
           let turn = MotifOrientation.choose(in: smoothed, homography: h, anchors: pairs.map(\.model), lattice: lattice),
           let back = try? turn.inverse() {
            pairs = pairs.map { (model: turn.apply($0.model), image: $0.image) }
            h = (h * back).normalized()
        }
        // Never a silently wrong answer: most anchors the model puts in the frame must be found
        // and fitted, or the frame does not show this structure (or is too distorted for one
        // homography).
        let inlierCount = fit.inliers.filter { $0 }.count
        if !options.allowPoorFit, inlierCount < max(4, Int((options.minimumInlierFraction * Double(lastInView)).rounded(.up))) {
            throw RegistrationError.poorFit(inliers: inlierCount, anchorsInView: lastInView,
                                            minimumFraction: options.minimumInlierFraction)
        }
        // 6. Distortion model (issue 10): H alone, H + scan-line field or H + smooth field,
        // chosen by held-out anchor residual. A field then predicts the anchors that H alone
        // could not pair (bands moved by creep): they are paired and the model refitted.
        var inliers = fit.inliers
        var residuals = fit.residuals
        var selection: DistortionSelection? = nil
        var chosen: DistortionFit? = nil
        if options.selectDistortion {
            // Every pair: those H leaves far off are the evidence for a field.
            let sel = Array(pairs.indices)
            let (choice, chosenFit) = DistortionSelection.select(
                model: sel.map { pairs[$0].model }, image: sel.map { pairs[$0].image },
                width: image.width, height: image.height, anchorSpacing: anchorL)
            selection = choice
            if choice.chosen != .homography, var current = chosenFit {
                let threshold = max(0.5, 0.06 * anchorL)
                for _ in 0..<2 {
                    let paired = Set(pairs.map(\.model))
                    var added = 0
                    let inView = anchorsInView(model: model, transform: current.homography, width: image.width,
                                               height: image.height, margin: 0.25 * anchorL)
                    for m in inView where !paired.contains(m) {
                        let p = current.predict(m)
                        guard p.isFinite else { continue }
                        var q = tree.nearest(to: p, maxDistance: captureLater).map { candidates[$0.index] }
                        if let refined = LocalPeakSearch.refine(in: smoothed, near: q ?? p, radius: q == nil ? captureLater : 0.15 * anchorL, dark: dark),
                           refined.position.distance(to: p) <= captureLater {
                            q = refined.position
                        }
                        if let q {
                            pairs.append((m, q))
                            added += 1
                        }
                    }
                    residuals = pairs.map { $0.image.distance(to: current.predict($0.model)) }
                    inliers = residuals.map { $0 <= threshold }
                    let keep = pairs.indices.filter { inliers[$0] }
                    guard keep.count >= 8, let refit = try? DistortionFit.fit(
                        current.kind, model: keep.map { pairs[$0].model }, image: keep.map { pairs[$0].image },
                        width: image.width, height: image.height, anchorSpacing: anchorL) else { break }
                    current = refit
                    lastInView = max(lastInView, inView.count)
                    if added == 0 { break }
                }
                residuals = pairs.map { $0.image.distance(to: current.predict($0.model)) }
                inliers = residuals.map { $0 <= threshold }
                h = current.homography
                chosen = current
            }
        }
        timings.fine = clock.lap()

        let inverse = try h.inverse()
        var anchors: [Registration.Anchor] = []
        var homographyOnly: [Registration.Anchor] = []
        var distances: [Double] = []
        for (i, pair) in pairs.enumerated() {
            // P_t through the inverse of the full model (the field removed first).
            let pt = chosen?.modelPoint(ofImage: pair.image, inverse: inverse) ?? inverse.apply(pair.image)
            anchors.append(.init(model: pair.model, image: pair.image, reconstructed: pt,
                                 inlier: inliers[i], residual: residuals[i]))
            if chosen != nil {
                homographyOnly.append(.init(model: pair.model, image: pair.image, reconstructed: inverse.apply(pair.image),
                                            inlier: inliers[i], residual: 0))
            }
            if inliers[i] { distances.append(pt.distance(to: pair.model)) }
        }
        let s = m1.length
        let inlierAnchors = anchors.filter(\.inlier)
        let (before, after) = neighbourSpreads(inlierAnchors, spacing: model.nearestAnchorDistance)
        let inlierResiduals = residuals.indices.filter { inliers[$0] }.map { residuals[$0] }
        let rms = chosen == nil ? fit.rms
            : (inlierResiduals.isEmpty ? .nan : (inlierResiduals.reduce(0) { $0 + $1 * $1 } / Double(inlierResiduals.count)).squareRoot())
        var metrics = Registration.Metrics(
            mae: distances.isEmpty ? .nan : distances.reduce(0, +) / Double(distances.count),
            recall: AnchorRegistration.Metrics.recall(distances: distances, threshold: 0.95, scale: s, k: options.oksK) ?? 0,
            rmsPixels: rms, oksScale: s, oksK: options.oksK,
            anchors: anchors.count, inliers: distances.count,
            neighbourSpreadBefore: before, neighbourSpreadAfter: after)
        if chosen != nil {
            metrics.neighbourSpreadAfterHomographyOnly = neighbourSpreads(homographyOnly.filter(\.inlier), spacing: model.nearestAnchorDistance).1
        }
        metrics.anchorsInView = lastInView
        timings.total = clock.total()
        timings.cpuTotal = clock.cpuTotal()
        let registration = Registration(
            homography: h, affine: affine, anchors: anchors, metrics: metrics,
            pixelSize: pixelSize(of: inverse, at: Point2(Double(image.width - 1) / 2, Double(image.height - 1) / 2)),
            unit: model.unit.rawValue, extractor: extractorKind.rawValue,
            detectedPoints: detected.count, filteredPoints: candidates.count,
            detected: detected, filtered: candidates,
            iterations: iterations, timings: timings)
        var result = registration
        result.distortion = selection
        if let field = chosen?.scanLines {
            result.scanLineOffsets = field.offsets
            result.scanLineSlopes = field.slopes
            result.scanColumnProfile = field.profile
        }
        result.smoothField = chosen?.smooth
        return (result, work)
    }

    /// Normalised spread of nearest-neighbour anchor distances before (image) and after
    /// (reconstructed model) correction, over anchor pairs that are neighbours in the model.
    static func neighbourSpreads(_ anchors: [Registration.Anchor], spacing: Double) -> (Double, Double) {
        var raw: [Double] = [], corrected: [Double] = []
        for i in anchors.indices {
            for j in anchors.indices where j > i {
                let d = anchors[i].model.distance(to: anchors[j].model)
                guard abs(d - spacing) < 1e-6 * spacing else { continue }
                raw.append(anchors[i].image.distance(to: anchors[j].image))
                corrected.append(anchors[i].reconstructed.distance(to: anchors[j].reconstructed))
            }
        }
        func spread(_ x: [Double]) -> Double {
            guard x.count >= 2 else { return .nan }
            let m = x.reduce(0, +) / Double(x.count)
            let v = x.reduce(0) { $0 + ($1 / m - 1) * ($1 / m - 1) } / Double(x.count - 1)
            return v.squareRoot()
        }
        return (spread(raw), spread(corrected))
    }

    /// The expected anchor-lattice constant in pixels: from `spacingPixels`, else from the
    /// file's calibration, else unknown.
    static func expectedSpacing(image: Image, model: AnchorModel, options: RegistrationOptions) throws -> ClosedRange<Double>? {
        guard let lattice = model.lattice else { return nil }
        if let s = options.spacingPixels {
            guard s.isFinite, s > 2 else {
                throw RegistrationError.invalidParameter(name: "spacing-px", reason: "\(s) px is not a usable lattice spacing")
            }
            return (0.9 * s)...(1.1 * s)
        }
        if let ps = image.pixelSize, let f = model.unit.factor(to: image.unit), ps.x > 0, ps.y > 0 {
            let a = lattice.a1.length * f / ((ps.x + ps.y) / 2)
            // Drift and creep change the apparent period by several per cent; allow 30 %.
            return (0.7 * a)...(1.3 * a)
        }
        return nil
    }

    /// `imageBasis`, then — for a centred model (a site at the cell centre, like
    /// perovskite-001's B column) — the choice between that basis and its conventional
    /// counterpart by what the model's sites explain in the cell average
    /// (`CentredCellChoice`). A basis the user fixed (spacing and rotation) is kept.
    static func placedBasis(_ image: Image, lattice: LatticeModel, dark: Bool, spacingRange: ClosedRange<Double>?,
                            options: RegistrationOptions) throws -> (Point2, Point2) {
        let m1 = lattice.a1, m2 = lattice.a2
        let basis = try imageBasis(image, m1: m1, m2: m2, spacingRange: spacingRange, options: options)
        if options.spacingPixels != nil && options.rotationDegrees != nil { return basis }
        let preferred = options.rotationDegrees.map { Point2(cos($0 * .pi / 180), sin($0 * .pi / 180)) } ?? m1 / m1.length
        return CentredCellChoice.choose(basis, image: image, lattice: lattice, dark: dark, preferredDirection: preferred)
    }

    /// Image lattice vectors (pixels) that the model vectors m1, m2 map to.
    static func imageBasis(_ image: Image, m1: Point2, m2: Point2, spacingRange: ClosedRange<Double>?,
                           options: RegistrationOptions) throws -> (Point2, Point2) {
        if let s = options.spacingPixels, let deg = options.rotationDegrees {
            // Fully specified by the user: A from scale, rotation and shear (Eq. 1).
            let theta = deg * .pi / 180
            let k = s / m1.length
            let lin = Homography.rotation(theta) * Homography(1, options.shear ?? 0, 0, 0, 1, 0, 0, 0, 1) * Homography.scaling(k, k)
            return (lin.apply(m1), lin.apply(m2))
        }
        // The lattice is found on a binned copy when the period is long enough to survive
        // binning: the autocorrelation and the coherence test then cost a quarter (or a
        // sixteenth) as much. Binning by f keeps the expected period ≥ 12 px; without a prior
        // the binned estimate is checked against the full resolution one on failure.
        var factor = 1
        let shortSide = min(image.width, image.height)
        if let range = spacingRange {
            while factor < 4, range.lowerBound / Double(factor * 2) >= 12, shortSide / (factor * 2) >= 128 { factor *= 2 }
        } else if shortSide >= 512 {
            factor = 2
        }
        var estimate: LatticeEstimate
        do {
            if factor > 1 {
                let binned = try image.binned(by: factor)
                let f = Double(factor)
                let sub = spacingRange.map { ($0.lowerBound / f)...($0.upperBound / f) }
                if let e = try? LatticeEstimator.estimate(binned, spacingRange: sub, modelBasis: (m1, m2)), e.a1.length >= 8, e.a2.length >= 8 {
                    estimate = LatticeEstimate(a1: e.a1 * f, a2: e.a2 * f, quality: e.quality)
                } else {
                    estimate = try LatticeEstimator.estimate(image, spacingRange: spacingRange, modelBasis: (m1, m2))
                }
            } else {
                estimate = try LatticeEstimator.estimate(image, spacingRange: spacingRange, modelBasis: (m1, m2))
            }
        } catch {
            throw RegistrationError.noLattice("\(error)")
        }
        var preferred = Point2(1, 0)
        if let deg = options.rotationDegrees {
            preferred = Point2(cos(deg * .pi / 180), sin(deg * .pi / 180))
        } else {
            // Canonical choice: the model's a1 direction taken as the image x axis.
            preferred = m1 / m1.length
        }
        return LatticeEstimator.alignBasis(estimate, toModel: m1, m2, preferredDirection: preferred)
    }

    /// A (model → image) with A·m1 = b1, A·m2 = b2 and A·0 = origin.
    static func affineFromBasis(m1: Point2, m2: Point2, b1: Point2, b2: Point2, origin: Point2) -> Homography {
        // L = [b1 b2] · [m1 m2]⁻¹
        let det = m1.cross(m2)
        let i11 = m2.y / det, i12 = -m2.x / det, i21 = -m1.y / det, i22 = m1.x / det
        let l11 = b1.x * i11 + b2.x * i21, l12 = b1.x * i12 + b2.x * i22
        let l21 = b1.y * i11 + b2.y * i21, l22 = b1.y * i12 + b2.y * i22
        return Homography(l11, l12, origin.x, l21, l22, origin.y, 0, 0, 1)
    }

    /// Model anchors whose image under `transform` falls inside the image (with `margin` px
    /// inside the border).
    static func anchorsInView(model: AnchorModel, transform: Homography, width: Int, height: Int, margin: Double) -> [Point2] {
        guard let inv = try? transform.inverse() else { return [] }
        let corners = [Point2(0, 0), Point2(Double(width - 1), 0), Point2(0, Double(height - 1)),
                       Point2(Double(width - 1), Double(height - 1))].map { inv.apply($0) }
        guard corners.allSatisfy(\.isFinite) else { return [] }
        let bounds = ModelBounds(minX: corners.map(\.x).min()!, minY: corners.map(\.y).min()!,
                                 maxX: corners.map(\.x).max()!, maxY: corners.map(\.y).max()!)
        return ((try? model.anchorPoints(in: bounds)) ?? []).map(\.position).filter { m in
            let p = transform.apply(m)
            return p.isFinite && p.x >= margin && p.y >= margin
                && p.x <= Double(width - 1) - margin && p.y <= Double(height - 1) - margin
        }
    }

    /// Model units per pixel along image x and y at `point`, from the Jacobian of H⁻¹.
    static func pixelSize(of inverse: Homography, at point: Point2) -> [Double] {
        let e = 0.5
        let px = inverse.apply(point + Point2(e, 0)), mx = inverse.apply(point - Point2(e, 0))
        let py = inverse.apply(point + Point2(0, e)), my = inverse.apply(point - Point2(0, e))
        return [px.distance(to: mx) / (2 * e), py.distance(to: my) / (2 * e)]
    }
}

/// Milliseconds between laps (wall clock), and the calling thread's CPU time since the start —
/// on a busy machine other processes stretch wall-clock times, never the thread's CPU time.
struct Stopwatch {
    let start = DispatchTime.now().uptimeNanoseconds
    let cpuStart = threadCPUNanoseconds()
    private var last: UInt64

    init() { last = start }

    mutating func lap() -> Double {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { last = now }
        return Double(now - last) / 1e6
    }

    func total() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 }

    /// CPU time of the calling thread since the stopwatch started, milliseconds.
    func cpuTotal() -> Double { Double(threadCPUNanoseconds() &- cpuStart) / 1e6 }
}
