import AnchorGeometry
import AnchorImaging
import AnchorModels

extension LatticeRegistrar {
    /// The registration for frames the standard path refuses: large frames with steps,
    /// terraces, strong creep and several lattice domains (e.g. SPIEPy's
    /// `image_with_step_edge.dat`: 512², ≈10.7 px cells, a monatomic step, piezo creep of
    /// several pixels along the slow axis).
    ///
    /// It differs from `register` in four ways, each for a reason a microscopist will
    /// recognise:
    /// 1. Levelling removes a local *median* background two periods wide before extraction
    ///    (`Image.medianBackgroundRemoved`): one plane across two terraces leaves one terrace
    ///    darker than the image mean, and the paper's "darker than mean" keypoint rule then
    ///    keeps only that terrace.
    /// 2. Without a calibrated pixel size, the lattice is searched period octave by period
    ///    octave (6–12 px, 11–22 px, …), each with its own high-pass: at the full frame's
    ///    scale a step or a streak dominates the autocorrelation and hides a 10 px lattice.
    ///    Octaves are tried from the finest up and the first whose registration passes the
    ///    inlier test wins: a super-cell would fit too, but is not primitive.
    /// 3. The fine stage fits H plus one displacement per scan line (`ScanLineFit`): creep
    ///    and drift move whole lines non-linearly, beyond any homography.
    /// 4. Anchors left unexplained are searched for further lattice domains shifted by a
    ///    fraction of a cell (`LatticeDomainSearch`): across a step the 7×7 lattice of the
    ///    other terrace is out of registry with the first.
    ///
    /// Its inlier test is the standard one: at least `minimumInlierFraction` of the anchors the
    /// model places in the frame must fit (all domains together).
    ///
    /// - Throws: `RegistrationError` (the first octave's, or `poorFit` with the best count).
    public static func registerTolerant(
        _ image: Image, to model: AnchorModel, options: RegistrationOptions = .init()
    ) throws -> Registration {
        try registerTolerantKeepingLevelled(image, to: model, options: options).registration
    }

