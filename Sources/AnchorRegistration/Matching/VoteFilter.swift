import AnchorGeometry

/// The paper's vote filter for periodic point sets (Diao et al. 2025, Fig. 1b): every point
/// is scored by its neighbours, and points that do not sit on the lattice are dropped.
///
/// For each point p (the "vote target"), every other point within `radius` of p casts one
/// vote: +1 when its distance to p lies in [(1 − tolerance)·L, (1 + tolerance)·L], −1
/// otherwise. Points whose score is below `minimumScore` (default 0: negative scores are
/// dropped, as in the paper) are removed. An interior point of a clean square lattice scores
/// +4, of a hexagonal lattice +6; a spurious detection between lattice sites scores −2 or
/// lower, and a lattice point next to such a detection still keeps a positive score.
///
/// `L` is the **nearest-anchor distance** (lattice spacing: the distance from an anchor to
/// its nearest neighbouring anchor) *in the space of the points being filtered* — pixels for
/// detected image points, so the model spacing times the image scale. The filter therefore
/// needs a **periodic point set** whose nearest-neighbour distances are all about L (square,
/// hexagonal, Si(111)-(7×7) corner holes); on an irregular set (a device drawing) it would
/// drop genuine points. Under strong anisotropic scaling or shear the neighbour distances
/// spread beyond the tolerance: filter such points after mapping them back into the model
/// frame with a rough transform (what `PointSetRegistration` does).
///
/// Why the default radius is 1.25 L and not a round 1.5 L: the second neighbour shell of a
/// square lattice lies at √2 L ≈ 1.41 L. A radius of 1.5 L would make every interior point
/// of a square lattice score 4 − 4 = 0, so one nearby spurious point would push it negative
/// and remove a genuine point. 1.25 L sits midway between the band's upper edge (1.1 L) and
/// √2 L; the hexagonal lattice's second shell (√3 L) is further out still.
///
/// - Complexity: O(n log n + n·k) for n points with k neighbours within the radius each (one
///   k-d tree and one radius query per point).
public struct VoteFilter: Sendable, Hashable, Codable {
    /// Nearest-anchor distance L, in the points' unit (see the type's documentation).
    public var spacing: Double
    /// Relative half-width of the accepted distance band (the paper's 0.1: [0.9 L, 1.1 L]).
    public var tolerance: Double
    /// Neighbourhood radius, as a multiple of L.
    public var radiusFactor: Double
    /// Points scoring below this are dropped (the paper: 0, i.e. negative scores go).
    public var minimumScore: Int

    /// - Throws: `GeometryError.invalidParameter` when the spacing is not positive and finite,
    ///   the tolerance is not in [0, 1), or the radius does not reach the band's upper edge.
    public init(spacing: Double, tolerance: Double = 0.1, radiusFactor: Double = 1.25, minimumScore: Int = 0) throws {
        guard spacing.isFinite, spacing > 0 else {
            throw GeometryError.invalidParameter(name: "spacing", reason: "the lattice spacing L must be positive and finite, got \(spacing)")
        }
        guard tolerance.isFinite, tolerance >= 0, tolerance < 1 else {
            throw GeometryError.invalidParameter(name: "tolerance", reason: "must lie in [0, 1), got \(tolerance)")
        }
        guard radiusFactor.isFinite, radiusFactor >= 1 + tolerance else {
            throw GeometryError.invalidParameter(
                name: "radiusFactor",
                reason: "the neighbourhood radius (\(radiusFactor) L) must reach the band's upper edge (\(1 + tolerance) L)")
        }
        self.spacing = spacing
        self.tolerance = tolerance
        self.radiusFactor = radiusFactor
        self.minimumScore = minimumScore
    }

    /// The outcome of filtering: which points stay, and every point's score.
    public struct Result: Sendable, Hashable, Codable {
        /// Indices (into the filtered array) of the points kept, ascending.
        public var kept: [Int]
        /// Score of every input point, in input order (non-finite points score `Int.min`
        /// and are never kept).
        public var scores: [Int]
    }

    /// Scores every point and keeps those scoring at least `minimumScore`. The input is not
    /// modified.
    public func apply(to points: [Point2]) -> Result {
        let tree = KDTree(points)
        let radius = radiusFactor * spacing
        let lo = (1 - tolerance) * spacing, hi = (1 + tolerance) * spacing
        let lo2 = lo * lo, hi2 = hi * hi
        var scores = [Int](repeating: Int.min, count: points.count)
        var kept: [Int] = []
        for (i, p) in points.enumerated() where p.isFinite {
            var score = 0
            tree.forEach(within: radius, of: p) { j, d2 in
                guard j != i else { return }
                score += (d2 >= lo2 && d2 <= hi2) ? 1 : -1
            }
            scores[i] = score
            if score >= minimumScore { kept.append(i) }
        }
        return Result(kept: kept, scores: scores)
    }
}
