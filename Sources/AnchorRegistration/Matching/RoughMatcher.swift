import AnchorGeometry
import RealModule

/// Where the rough matcher put the model: an affine transform (the paper's A of Eq. 1,
/// translation included) and the support it found.
public struct RoughPlacement: Sendable, Hashable {
    /// Affine model → image transform (model units to pixels; last row 0 0 1).
    public var transform: Homography
    /// Number of model points with a detected point within `captureRadius` of their placed
    /// position (the paper's score).
    public var support: Int
    /// Sum of those distances, in image units (the paper's tie-breaker: smaller is better).
    public var summedDistance: Double
    /// Capture radius used for `support` and `pairs`, in image units.
    public var captureRadius: Double
    /// Mutual-nearest-neighbour pairs within `captureRadius` under `transform` (model index,
    /// image index in the caller's order), ascending in model index.
    public var pairs: [PointPair]

    /// `transform` as Eq. 1's parameters (scale, rotation, shear, translation; least-shear
    /// convention of `AffineParameters`); nil only if the transform were singular.
    public var parameters: AffineParameters? { try? AffineParameters(decomposing: transform) }
}

/// The rough matching stage of the paper (Diao et al. 2025, Methods, "rough matching"):
/// place the model with an affine A (Eq. 1: scale, rotation, shear, translation), search the
/// translation (x0, y0) by brute force, then pair placed model points with detected points
/// through a k-d tree.
///
/// When the linear part is only known as a range (`PlacementPrior`), it is searched on a grid
/// fine enough for the capture radius to catch points at the far edge of what is being
/// matched (step ≈ capture / radius), **coarse to fine**: the grid is searched with only the
/// model's central points (a small radius makes a coarse grid suffice), and the best few
/// placements are then *grown* — pair the points within twice the radius, refit A by least
/// squares, repeat until the whole model is covered. Each grown placement is finally moved
/// by whole model periods (the offsets from the central model point to its neighbours) while
/// that raises the support, which settles the one-period ambiguity of lattices by maximal
/// overlap with the detected points.
///
/// Translation candidates come from point-to-point offsets: a central model point is aligned
/// with each detected point near where the prior puts it (the image's median position).
/// For a lattice this enumerates exactly one period's worth of distinct translations (every
/// lattice site near the centre), so it is the paper's brute-force search without the grid
/// discretisation; for a finite shape it is the classic alignment of candidate points.
/// `searchTranslation(…)` offers the paper's literal grid search over one period.
///
/// - Complexity: O(G·c·k log n) for the grid (G linear hypotheses, c candidate detections,
///   k central model points, early exit when a hypothesis cannot win) plus O(h·m log n) for
///   growing h placements over m model points, with n detected points.
public enum RoughMatcher {
    /// Tuning of the rough matcher.
    public struct Options: Sendable, Hashable, Codable {
        /// Capture radius as a fraction of the model's nearest-anchor spacing L (converted to
        /// image units by the placement's scale). 0.35 L: below half the spacing, so a point is
        /// never captured by the wrong site of a clean lattice, and wide enough to tolerate
        /// detection noise of ~0.1 L and the residual error of a coarse placement.
        public var captureFraction: Double
        /// Nearest-anchor spacing L in model units; nil derives it as the median
        /// nearest-neighbour distance of the model points.
        public var spacing: Double?
        /// Placements kept from the coarse grid and grown to the full model.
        public var hypotheses: Int
        /// Number of central model points used on the coarse grid (at least 3).
        public var coarsePoints: Int
        /// Always search the prior's ranges on a grid (coarse to fine), besides the placements
        /// proposed by point triplets. Off by default: the grid then runs only when no triplet
        /// explains three quarters of the central points (sparse or noisy detections).
        public var gridSearch: Bool
        /// Fewest captured model points a placement needs (at least 3, enough for an affine
        /// fit); nil means max(3, 30 % of the smaller point set).
        public var minimumSupport: Int?

