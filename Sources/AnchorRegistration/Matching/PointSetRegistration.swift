import AnchorGeometry

/// Registration of a model point set to detected image points **without known
/// correspondences** — the chain behind `anchorreg fit --unpaired` and
/// `anchorreg validate --mode pairing`:
///
/// 1. rough matching (`RoughMatcher`): the model placed with an affine A within the
///    `PlacementPrior`, translation searched, placed points paired with a k-d tree
///    (the paper's rough stage, Eq. 1);
/// 2. the vote filter (Fig. 1b) for periodic models with enough points, applied to the
///    detections mapped back into the model frame by A — where every lattice spacing is L
///    whatever the image's anisotropy or shear — so that spurious detections cannot take a
///    lattice site's place;
/// 3. a robust homography fit on the pairs (`Homography.estimateRobust`, the paper's fine
///    stage with LMedS by default, plus Levenberg–Marquardt refinement);
/// 4. our addition: **re-pairing** — all model points are mapped through the fitted H and
///    paired again by mutual nearest neighbours (radius from the fit's residuals, between
///    `pairingFraction` and `maxPairingFraction` of L), then H is refitted; repeated until the
///    pairs stop changing (at most `maxIterations`). The affine A of the rough stage cannot
///    follow perspective, so at the far edge of a large model its pairs are missing or wrong;
///    H can, and each round recovers the points the previous one missed.
///
/// Coordinates: model points in model units, image points in image units (pixels, x right,
/// y down); the result's H maps model → image. Indices in pairs are positions in the
/// caller's arrays.
public enum PointSetRegistration {
    /// Tuning of the chain. Defaults are what `validate --mode pairing` runs.
    public struct Options: Sendable, Equatable, Codable {
        /// Nearest-anchor spacing L in model units; nil = median nearest-neighbour distance of
        /// the model points.
        public var spacing: Double?
        /// The model is a periodic lattice (enables the vote filter).
        public var periodic: Bool
        /// Capture radius of the rough stage, as a fraction of L (see `RoughMatcher.Options`).
        public var captureFraction: Double
        /// Largest re-pairing radius, and the radius within which a fit's support is counted,
        /// as a fraction of L. Wider than the rough capture (0.45 L against 0.35 L): once H
        /// follows perspective, a wider reach keeps noisy genuine detections (σ ≈ 0.2 L) paired,
        /// while the rough stage, whose placement is coarser, keeps the tighter radius that
        /// protects it from wrong sites.
        public var maxPairingFraction: Double
        /// Smallest re-pairing radius, as a fraction of L. The radius actually used is three
        /// times the fit's RMS residual, kept between this and `maxPairingFraction`: tight when
        /// detections are precise (fewer wrong pairs), wide when they are noisy (fewer lost
        /// pairs).
        public var pairingFraction: Double
        /// Robust estimator of the fine stage.
        public var estimator: HomographyEstimator
        /// Its options (threshold in image units, confidence, iterations, seed, refinement).
        public var robust: RobustEstimationOptions
        /// Most re-pair/refit rounds.
        public var maxIterations: Int
        /// Fewest detections for the vote filter to run on a periodic model (below, a
        /// lattice's edge points have too few neighbours to vote reliably).
        public var voteMinimumPoints: Int
        /// Also search the prior's ranges on a grid in the rough stage (slower).
        public var gridSearch: Bool

        public init(
            spacing: Double? = nil, periodic: Bool = false, captureFraction: Double = 0.35,
            maxPairingFraction: Double = 0.45,
            pairingFraction: Double = 0.25, estimator: HomographyEstimator = .default,
            robust: RobustEstimationOptions = .init(), maxIterations: Int = 10,
            voteMinimumPoints: Int = 16, gridSearch: Bool = false
        ) {
            self.spacing = spacing
            self.periodic = periodic
            self.captureFraction = captureFraction
            self.maxPairingFraction = maxPairingFraction
            self.pairingFraction = pairingFraction
            self.estimator = estimator
            self.robust = robust
            self.maxIterations = maxIterations
            self.voteMinimumPoints = voteMinimumPoints
            self.gridSearch = gridSearch
        }

        func validate() throws {
            guard maxPairingFraction.isFinite, maxPairingFraction > 0, maxPairingFraction < 0.5 else {
                throw MatchingError.invalidOption(
                    name: "maxPairingFraction", reason: "must lie in (0, 0.5) (half a spacing would pair neighbouring sites), got \(maxPairingFraction)")
            }
            guard pairingFraction.isFinite, pairingFraction > 0, pairingFraction <= maxPairingFraction else {
                throw MatchingError.invalidOption(
                    name: "pairingFraction", reason: "must lie in (0, maxPairingFraction = \(maxPairingFraction)], got \(pairingFraction)")
            }
            guard maxIterations >= 1 else {
                throw MatchingError.invalidOption(name: "maxIterations", reason: "must be ≥ 1, got \(maxIterations)")
            }
            do { try robust.validate() } catch let e as GeometryError { throw MatchingError.fitFailed(e) }
        }
    }