    /// `registerTolerant`, also returning the levelled image it worked on.
    static func registerTolerantKeepingLevelled(
        _ image: Image, to model: AnchorModel, options: RegistrationOptions
    ) throws -> (registration: Registration, levelled: Image) {
        guard let lattice = model.lattice else {
            throw RegistrationError.unsupportedModel("\(model.name) is not a lattice model")
        }
        guard lattice.sites.contains(where: { $0.role == .anchor }) else {
            throw RegistrationError.unsupportedModel("\(model.name) has no anchor site")
        }
        var clock = Stopwatch()
        let plane = options.level ? try image.planeLevelled() : image
        let levelTime = clock.lap()
        var ranges: [ClosedRange<Double>] = []
        if let r = try expectedSpacing(image: image, model: model, options: options) {
            ranges = [r]
        } else {
            let upper = Double(min(image.width, image.height)) / 2.2
            var lo = 6.0
            while lo < upper {
                ranges.append(lo...min(2 * lo, upper))
                lo *= 1.8
            }
        }
        var passing: [(registration: Registration, cellArea: Double, levelled: Image)] = []  // at most one
        var firstError: Error? = nil
        var bestPoor: (inliers: Int, inView: Int)? = nil
        for (k, range) in ranges.enumerated() {
            options.progress?(String(format: "tolerant path: period range %d of %d (%.0f–%.0f px)", k + 1, ranges.count,
                                     range.lowerBound, range.upperBound))
            do {
                let (registration, cellArea, levelled) = try tolerantAttempt(plane, model: model, spacingRange: range, options: options)
                passing.append((registration, cellArea, levelled))
                // Octaves go up in period: a later one can only find a larger cell (a
                // super-cell of this one), which would lose to it.
                break
            } catch RegistrationError.poorFit(let inliers, let inView, _) {
                if inliers > (bestPoor?.inliers ?? -1) { bestPoor = (inliers, inView) }
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        guard let chosen = passing.min(by: { $0.cellArea < $1.cellArea }) else {
            if let p = bestPoor {
                throw RegistrationError.poorFit(inliers: p.inliers, anchorsInView: p.inView, minimumFraction: options.minimumInlierFraction)
            }
            throw firstError ?? RegistrationError.noLattice("no lattice period between 6 px and a half of the frame")
        }
        var best = chosen.registration
        best.timings.level = levelTime
        best.timings.total = clock.total()
        best.timings.cpuTotal = clock.cpuTotal()
        return (best, options.level ? chosen.levelled : image)
    }

    /// One lattice hypothesis through the tolerant path; returns the registration, the cell
    /// area in pixels² and the levelled image.
    static func tolerantAttempt(_ plane: Image, model: AnchorModel, spacingRange: ClosedRange<Double>,
                                options: RegistrationOptions) throws -> (Registration, Double, Image) {
        guard let lattice = model.lattice, let anchorSite = lattice.sites.first(where: { $0.role == .anchor }) else {
            throw RegistrationError.unsupportedModel("\(model.name) has no anchor lattice")
        }
        let dark = (model.anchorContrast ?? .dark) == .dark
        var timings = Registration.Timings()
        var clock = Stopwatch()
        let m1 = lattice.a1, m2 = lattice.a2
        // The lattice, too, is measured on terraces levelled one by one (window: two of the
        // longest periods of this octave): a step left in would dominate the autocorrelation.
        let coarse = try tolerantLevelled(plane, window: 2 * Int(spacingRange.upperBound.rounded(.up)) + 1)
        let (b1, b2) = try placedBasis(coarse, lattice: lattice, dark: dark, spacingRange: spacingRange, options: options)
        let spacing = (b1.length + b2.length) / 2
        timings.lattice = clock.lap()
        let objectSpacing = (lattice.nearestDistance(role: .object) ?? m1.length) / m1.length * spacing
        guard spacing >= 6, objectSpacing >= 2.5 else {
            throw RegistrationError.noLattice(String(
                format: "the strongest lattice has a %.1f px period (%.1f px between %@ sites): too fine to resolve the model",
                spacing, objectSpacing, model.name))
        }
        let window = tolerantBackgroundWindow(spacing: spacing)
        let work = try tolerantLevelled(plane, window: Int(window))
        timings.level = clock.lap()

        let extractorKind = options.extractor ?? model.defaultExtractor.flatMap(ExtractorKind.init(rawValue:)) ?? .blobs
        // `dark-keypoints` here is the scale-band pyramid (see `DarkKeypointPyramidExtractor`).
        let extractor: any PointExtractor = extractorKind == .darkKeypoints
            ? DarkKeypointPyramidExtractor() : try PointExtractors.make(extractorKind)
        let smoothed = try work.gaussianBlurred(sigma: max(0.7, 0.06 * spacing))
        let detected = try extractor.extract(from: work, smoothed: smoothed, spacingPixels: spacing, dark: dark)
        timings.extract = clock.lap()
        let anchorL = model.nearestAnchorDistance / m1.length * spacing
        var candidates = detected
        if detected.count >= 12 {
            let vote = try VoteFilter(spacing: anchorL).apply(to: detected)
            if vote.kept.count >= 4 { candidates = vote.kept.map { detected[$0] } }
        }
        timings.vote = clock.lap()

        let average = try CellAverage(image: smoothed, a1: b1, a2: b2)
        guard let f = average.extremum(dark: dark) else { throw RegistrationError.noLattice("the cell average is empty") }
        let origin = average.imagePoint(f) - (b1 * anchorSite.u + b2 * anchorSite.v)
        let affine = affineFromBasis(m1: m1, m2: m2, b1: b1, b2: b2, origin: origin)
        timings.rough = clock.lap()

        // Inlier distance: a tenth of the anchor spacing (0.27 nm on Si(111)-7×7). The standard
        // path uses 0.06 L; the frames that reach this path have ≈10 px cells or heavy noise,
        // where the motif locates an anchor to 0.3–0.4 px — 0.06 L would be 1.6 σ there. A
        // wrong pairing is half a spacing off, five times farther.
        let threshold = max(0.5, 0.1 * anchorL)
        // With several terraces the main fit uses the largest one only, and each other terrace
        // gets its own lattice shift (possibly none: in registry); else shifted domains are
        // searched among the anchors the main fit leaves unexplained.
        let terraces = try TerraceMap(plane: plane, window: Int(window))
        let mainTerrace: ((Point2) -> Bool)? = terraces.count >= 2 ? { terraces.terrace(at: $0) == 0 } : nil
        let fit = try ScanLineFit.fit(model: model, start: affine, candidates: candidates, smoothed: smoothed,
                                      anchorL: anchorL, dark: dark, threshold: threshold, maxIterations: max(options.maxIterations, 12),
                                      region: mainTerrace)
        var found: [LatticeDomainSearch.Domain] = []
        if terraces.count >= 2 {
            for t in 1..<terraces.count {
                found += LatticeDomainSearch.find(after: fit, model: model, candidates: candidates, smoothed: smoothed,
                                                  anchorL: anchorL, dark: dark, threshold: threshold, maxDomains: 1,
                                                  within: { terraces.terrace(at: $0) == t })
            }
        } else {
            found = LatticeDomainSearch.find(after: fit, model: model, candidates: candidates, smoothed: smoothed,
                                             anchorL: anchorL, dark: dark, threshold: threshold)
        }
        let inlierCount = fit.inliers.filter { $0 }.count + found.reduce(0) { $0 + $1.inliers.filter { $0 }.count }
        if !options.allowPoorFit, inlierCount < max(4, Int((options.minimumInlierFraction * Double(fit.inView)).rounded(.up))) {
            throw RegistrationError.poorFit(inliers: inlierCount, anchorsInView: fit.inView, minimumFraction: options.minimumInlierFraction)
        }
        timings.fine = clock.lap()

        // Anchors of every domain; P_t = T(−shift)·H⁻¹(P_e − d(y)).
        let h = fit.homography
        let inverse = try h.inverse()
        var anchors: [Registration.Anchor] = []
        var homographyOnly: [Registration.Anchor] = []
        var domains: [Registration.Domain] = []
        let groups: [(shift: Point2, pairs: [(model: Point2, image: Point2)], inliers: [Bool], residuals: [Double])] =
            [(.zero, fit.pairs, fit.inliers, fit.residuals)] + found.map { ($0.shift, $0.pairs, $0.inliers, $0.residuals) }
        var distances: [Double] = []
        // An outlier of the main domain that another domain explains is that domain's anchor.
        let explained = KDTree(found.flatMap { d in d.pairs.indices.filter { d.inliers[$0] }.map { d.pairs[$0].image } })
        for (k, g) in groups.enumerated() {
            for (i, pair) in g.pairs.enumerated() {
                if k == 0, !g.inliers[i], explained.nearest(to: pair.image, maxDistance: 0.5 * anchorL) != nil { continue }
                let corrected = inverse.apply(pair.image - fit.field.displacement(at: pair.image)) - g.shift
                anchors.append(.init(model: pair.model, image: pair.image, reconstructed: corrected,
                                     inlier: g.inliers[i], residual: g.residuals[i], domain: k))
                homographyOnly.append(.init(model: pair.model, image: pair.image,
                                            reconstructed: inverse.apply(pair.image) - g.shift, inlier: g.inliers[i], residual: 0))
                if g.inliers[i] { distances.append(corrected.distance(to: pair.model)) }
            }
        }
        for (k, g) in groups.enumerated() {
            let own = anchors.filter { $0.domain == k }
            let cells = k == 0 ? Point2.zero : found[k - 1].shiftCells
            domains.append(.init(shift: g.shift, shiftCells: cells, anchors: own.count, inliers: own.filter(\.inlier).count))
        }
        // Neighbour spreads within each domain (a pair across domains is not a lattice step).
        var before: [Double] = [], after: [Double] = [], afterH: [Double] = []
        for k in groups.indices {
            let sel = anchors.indices.filter { anchors[$0].inlier && anchors[$0].domain == k }
            let (b, a) = neighbourDistances(sel.map { anchors[$0] }, spacing: model.nearestAnchorDistance)
            let (_, ah) = neighbourDistances(sel.map { homographyOnly[$0] }, spacing: model.nearestAnchorDistance)
            before += b; after += a; afterH += ah
        }
        let s = m1.length
        let inlierResiduals = anchors.filter(\.inlier).map(\.residual)
        let rms = inlierResiduals.isEmpty ? .nan : (inlierResiduals.reduce(0) { $0 + $1 * $1 } / Double(inlierResiduals.count)).squareRoot()
        var metrics = Registration.Metrics(
            mae: distances.isEmpty ? .nan : distances.reduce(0, +) / Double(distances.count),
            recall: AnchorRegistration.Metrics.recall(distances: distances, threshold: 0.95, scale: s, k: options.oksK) ?? 0,
            rmsPixels: rms, oksScale: s, oksK: options.oksK,
            anchors: anchors.count, inliers: distances.count,
            neighbourSpreadBefore: normalisedSpread(before), neighbourSpreadAfter: normalisedSpread(after))
        metrics.neighbourSpreadAfterHomographyOnly = normalisedSpread(afterH)
        metrics.anchorsInView = fit.inView
        timings.total = clock.total()
        var registration = Registration(
            homography: h, affine: affine, anchors: anchors, metrics: metrics,
            pixelSize: pixelSize(of: inverse, at: Point2(Double(plane.width - 1) / 2, Double(plane.height - 1) / 2)),
            unit: model.unit.rawValue, extractor: extractorKind.rawValue,
            detectedPoints: detected.count, filteredPoints: candidates.count,
            detected: detected, filtered: candidates,
            iterations: fit.iterations, timings: timings)
        registration.levelling = "plane+median-background+lines"
        registration.backgroundWindow = window
        registration.scanLineOffsets = fit.field.offsets
        registration.scanLineSlopes = fit.field.slopes
        registration.scanColumnProfile = fit.field.profile
        registration.domains = domains
        // The distortion models compete here too, on the main domain's pairs. This path's
        // pairing needs the scan-line field, so the field it fitted stands when chosen; another
        // choice replaces it (and every anchor's residual and P_t follow).
        if options.selectDistortion {
            let (choice, chosenFit) = DistortionSelection.select(
                model: fit.pairs.map(\.model), image: fit.pairs.map(\.image),
                width: plane.width, height: plane.height, anchorSpacing: anchorL)
            registration.distortion = choice
            if choice.chosen != .scanLineField, let chosenFit {
                let timingsBefore = registration.timings
                registration = registration.replacingDistortion(with: chosenFit, threshold: threshold, anchorSpacing: model.nearestAnchorDistance)
                registration.timings = timingsBefore
            }
        }
        return (registration, abs(b1.cross(b2)), work)
    }

    /// Side of the median-background window for a lattice period of `spacing` px: two
    /// periods, odd.
    static func tolerantBackgroundWindow(spacing: Double) -> Double {
        Double(2 * Int((spacing).rounded()) + 1)
    }

    /// The tolerant path's levelling of a plane-levelled image: local median background
    /// removed (a `window`-pixel square, on a grid of an eighth of it, i.e. a quarter period),
    /// then per-line medians.
    public static func tolerantLevelled(_ plane: Image, window: Int) throws -> Image {
        try plane.medianBackgroundRemoved(window: window, step: max(1, (window - 1) / 8))
            .lineLevelled(statistic: .median)
    }

    /// Distances between anchors that are neighbours in the model: raw (image, pixels) and
    /// reconstructed (model units).
    static func neighbourDistances(_ anchors: [Registration.Anchor], spacing: Double) -> ([Double], [Double]) {
        var raw: [Double] = [], corrected: [Double] = []
        for i in anchors.indices {
            for j in anchors.indices where j > i {
                let d = anchors[i].model.distance(to: anchors[j].model)
                guard abs(d - spacing) < 1e-6 * spacing else { continue }
                raw.append(anchors[i].image.distance(to: anchors[j].image))
                corrected.append(anchors[i].reconstructed.distance(to: anchors[j].reconstructed))
            }
        }
        return (raw, corrected)
    }

    /// Standard deviation of `x` divided by its mean (NaN for fewer than two values).
    static func normalisedSpread(_ x: [Double]) -> Double {
        guard x.count >= 2 else { return .nan }
        let m = x.reduce(0, +) / Double(x.count)
        let v = x.reduce(0) { $0 + ($1 / m - 1) * ($1 / m - 1) } / Double(x.count - 1)
        return v.squareRoot()
    }
}