        public init(
            captureFraction: Double = 0.35, spacing: Double? = nil, hypotheses: Int = 8,
            coarsePoints: Int = 12, gridSearch: Bool = false, minimumSupport: Int? = nil
        ) {
            self.gridSearch = gridSearch
            self.captureFraction = captureFraction
            self.spacing = spacing
            self.hypotheses = hypotheses
            self.coarsePoints = coarsePoints
            self.minimumSupport = minimumSupport
        }

        func validate() throws {
            guard captureFraction.isFinite, captureFraction > 0, captureFraction < 1 else {
                throw MatchingError.invalidOption(name: "captureFraction", reason: "must lie in (0, 1), got \(captureFraction)")
            }
            if let s = spacing, !(s.isFinite && s > 0) {
                throw MatchingError.invalidOption(name: "spacing", reason: "must be positive and finite, got \(s)")
            }
            guard hypotheses >= 1 else {
                throw MatchingError.invalidOption(name: "hypotheses", reason: "must be ≥ 1, got \(hypotheses)")
            }
            guard coarsePoints >= 3 else {
                throw MatchingError.invalidOption(name: "coarsePoints", reason: "must be ≥ 3, got \(coarsePoints)")
            }
            if let m = minimumSupport, m < 3 {
                throw MatchingError.invalidOption(name: "minimumSupport", reason: "must be ≥ 3, got \(m)")
            }
        }
    }

    /// Places `model` onto `image` within `prior` (see the type's documentation).
    ///
    /// - Parameters:
    ///   - model: model points, model units.
    ///   - image: detected points, image units (pixels), in any order, possibly with spurious
    ///     points and with model points missing.
    /// - Throws: `MatchingError` for too few or non-finite points, an invalid prior or option,
    ///   a degenerate model, or `.noPlacement` when no placement reaches the minimum support.
    public static func place(
        model: [Point2], image: [Point2], prior: PlacementPrior = PlacementPrior(),
        options: Options = Options()
    ) throws -> RoughPlacement {
        try place(model: model, image: image, imageTree: KDTree(image), prior: prior, options: options)
    }

    /// `place(model:image:prior:options:)` with a k-d tree already built over `image`.
    /// - Precondition: `imageTree` was built from exactly `image`.
    public static func place(
        model: [Point2], image: [Point2], imageTree: KDTree, prior: PlacementPrior,
        options: Options
    ) throws -> RoughPlacement {
        try prior.validate()
        try options.validate()
        try checkPoints(model, set: "model", needed: 3)
        try checkPoints(image, set: "image", needed: 3)
        let spacing = try options.spacing ?? Self.medianNearestNeighbourDistance(model)
        let ctx = Context(model: model, image: image, tree: imageTree, spacing: spacing, options: options)
        let minSupport = options.minimumSupport ?? max(3, Int((0.3 * Double(min(model.count, image.count))).rounded(.up)))

        // Coarse grid on the central points.
        var coarse: [Scored] = []
        ctx.tripletHypotheses(prior: prior, into: &coarse)
        // The grid runs when asked, or when no triplet explained three quarters of the
        // central points (noisy detections on a small model make neighbour triplets too
        // inaccurate to pass the prior).
        let centralCount = min(model.count, max(options.coarsePoints, 3))
        if options.gridSearch || (coarse.first?.support ?? 0) * 4 < centralCount * 3 {
            ctx.gridHypotheses(prior: prior, into: &coarse)
        }
        // Grow the best few; settle whole-period shifts for the best distinct grown ones (at
        // most six, with at least half the best support: distinct coarse placements often grow
        // into the same one, and settling is the costly part).
        var grown: [Scored] = []
        let topCoarse = coarse.first?.support ?? 0
        for h in coarse where 2 * h.support >= topCoarse {
            let t = ctx.grow(h.transform)
            if let s = ctx.score(t, count: model.count, mustBeat: nil) { ctx.insert(s, into: &grown) }
        }
        var best: Scored?
        let topGrown = grown.first?.support ?? 0
        for g in grown.prefix(6) where 2 * g.support >= topGrown {
            let t = ctx.settleShifts(g.transform)
            guard let s = ctx.score(t, count: model.count, mustBeat: best) else { continue }
            if best == nil || s.isBetter(than: best!) { best = s }
        }
        guard let best, best.support >= minSupport else {
            throw MatchingError.noPlacement(bestSupport: best?.support ?? 0, needed: minSupport)
        }
        let capture = ctx.captureRadius(for: best.transform)
        let placed = model.map(best.transform.apply)
        let pairs = mutualNearestPairs(model: placed, image: image, imageTree: imageTree, maxDistance: capture)
        return RoughPlacement(
            transform: best.transform.homography, support: best.support,
            summedDistance: best.summedDistance, captureRadius: capture, pairs: pairs)
    }