    /// Outcome of a registration without correspondences.
    public struct Result: Sendable, Equatable {
        /// H, model → image (m33 = 1).
        public var homography: Homography
        /// The rough stage's placement (affine A and its pairs).
        public var rough: RoughPlacement
        /// Final pairs (model index, image index), ascending in model index.
        public var pairs: [PointPair]
        /// Inlier flag per pair (same order as `pairs`).
        public var inliers: [Bool]
        /// Reprojection distance ‖H(model) − image‖ per pair, image units.
        public var residuals: [Double]
        /// RMS residual over the inliers, image units.
        public var rms: Double
        /// Fit/re-pair rounds run (1 = the pairs of the first fit were already stable).
        public var iterations: Int
        /// True when the pairs stopped changing before `maxIterations`.
        public var converged: Bool
        /// Image points the vote filter removed (ascending; empty when it did not run).
        public var rejectedByVote: [Int]
        /// True when H is an affine map, fitted by least squares on the pairs: when only three
        /// pairs were found (a homography needs four), or when every homography fitted on the
        /// pairs contradicted the prior's scale range (`respectsScaleRange`). The result then
        /// says nothing about perspective.
        public var affineOnly: Bool
    }

    /// Registers `model` to `image` (see the type's documentation).
    ///
    /// - Throws: `MatchingError` — too few or non-finite points, invalid prior or options,
    ///   a degenerate model, `.noPlacement` when no placement within the prior is supported
    ///   by enough points, `.fitFailed` when the robust fit fails on the pairs.
    public static func register(
        model: [Point2], image: [Point2], prior: PlacementPrior = PlacementPrior(),
        options: Options = Options()
    ) throws -> Result {
        try options.validate()
        try RoughMatcher.checkPoints(model, set: "model", needed: 3)
        try RoughMatcher.checkPoints(image, set: "image", needed: 3)
        let spacing = try options.spacing ?? RoughMatcher.medianNearestNeighbourDistance(model)
        let tree = KDTree(image)
        let rough = try RoughMatcher.place(
            model: model, image: image, imageTree: tree, prior: prior,
            options: RoughMatcher.Options(captureFraction: options.captureFraction, spacing: spacing,
                                          gridSearch: options.gridSearch))

        // Vote filter in the model frame (see the type's documentation).
        var candidates = image.indices.map { _ in true }
        var rejected: [Int] = []
        if options.periodic, image.count >= options.voteMinimumPoints, let inv = try? rough.transform.inverse() {
            // A wider band (±20 %) and only clear rejections (score ≤ −2, the paper's typical
            // score of an erroneous point): with the paper's ±10 % band and "negative goes",
            // detection noise of 0.05–0.1 L already pushes genuine neighbours out of the band
            // and drops genuine sites (measured on the validate protocol, 100 points,
            // σ = 0.1 L: recall 0.52 against 0.73 without the filter; with this setting 0.72).
            let filter = try VoteFilter(spacing: spacing, tolerance: 0.2, radiusFactor: 1.25, minimumScore: -1)
            let vote = filter.apply(to: inv.apply(image))
            let keptSet = Set(vote.kept)
            for i in image.indices where !keptSet.contains(i) {
                candidates[i] = false
                rejected.append(i)
            }
        }
        let usable = image.indices.filter { candidates[$0] }
        let usablePoints = usable.map { image[$0] }
        let usableTree = rejected.isEmpty ? tree : KDTree(usablePoints)
        func pair(_ placed: [Point2], radius: Double) -> [PointPair] {
            mutualNearestPairs(model: placed, image: usablePoints, imageTree: usableTree, maxDistance: radius)
                .map { PointPair(model: $0.model, image: usable[$0.image]) }
        }

        let scale = max(abs(rough.transform.determinant).squareRoot(), .leastNormalMagnitude)
        let minRadius = options.pairingFraction * spacing * scale
        let maxRadius = options.maxPairingFraction * spacing * scale
        var pairs = rough.pairs.filter { candidates[$0.image] }
        guard pairs.count >= 3 else {
            throw MatchingError.noPlacement(bestSupport: pairs.count, needed: 3)
        }
        if pairs.count == 3 {
            pairs += extendingThreePairs(
                pairs, model: model, image: image, usable: usable, reach: spacing * scale, residualLimit: maxRadius)
            if pairs.count == 3 {
                return try affineResult(model: model, image: image, rough: rough, pairs: pairs, rejected: rejected)
            }
            pairs.sort { $0.model < $1.model }
        }

        // Each round fits H twice — robustly, and by plain least squares on all pairs — and
        // judges each by its support: how many model points land within the capture radius
        // of a detection (the rough stage's score, now under H). Few, noisy pairs can make a
        // least-median fit pass exactly through a minimal sample with wild perspective; the
        // support exposes that, and then the least-squares fit is taken. Otherwise the robust
        // fit is kept (least squares would bend towards a wrong pair). Rounds continue while
        // the support does not fall, so re-pairing cannot drift away from a good fit.
        func support(_ h: Homography) -> Int {
            var n = 0
            for p in model where usableTree.nearest(to: h.apply(p), maxDistance: maxRadius) != nil { n += 1 }
            return n
        }
        var best: (fit: HomographyFit, pairs: [PointPair], support: Int)?
        var iterations = 0
        var converged = false
        var lastError: GeometryError?
        var implausible = false
        while iterations < options.maxIterations {
            iterations += 1
            let from = pairs.map { model[$0.model] }, to = pairs.map { image[$0.image] }
            var robustFit: (fit: HomographyFit, support: Int)?
            var plainFit: (fit: HomographyFit, support: Int)?
            for estimator in options.estimator == .dlt ? [HomographyEstimator.dlt] : [options.estimator, .dlt] {
                do {
                    let f = try Homography.estimateRobust(from: from, to: to, using: estimator, options: options.robust)
                    guard respectsScaleRange(f.homography, model: model, prior: prior) else {
                        implausible = true
                        continue
                    }
                    let s = support(f.homography)
                    if estimator == options.estimator { robustFit = (f, s) } else { plainFit = (f, s) }
                } catch let e as GeometryError {
                    lastError = e
                }
            }
            // Least squares on all pairs replaces the robust fit when the robust fit is
            // clearly broken (support lower by more than max(1, 10 % of the pairs): a spurious detection next to a
            // missing site can add one point of support to a fit bending towards it), or when
            // every pair agrees with it within three times the robust fit's RMS — then no pair
            // is an outlier and using them all is the more precise estimate (robust inlier
            // thresholds drop some genuine points when pairs are few).
            // A robust fit is also broken when fewer than half the pairs (or fewer than five)
            // are its inliers: a least-median fit needs a majority, and a fit through a bare
            // minimal sample of four has nothing that confirms it.
            var round = robustFit ?? plainFit
            if let r = robustFit, let p = plainFit {
                let margin = max(1, pairs.count / 10)
                let agrees = (p.fit.residuals.max() ?? .infinity) <= 3 * r.fit.rms
                let unconfirmed = pairs.count > 4 && r.fit.inlierCount < max(5, (pairs.count + 1) / 2)
                if unconfirmed || p.support > r.support + margin || (p.support >= r.support && agrees) { round = p }
            }
            guard let round else { break }
            if let b = best, round.support < b.support { break }
            best = (round.fit, pairs, round.support)
            let radius = min(maxRadius, max(minRadius, 3 * round.fit.rms))
            let next = pair(round.fit.homography.apply(model), radius: radius)
            if next == pairs { converged = true; break }
            if next.count < 4 { break }
            pairs = next
        }
        if best == nil, implausible {
            return try affineResult(model: model, image: image, rough: rough, pairs: pairs, rejected: rejected)
        }
        guard let best else {
            throw MatchingError.fitFailed(lastError ?? .noConsensus(reason: "no fit on \(pairs.count) pairs"))
        }
        return Result(
            homography: best.fit.homography.normalized(), rough: rough, pairs: best.pairs, inliers: best.fit.inliers,
            residuals: best.fit.residuals, rms: best.fit.rms, iterations: iterations, converged: converged,
            rejectedByVote: rejected, affineOnly: false)
    }

