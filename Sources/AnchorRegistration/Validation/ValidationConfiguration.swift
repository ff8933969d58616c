import AnchorGeometry

/// How the Monte-Carlo study hands the image points to the estimator.
public enum ValidationMode: String, Codable, Sendable, CaseIterable {
    /// Correspondences are given: image point i is the noisy image of model point i (the
    /// paper's Fig. 3 protocol).
    case paired
    /// Correspondences are not given: the image points are shuffled, some grid points are
    /// missing, spurious points are added, and the rotation is only known to ±10° — the
    /// situation of a real experiment, solved by the pairing chain.
    case pairing
}

/// What the matcher is told about the placement of the model in pairing mode: the rotation
/// and scale an experimenter would know (`fit --unpaired --rotation 0 --rotation-tolerance 10
/// --scale 1 --scale-tolerance 0.3`).
public struct ValidationPrior: Codable, Sendable, Equatable {
    /// Expected rotation of the model in the image, degrees.
    public var rotationDegrees: Double
    /// Half-width of the rotation interval searched, degrees.
    public var rotationToleranceDegrees: Double
    /// Expected scale, image units per model unit.
    public var scale: Double
    /// Relative half-width of the scale interval (0.3 = ±30 %).
    public var scaleTolerance: Double

    public init(rotationDegrees: Double = 0, rotationToleranceDegrees: Double = 10,
                scale: Double = 1, scaleTolerance: Double = 0.3) {
        self.rotationDegrees = rotationDegrees
        self.rotationToleranceDegrees = rotationToleranceDegrees
        self.scale = scale
        self.scaleTolerance = scaleTolerance
    }

    /// The protocol: rotation 0 ± 10°, scale 1 ± 30 %.
    public static let standard = ValidationPrior()

    enum CodingKeys: String, CodingKey {
        case rotationDegrees = "rotation_degrees", rotationToleranceDegrees = "rotation_tolerance_degrees"
        case scale, scaleTolerance = "scale_tolerance"
    }
}

/// The parameters of one Monte-Carlo study (`anchorreg validate`), after the protocol
/// (`docs/validation.md`):
///
/// - model P_m: an n × n square grid, unit spacing, centred on the origin (model units);
/// - true H = T(tx, ty) · Persp(g, h) · R(θ) · Shear(a) · Scale(sx, sy) with θ ~ U(−π, π)
///   (U(−10°, 10°) in pairing mode), sx, sy ~ U(0.8, 1.25), a ~ U(−0.2, 0.2),
///   g, h ~ U(−0.05, 0.05) / r with r = (n − 1)/2, tx, ty ~ U(−1, 1);
/// - P_e = H(P_m) plus Gaussian noise of std σ on each coordinate;
/// - P_t = H_est⁻¹(H(P_m)), d_i = ‖P_t,i − P_m,i‖; MAE per sample, recall at OKS τ pooled.
public struct ValidationConfiguration: Codable, Sendable, Equatable {
    /// Grid point counts n²; each must be a perfect square ≥ 4.
    public var pointCounts: [Int]
    /// Noise standard deviations σ per coordinate, in image units (≈ model units, since the
    /// true scale is near 1).
    public var noiseLevels: [Double]
    /// Samples per (σ, n²) condition.
    public var samplesPerCondition: Int
    /// Seed of every random choice; sample i of a grid of n² points uses stream (n², i), so
    /// results do not depend on the thread count or on the other conditions of the grid.
    public var seed: UInt64
    public var mode: ValidationMode
    /// Pairing mode: fraction of the grid points dropped from the image.
    public var missingFraction: Double
    /// Pairing mode: spurious image points, as a fraction of the grid point count n²
    /// (0.1 → 10 spurious points for a 10 × 10 grid), uniform over the bounding box of H(P_m).
    public var outlierFraction: Double
    /// Pairing mode: what the matcher is told about rotation and scale.
    public var prior: ValidationPrior
    /// OKS threshold τ of the recall (strictly greater counts as a hit).
    public var oksThreshold: Double
    /// OKS object scale s, model units.
    public var oksScale: Double
    /// OKS per-keypoint constant k.
    public var oksK: Double

    /// The default grid: n² ∈ {4, 9, 16, 25, 36, 49, 64, 100}.
    public static let defaultPointCounts = [4, 9, 16, 25, 36, 49, 64, 100]
    /// The default noise levels σ ∈ {0, 0.01, 0.02, 0.05, 0.08, 0.1, 0.15, 0.2}.
    public static let defaultNoiseLevels = [0, 0.01, 0.02, 0.05, 0.08, 0.1, 0.15, 0.2]

    public init(
        pointCounts: [Int] = ValidationConfiguration.defaultPointCounts,
        noiseLevels: [Double] = ValidationConfiguration.defaultNoiseLevels,
        samplesPerCondition: Int = 10_000,
        seed: UInt64 = 1,
        mode: ValidationMode = .paired,
        missingFraction: Double = 0.05,
        outlierFraction: Double = 0.1,
        prior: ValidationPrior = .standard,
        oksThreshold: Double = 0.95,
        oksScale: Double = 1,
        oksK: Double = 0.1
    ) {
        self.pointCounts = pointCounts
        self.noiseLevels = noiseLevels
        self.samplesPerCondition = samplesPerCondition
        self.seed = seed
        self.mode = mode
        self.missingFraction = missingFraction
        self.outlierFraction = outlierFraction
        self.prior = prior
        self.oksThreshold = oksThreshold
        self.oksScale = oksScale
        self.oksK = oksK
    }