    /// The paper's literal translation search: with the linear part of A fixed, try every
    /// translation on a grid over one period of the model (an L × L square of model-space
    /// offsets, step `step` in model units, default half the capture radius) around the
    /// alignment of the model's centroid with the detected points' median, and keep the one
    /// whose placed model points have the most detections within `captureRadius` (image
    /// units), ties broken by the smaller summed distance.
    ///
    /// One L × L square of model offsets covers every distinct translation of a square or
    /// hexagonal lattice with spacing L (it contains a fundamental cell); whole-period shifts
    /// are not searched here (`place` settles them by overlap).
    ///
    /// - Parameters:
    ///   - linear: the linear part of A (its translation column is ignored).
    ///   - period: the period L in model units.
    /// - Returns: the affine transform found, its support and summed distance.
    /// - Complexity: O((L/step)² · m log n) for m model points.
    public static func searchTranslation(
        model: [Point2], image: [Point2], imageTree: KDTree, linear: Homography,
        period: Double, captureRadius: Double, step: Double? = nil
    ) -> (transform: Homography, support: Int, summedDistance: Double)? {
        guard !model.isEmpty, !image.isEmpty, period > 0, period.isFinite, captureRadius > 0 else { return nil }
        let step = step ?? captureRadius / max(abs(linear.determinant).squareRoot(), 1e-12) / 2
        guard step > 0, step.isFinite else { return nil }
        let g = Affine2(a: linear.m11, b: linear.m12, c: linear.m21, d: linear.m22, tx: 0, ty: 0)
        let mc = centroid(model)
        let base = medianPoint(image) - g.apply(mc)
        let ctx = Context(model: model, image: image, tree: imageTree, spacing: period,
                          options: Options(captureFraction: 0.35, spacing: period))
        let k = max(1, Int((period / step).rounded(.up)))
        var best: Scored?
        for iy in 0..<k {
            for ix in 0..<k {
                let u = Point2((Double(ix) + 0.5) / Double(k) - 0.5, (Double(iy) + 0.5) / Double(k) - 0.5) * period
                let off = base + g.applyLinear(u)
                let t = Affine2(a: g.a, b: g.b, c: g.c, d: g.d, tx: off.x, ty: off.y)
                if let s = ctx.score(t, count: model.count, capture: captureRadius, mustBeat: best),
                   best == nil || s.isBetter(than: best!) {
                    best = s
                }
            }
        }
        guard let best else { return nil }
        return (best.transform.homography, best.support, best.summedDistance)
    }

    // MARK: - Helpers shared with the registration chain

    static func checkPoints(_ pts: [Point2], set: String, needed: Int) throws {
        guard pts.count >= needed else { throw MatchingError.tooFewPoints(set: set, needed: needed, got: pts.count) }
        if let i = pts.firstIndex(where: { !$0.isFinite }) { throw MatchingError.nonFinitePoint(set: set, index: i) }
    }

    /// Median over points of the distance to their nearest other point: the nearest-anchor
    /// spacing L of a lattice, a typical spacing for any other shape.
    static func medianNearestNeighbourDistance(_ pts: [Point2]) throws -> Double {
        let tree = KDTree(pts)
        var d: [Double] = []
        d.reserveCapacity(pts.count)
        for p in pts {
            let nn = tree.nearest(to: p, k: 2)
            if nn.count == 2 { d.append(nn[1].distance) }
        }
        d = d.filter { $0 > 0 }
        guard !d.isEmpty else { throw MatchingError.degenerateModel(reason: "all model points coincide; no spacing can be derived") }
        d.sort()
        return d[d.count / 2]
    }