    /// More pairs for a rough stage that found only three, so that a homography (which needs
    /// four) can be fitted instead of the affine map through the three.
    ///
    /// Three pairs fix an affine map exactly, with no residual to judge anything by, and its
    /// prediction at any other model point carries the errors of all three detections
    /// extrapolated: at the fourth corner of a 2 × 2 grid the prediction error is four times
    /// the residual a least-squares fit over all four points leaves there (the leverage of
    /// each point of that fit is ¾). The rough stage's capture radius, tight to keep its
    /// placement search off wrong sites, therefore misses a genuine fourth detection whenever
    /// noise and perspective add up (a 2 × 2 grid at σ = 0.1 L: one sample in four). So a
    /// candidate is judged the way the fit would see it once included: each unpaired model
    /// point, placed by the exact affine map, takes its mutual-nearest unpaired usable
    /// detection within `reach` (one spacing: a detection farther than that from its predicted
    /// site lies nearer another site), and the pair is kept when the least-squares affine map
    /// through the three pairs and it leaves every one of the four within `residualLimit`
    /// (the widest re-pairing radius). Candidates are judged one at a time against the three,
    /// so one wrong candidate cannot vouch for another. The homography fit and re-pairing that
    /// follow still check every pair.
    ///
    /// - Returns: the accepted new pairs (image indices into `image`), possibly none.
    private static func extendingThreePairs(
        _ pairs: [PointPair], model: [Point2], image: [Point2], usable: [Int], reach: Double,
        residualLimit: Double
    ) -> [PointPair] {
        let from = pairs.map { model[$0.model] }, to = pairs.map { image[$0.image] }
        guard let exact = Affine2.fit(from: from, to: to) else { return [] }
        let pairedModel = Set(pairs.map(\.model)), pairedImage = Set(pairs.map(\.image))
        let freeModel = model.indices.filter { !pairedModel.contains($0) }
        let freeImage = usable.filter { !pairedImage.contains($0) }
        guard !freeModel.isEmpty, !freeImage.isEmpty else { return [] }
        let candidates = mutualNearestPairs(
            model: freeModel.map { exact.apply(model[$0]) }, image: freeImage.map { image[$0] }, maxDistance: reach)
        var accepted: [PointPair] = []
        for c in candidates {
            let m = freeModel[c.model], i = freeImage[c.image]
            let f4 = from + [model[m]], t4 = to + [image[i]]
            guard let a = Affine2.fit(from: f4, to: t4) else { continue }
            if zip(f4, t4).allSatisfy({ a.apply($0).distance(to: $1) <= residualLimit }) {
                accepted.append(PointPair(model: m, image: i))
            }
        }
        return accepted
    }