    /// Checks every parameter and throws `GeometryError.invalidParameter` naming the first
    /// one out of range.
    /// Most samples (conditions × samples per condition) one study may run.
    public static let maximumSamples = 20_000_000
    /// Most generated points (Σ over conditions of samples × n²) one study may run.
    public static let maximumPointWork = 20_000_000_000

    public func validate() throws {
        guard !pointCounts.isEmpty else {
            throw GeometryError.invalidParameter(name: "points", reason: "give at least one point count")
        }
        for n2 in pointCounts {
            guard n2 >= 4, let _ = Self.gridSide(forPointCount: n2) else {
                throw GeometryError.invalidParameter(
                    name: "points",
                    reason: "\(n2) is not a square number ≥ 4; the model is an n × n grid (4, 9, 16, 25, …)")
            }
            guard n2 <= 1_000_000 else {
                throw GeometryError.invalidParameter(name: "points", reason: "\(n2) points is more than the 1,000,000 supported")
            }
        }
        guard !noiseLevels.isEmpty else {
            throw GeometryError.invalidParameter(name: "noise", reason: "give at least one noise level")
        }
        for s in noiseLevels where !(s.isFinite && s >= 0) {
            throw GeometryError.invalidParameter(name: "noise", reason: "noise std \(s) must be finite and ≥ 0")
        }
        guard samplesPerCondition >= 1 else {
            throw GeometryError.invalidParameter(name: "samples", reason: "need at least 1 sample per condition")
        }
        // Limits from the work and memory the study causes (the per-sample errors are kept
        // for the quantiles), not from the count alone; the full study (64 conditions ×
        // 10,000 samples) is 30× below them. Products are checked for overflow.
        let conditionCount = pointCounts.count * noiseLevels.count
        let (samplesTotal, o1) = conditionCount.multipliedReportingOverflow(by: samplesPerCondition)
        guard !o1, samplesTotal <= Self.maximumSamples else {
            throw GeometryError.invalidParameter(
                name: "samples",
                reason: "\(samplesPerCondition) per condition × \(conditionCount) conditions is more than the \(Self.maximumSamples) samples a study may hold in memory; use fewer samples or conditions")
        }
        let pointsPerRound = pointCounts.reduce(0) { $0 + $1 } * noiseLevels.count
        let (pointWork, o2) = pointsPerRound.multipliedReportingOverflow(by: samplesPerCondition)
        guard !o2, pointWork <= Self.maximumPointWork else {
            throw GeometryError.invalidParameter(
                name: "samples",
                reason: "\(samplesPerCondition) samples of up to \(pointCounts.max() ?? 0) points in every condition is more than \(Self.maximumPointWork) generated points; use fewer samples or smaller grids")
        }
        guard missingFraction.isFinite, missingFraction >= 0, missingFraction < 1 else {
            throw GeometryError.invalidParameter(name: "missing", reason: "\(missingFraction) must lie in [0, 1)")
        }
        guard outlierFraction.isFinite, outlierFraction >= 0, outlierFraction <= 100 else {
            throw GeometryError.invalidParameter(name: "outliers", reason: "\(outlierFraction) must lie in [0, 100]")
        }
        guard oksThreshold > 0, oksThreshold < 1 else {
            throw GeometryError.invalidParameter(name: "oks-threshold", reason: "\(oksThreshold) must lie in (0, 1)")
        }
        guard oksScale > 0, oksScale.isFinite, oksK > 0, oksK.isFinite else {
            throw GeometryError.invalidParameter(name: "oks", reason: "s and k must be positive and finite")
        }
        let p = prior
        guard p.rotationDegrees.isFinite, p.rotationToleranceDegrees.isFinite, p.rotationToleranceDegrees >= 0,
              p.scale.isFinite, p.scale > 0, p.scaleTolerance.isFinite, p.scaleTolerance >= 0, p.scaleTolerance < 1 else {
            throw GeometryError.invalidParameter(
                name: "prior", reason: "rotation tolerance must be ≥ 0, scale > 0 and scale tolerance in [0, 1)")
        }
    }

    /// The grid side n for a point count n² (`nil` unless a perfect square).
    public static func gridSide(forPointCount n2: Int) -> Int? {
        guard n2 >= 0 else { return nil }
        var n = Int(Double(n2).squareRoot().rounded())
        while n * n > n2 { n -= 1 }
        while (n + 1) * (n + 1) <= n2 { n += 1 }
        return n * n == n2 ? n : nil
    }

    /// The conditions in the order they are reported: points outer, noise inner.
    public var conditions: [ValidationCondition] {
        pointCounts.flatMap { n2 in noiseLevels.map { ValidationCondition(noise: $0, points: n2) } }
    }
}

/// One cell of the study's grid: noise σ and point count n².
public struct ValidationCondition: Hashable, Codable, Sendable {
    public var noise: Double
    public var points: Int

    public init(noise: Double, points: Int) {
        self.noise = noise
        self.points = points
    }

    /// The grid side n (points = n²).
    public var gridSide: Int { ValidationConfiguration.gridSide(forPointCount: points) ?? 0 }
}