    static func centroid(_ pts: [Point2]) -> Point2 {
        var s = Point2.zero
        for p in pts { s += p }
        return s / Double(max(pts.count, 1))
    }

    /// Coordinate-wise median: a centre that spurious detections barely move.
    static func medianPoint(_ pts: [Point2]) -> Point2 {
        let xs = pts.map(\.x).sorted(), ys = pts.map(\.y).sorted()
        let n = pts.count
        if n % 2 == 1 { return Point2(xs[n / 2], ys[n / 2]) }
        return Point2((xs[n / 2 - 1] + xs[n / 2]) / 2, (ys[n / 2 - 1] + ys[n / 2]) / 2)
    }

    // MARK: - Search machinery

    struct Scored {
        var transform: Affine2
        var support: Int
        var summedDistance: Double

        func isBetter(than o: Scored) -> Bool {
            support > o.support || (support == o.support && summedDistance < o.summedDistance)
        }
    }

    struct Context {
        let model: [Point2]
        let image: [Point2]
        let tree: KDTree
        let spacing: Double
        let options: Options
        /// Model indices by increasing distance from the model centroid.
        let order: [Int]
        let centre: Point2
        let imageCentre: Point2
        /// Offsets from the most central model point to its 8 nearest neighbours (a
        /// lattice's periods), and their pairwise sums.
        let shifts: [Point2]
        let periodOffsets: [Point2]

        init(model: [Point2], image: [Point2], tree: KDTree, spacing: Double, options: Options) {
            self.model = model
            self.image = image
            self.tree = tree
            self.spacing = spacing
            self.options = options
            let c = RoughMatcher.centroid(model)
            centre = c
            order = model.indices.sorted {
                let a = model[$0].distanceSquared(to: c), b = model[$1].distanceSquared(to: c)
                return a < b || (a == b && $0 < $1)
            }
            imageCentre = RoughMatcher.medianPoint(image)
            let mc = model[order[0]]
            let near = KDTree(model).nearest(to: mc, k: 9).map { model[$0.index] - mc }.filter { $0.length > 0 }
            shifts = near
            var offsets = near
            for a in near { for b in near { offsets.append(a + b) } }
            periodOffsets = offsets.filter { $0.length > 0 }
        }

        func captureRadius(for t: Affine2) -> Double {
            options.captureFraction * spacing * t.meanScale
        }

        /// Support of `t` over the `count` most central model points; nil as soon as it can
        /// no longer beat `mustBeat` (early exit).
        func score(_ t: Affine2, count: Int, capture: Double? = nil, mustBeat: Scored?) -> Scored? {
            let r = capture ?? captureRadius(for: t)
            var support = 0
            var sum = 0.0
            let target = mustBeat?.support ?? 0
            for (k, i) in order.prefix(count).enumerated() {
                if let hit = tree.nearest(to: t.apply(model[i]), maxDistance: r) {
                    support += 1
                    sum += hit.distance
                }
                if support + (count - k - 1) < target { return nil }
            }
            return Scored(transform: t, support: support, summedDistance: sum)
        }

        /// Values covering `centre ± halfWidth` with spacing at most `step`, at cell centres.
        static func grid(centre: Double, halfWidth: Double, step: Double) -> [Double] {
            guard halfWidth > 0, step > 0 else { return [centre] }
            let n = max(1, Int((2 * halfWidth / step).rounded(.up)))
            return (0..<n).map { centre - halfWidth + (Double($0) + 0.5) * 2 * halfWidth / Double(n) }
        }