    /// Whether `h` keeps the scale it gives the model within what the prior allows: the
    /// local linear scale √|det J(p)| of a homography at a model point p is
    /// √(|det H| / |w(p)|³) with w(p) = h31·x + h32·y + h33, and the prior puts every scale in
    /// s0·[1 − Δs, 1 + Δs], so between any two model points it may differ by at most the
    /// factor (1 + Δs)/(1 − Δs); and w must keep one sign over the model (no point mapped
    /// through the line at infinity, the model not folded).
    ///
    /// Pairs that barely determine H — four points fit exactly, with no residual to expose
    /// noise — can make the fit pass through the noise with wild perspective (on a 2 × 2 grid
    /// at σ = 0.15 L, w varying by a factor 5 over the four corners, every grid point then
    /// far from its true place); such a fit contradicts the prior. Genuine perspective
    /// stays inside the bound: the validation protocol's (g, h ~ U(−0.05, 0.05)/r, with its
    /// scale, shear and rotation ranges) changes the local scale over the grid by a factor
    /// 1.48 at most (200,000 draws), where the prior's ±30 % allows 1.86.
    static func respectsScaleRange(_ h: Homography, model: [Point2], prior: PlacementPrior) -> Bool {
        let det = abs(h.determinant)
        guard det.isFinite, det > 0 else { return false }
        var lowest = Double.infinity, highest = 0.0
        var sign = 0.0
        for p in model {
            let w = h.m31 * p.x + h.m32 * p.y + h.m33
            guard w.isFinite, w != 0 else { return false }
            if sign == 0 { sign = w > 0 ? 1 : -1 } else if (w > 0 ? 1 : -1) != sign { return false }
            let local = abs(w)
            lowest = min(lowest, local); highest = max(highest, local)
        }
        // √(det/w³) ratio between points = (w_max / w_min)^{3/2}.
        let ratio = (highest / lowest) * (highest / lowest).squareRoot()
        return ratio <= (1 + prior.scaleTolerance) / (1 - prior.scaleTolerance)
    }

    /// The least-squares affine map through the pairs, reported as the result (`affineOnly`):
    /// three pairs determine no homography, and more pairs get here only when every
    /// homography fitted on them contradicted the prior's scale range.
    private static func affineResult(
        model: [Point2], image: [Point2], rough: RoughPlacement, pairs: [PointPair], rejected: [Int]
    ) throws -> Result {
        let from = pairs.map { model[$0.model] }, to = pairs.map { image[$0.image] }
        guard let a = Affine2.fit(from: from, to: to) else {
            throw MatchingError.fitFailed(.degenerateConfiguration(reason: "the paired model points are collinear"))
        }
        let residuals = zip(from, to).map { a.apply($0).distance(to: $1) }
        let rms = (residuals.reduce(0) { $0 + $1 * $1 } / Double(residuals.count)).squareRoot()
        return Result(
            homography: a.homography, rough: rough, pairs: pairs, inliers: pairs.map { _ in true },
            residuals: residuals, rms: rms, iterations: 1, converged: true, rejectedByVote: rejected,
            affineOnly: true)
    }
}