        /// True when the linear part M of `t` lies within the prior's ranges, widened by
        /// `pad` (relative) for detection noise in hypotheses built from three points.
        ///
        /// Judged on M's columns, the images of the model's x and y unit vectors, which is how
        /// Eq. 1's parameters show in the data: their lengths against the per-axis scale range
        /// (a shear lengthens one by √(1 + a²)); their directions (the x image, and the y image
        /// turned back by 90°) against the rotation range, widened by what anisotropy (up to
        /// (1 + Δs)/(1 − Δs)) and shear (atan a) do to a direction; the angle between them
        /// against 90°, widened likewise. The angle test is what rejects the *unimodular*
        /// alternatives of a lattice (mapping its basis (e1, e2) to (e1, e2 ± e1), which
        /// covers a lattice's interior just as well but skews it by 45° or more).
        static func admits(_ t: Affine2, prior: PlacementPrior, pad: Double) -> Bool {
            guard t.determinant > 0 else { return false }
            let shearMax = abs(prior.shear) + prior.shearTolerance
            let l1 = (t.a * t.a + t.c * t.c).squareRoot(), l2 = (t.b * t.b + t.d * t.d).squareRoot()
            let lo = prior.scale * (1 - prior.scaleTolerance) * (1 - pad)
            let hi = prior.scale * (1 + prior.scaleTolerance) * (1 + shearMax * shearMax).squareRoot() * (1 + pad)
            guard l1 >= lo, l1 <= hi, l2 >= lo, l2 <= hi else { return false }
            let aniso = (1 + prior.scaleTolerance) / (1 - prior.scaleTolerance)
            let tolDeg = prior.rotationToleranceDegrees
            // Skew of the axes: shear plus the skew anisotropy gives a rotated square.
            let skewFromAniso = Double.atan((aniso - 1 / aniso) * Double.sin(min(tolDeg, 45) * .pi / 180) * Double.cos(min(tolDeg, 45) * .pi / 180))
            let skewTol = Double.atan(shearMax) + skewFromAniso + pad
            let cosAngle = (t.a * t.b + t.c * t.d) / (l1 * l2)
            guard abs(Double.asin(max(-1, min(1, cosAngle)))) <= skewTol else { return false }
            if tolDeg < 180 {
                let tol = min(.pi, Double.atan(aniso * Double.tan(min(tolDeg, 89) * .pi / 180)) + Double.atan(shearMax) + pad)
                let theta0 = prior.rotationDegrees * .pi / 180
                func within(_ angle: Double) -> Bool {
                    var d = angle - theta0
                    d -= 2 * .pi * (d / (2 * .pi)).rounded()
                    return abs(d) <= tol
                }
                guard within(Double.atan2(y: t.c, x: t.a)), within(Double.atan2(y: -t.b, x: t.d)) else { return false }
            }
            return true
        }

        /// Placements proposed by point triplets: a central model point and two neighbours
        /// (not collinear) are mapped exactly onto a detected point near where the prior puts
        /// the central one and two of its nearest detected neighbours; the affine map this
        /// defines is kept when the prior admits it, and scored on the central model points.
        /// No discretisation of the linear part: the hypotheses come from the data.
        func tripletHypotheses(prior: PlacementPrior, into kept: inout [Scored]) {
            let k = min(model.count, max(options.coarsePoints, 3))
            let central = Array(order.prefix(k))
            let modelTree = KDTree(model)
            let maxScale = prior.scale * (1 + prior.scaleTolerance) * (1 + prior.shearTolerance / 2)
            let window = 1.5 * spacing * maxScale
            let neighbours = 6
            var tried = 0
            for m in central.prefix(4) {
                // Two model neighbours of m spanning a well-conditioned triangle.
                let near = modelTree.nearest(to: model[m], k: 7).map(\.index).filter { $0 != m }
                guard let m1 = near.first else { continue }
                let v1 = model[m1] - model[m]
                guard let m2 = near.dropFirst().first(where: { j in
                    let v2 = model[j] - model[m]
                    return abs(v1.cross(v2)) > 0.5 * v1.length * v2.length
                }) else { continue }
                let src = [model[m], model[m1], model[m2]]
                tried += 1
                // Where the prior (centred on the image's median) expects model point m.
                let g0 = Affine2(a: prior.scale, b: 0, c: 0, d: prior.scale, tx: 0, ty: 0)
                let predicted = imageCentre + g0.applyLinear(model[m] - centre)
                let reach = window + (model[m] - centre).length * prior.scale * (prior.scaleTolerance + prior.shearTolerance + 0.2)
                tree.forEach(within: reach, of: predicted) { j, _ in
                    let nn = tree.nearest(to: image[j], k: neighbours + 1).map(\.index).filter { $0 != j }
                    for k1 in nn {
                        for k2 in nn where k2 != k1 {
                            guard let t = Affine2.fit(from: src, to: [image[j], image[k1], image[k2]]),
                                  Context.admits(t, prior: prior, pad: 0.1),
                                  let sc = score(t, count: k, mustBeat: kept.count < options.hypotheses ? nil : kept.last)
                            else { continue }
                            insert(sc, into: &kept)
                        }
                    }
                }
                // Further anchors only when this one found nothing convincing (its detection
                // or a neighbour's may be missing).
                if let top = kept.first, top.support * 4 >= k * 3 { break }
            }
        }

        /// Scores every linear map of the prior's grid against every candidate translation
        /// on the central model points, adding the best to `kept`.
        ///
        /// The grid is over the polar form M = R(φ)·s·[[1 + e, q], [q, 1 − e]] (rotation,
        /// scale, aspect and symmetric shear), whose parameters each move the outermost
        /// central point by about (change × radius): a step of capture/radius in each keeps
        /// the whole central patch within reach. Ranges: the prior's, widened as in
        /// `admits`.
        func gridHypotheses(prior: PlacementPrior, into kept: inout [Scored]) {
            let k = min(model.count, max(options.coarsePoints, 3))
            let central = Array(order.prefix(k))
            let radius = max(central.map { model[$0].distance(to: centre) }.max() ?? spacing, spacing)
            let step = options.captureFraction * spacing / radius
            let tol = prior.rotationToleranceDegrees * .pi / 180 + prior.shearTolerance / 2
            let phis = tol >= .pi
                ? Context.grid(centre: 0, halfWidth: .pi, step: step)
                : Context.grid(centre: prior.rotationDegrees * .pi / 180, halfWidth: tol, step: step)
            let scales = Context.grid(centre: 1, halfWidth: prior.scaleTolerance, step: step).map { $0 * prior.scale }
            let aspects = Context.grid(centre: 0, halfWidth: prior.scaleTolerance, step: step)
            let shears = Context.grid(centre: prior.shear / 2, halfWidth: prior.shearTolerance / 2, step: step)
            let anchors = Array(central.prefix(min(3, central.count)))
            let maxScale = prior.scale * (1 + prior.scaleTolerance)
            let window = 1.5 * spacing * maxScale
            for phi in phis {
                let (c, s) = (Double.cos(phi), Double.sin(phi))
                for sc0 in scales {
                    for e in aspects {
                        for q in shears {
                            let p11 = sc0 * (1 + e), p22 = sc0 * (1 - e), p12 = sc0 * q
                            let g = Affine2(a: c * p11 - s * p12, b: c * p12 - s * p22,
                                            c: s * p11 + c * p12, d: s * p12 + c * p22, tx: 0, ty: 0)
                            for (ai, m) in anchors.enumerated() {
                                let predicted = imageCentre + g.applyLinear(model[m] - centre)
                                var found = false
                                tree.forEach(within: window, of: predicted) { j, _ in
                                    let off = image[j] - g.applyLinear(model[m])
                                    let t = Affine2(a: g.a, b: g.b, c: g.c, d: g.d, tx: off.x, ty: off.y)
                                    guard let sc = score(t, count: k, mustBeat: kept.count < options.hypotheses ? nil : kept.last)
                                    else { return }
                                    found = true
                                    insert(sc, into: &kept)
                                }
                                if ai == 0, found, let top = kept.first, top.support * 4 >= k * 3 { break }
                            }
                        }
                    }
                }
            }
        }

        /// Adds `s` to the sorted list of the best placements, unless a placement that puts
        /// the model at the same spot is already there (then only the better one stays):
        /// triplets from one lattice site propose the same placement many times over, and
        /// growing duplicates would waste the hypothesis budget.
        func insert(_ s: Scored, into kept: inout [Scored]) {
            let tol = 0.5 * captureRadius(for: s.transform)
            let scale = s.transform.meanScale
            if let i = kept.firstIndex(where: { k in
                let t = k.transform, u = s.transform
                guard abs(t.a - u.a) + abs(t.b - u.b) + abs(t.c - u.c) + abs(t.d - u.d) < 0.2 * scale else { return false }
                // Same linear part: the same placement if the translations differ by nothing
                // or by whole periods (settled later by `settleShifts`), so that one lattice
                // placement repeated at neighbouring sites cannot crowd out the others.
                let dx = t.tx - u.tx, dy = t.ty - u.ty
                if abs(dx) + abs(dy) < tol { return true }
                return periodOffsets.contains { d in
                    let v = u.applyLinear(d)
                    return abs(dx - v.x) + abs(dy - v.y) < tol
                }
            }) {
                guard s.isBetter(than: kept[i]) else { return }
                kept.remove(at: i)
            }
            var i = kept.count
            while i > 0, s.isBetter(than: kept[i - 1]) { i -= 1 }
            guard i < options.hypotheses else { return }
            kept.insert(s, at: i)
            if kept.count > options.hypotheses { kept.removeLast() }
        }

        /// Refits `t` by least squares on ever larger central parts of the model (three times
        /// the points each step, radius × 1.7), so errors of the coarse linear part never exceed the capture radius at
        /// the edge of what is being paired.
        func grow(_ t0: Affine2) -> Affine2 {
            var t = t0
            var n = min(model.count, max(options.coarsePoints, 3))
            while true {
                // Refit at this size until the pairs settle (at most three times).
                var previous: [Int] = []
                for _ in 0..<3 {
                    let r = captureRadius(for: t)
                    var from: [Point2] = [], to: [Point2] = [], hits: [Int] = []
                    from.reserveCapacity(n); to.reserveCapacity(n); hits.reserveCapacity(n)
                    for i in order.prefix(n) {
                        if let hit = tree.nearest(to: t.apply(model[i]), maxDistance: r) {
                            from.append(model[i]); to.append(image[hit.index]); hits.append(hit.index)
                        } else {
                            hits.append(-1)
                        }
                    }
                    if let f = Affine2.fit(from: from, to: to), f.determinant * t.determinant > 0 { t = f }
                    if hits == previous { break }
                    previous = hits
                }
                if n == model.count { return t }
                n = min(model.count, n * 3)
            }
        }

        /// Moves `t` by whole model periods (offsets from the central model point to its
        /// nearest neighbours) while that raises the support, refitting after each move,
        /// until neither a move nor a refit helps (at most four rounds).
        func settleShifts(_ t0: Affine2) -> Affine2 {
            guard var best = score(t0, count: model.count, mustBeat: nil) else { return t0 }
            for _ in 0..<4 {
                var moved: Scored?
                for d in shifts {
                    var t = best.transform.shiftingModel(by: d)
                    // On small models a placement a period off fits the linear part to few
                    // points, so the shifted placement is refitted before it is judged; on
                    // large ones the linear part is already accurate and refitting every
                    // candidate shift would cost more than it tells.
                    if model.count <= 36 { t = grow(t) }
                    if let s = score(t, count: model.count, mustBeat: moved ?? best),
                       s.support > (moved ?? best).support {
                        moved = s
                    }
                }
                guard let m = moved else { break }
                let refit = grow(m.transform)
                if let r = score(refit, count: model.count, mustBeat: nil), !m.isBetter(than: r) {
                    best = r
                } else {
                    best = m
                }
            }
            return best.transform
        }
    }
}
