/// The outcome of one condition (σ, n²) of the Monte-Carlo study.
///
/// Encoded with the machine-output keys (`noise`, `points`, `mae_median`, `mae_q1`,
/// `mae_q3`, `recall`, `failures`) plus more; MAE statistics are `null` when every sample
/// failed.
public struct ValidationConditionResult: Sendable, Equatable, Encodable {
    /// Noise std σ per coordinate (image units).
    public var noise: Double
    /// Grid point count n².
    public var points: Int
    /// Samples run.
    public var samples: Int
    /// Per-sample MAE (mean of d_i over all n² grid points, model units) over the samples
    /// that did not fail; `nil` when all failed.
    public var mae: SampleStatistics?
    /// Recall at OKS > τ pooled over all grid points of all samples; a failed sample counts
    /// all its points as misses.
    public var recall: Double
    /// Samples whose estimator threw (or returned a transform that is singular or maps a
    /// grid point to infinity).
    public var failures: Int
    /// Fraction of all samples with MAE > 1 (the lattice placed about one period off).
    public var onePeriodOff: Double
    /// Estimator time summed over the samples: CPU seconds of the worker threads, so the
    /// figure holds on a busy machine.
    public var fitSeconds: Double
    /// The first failure's message, to tell a user why samples fail.
    public var firstFailure: String?

    public init(noise: Double, points: Int, samples: Int, mae: SampleStatistics?, recall: Double,
                failures: Int, onePeriodOff: Double, fitSeconds: Double, firstFailure: String?) {
        self.noise = noise
        self.points = points
        self.samples = samples
        self.mae = mae
        self.recall = recall
        self.failures = failures
        self.onePeriodOff = onePeriodOff
        self.fitSeconds = fitSeconds
        self.firstFailure = firstFailure
    }

    /// Fits per second of one core (samples / fitSeconds), thread CPU time.
    public var fitsPerSecond: Double {
        fitSeconds > 0 ? Double(samples) / fitSeconds : 0
    }

    enum CodingKeys: String, CodingKey {
        case noise, points, samples, recall, failures
        case maeMedian = "mae_median", maeQ1 = "mae_q1", maeQ3 = "mae_q3", maeMean = "mae_mean"
        case maeP05 = "mae_p05", maeP95 = "mae_p95", maeMin = "mae_min", maeMax = "mae_max"
        case maeWhiskerLow = "mae_whisker_low", maeWhiskerHigh = "mae_whisker_high"
        case onePeriodOff = "one_period_off", fitSeconds = "fit_seconds", fitsPerSecond = "fits_per_second"
        case firstFailure = "first_failure"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(noise, forKey: .noise)
        try c.encode(points, forKey: .points)
        try c.encode(samples, forKey: .samples)
        try c.encode(mae?.median, forKey: .maeMedian)
        try c.encode(mae?.q1, forKey: .maeQ1)
        try c.encode(mae?.q3, forKey: .maeQ3)
        try c.encode(mae?.mean, forKey: .maeMean)
        try c.encode(mae?.p05, forKey: .maeP05)
        try c.encode(mae?.p95, forKey: .maeP95)
        try c.encode(mae?.min, forKey: .maeMin)
        try c.encode(mae?.max, forKey: .maeMax)
        try c.encode(mae?.whiskerLow, forKey: .maeWhiskerLow)
        try c.encode(mae?.whiskerHigh, forKey: .maeWhiskerHigh)
        try c.encode(recall, forKey: .recall)
        try c.encode(failures, forKey: .failures)
        try c.encode(onePeriodOff, forKey: .onePeriodOff)
        try c.encode(fitSeconds, forKey: .fitSeconds)
        try c.encode(fitsPerSecond, forKey: .fitsPerSecond)
        try c.encodeIfPresent(firstFailure, forKey: .firstFailure)
    }
}

/// The whole study's outcome, the `validate --json` document:
/// `{"estimator", "samples", "seed", "seconds", "conditions": […], …}`.
public struct ValidationReport: Sendable, Encodable {
    /// Name of the fitter used.
    public var estimator: String
    public var mode: ValidationMode
    /// Samples per condition.
    public var samples: Int
    public var seed: UInt64
    /// Wall-clock time of the whole study, seconds.
    public var seconds: Double
    /// Worker threads used.
    public var threads: Int
    public var configuration: ValidationConfiguration
    /// One entry per condition, point counts outer, noise levels inner.
    public var conditions: [ValidationConditionResult]

    public init(estimator: String, mode: ValidationMode, samples: Int, seed: UInt64, seconds: Double,
                threads: Int, configuration: ValidationConfiguration, conditions: [ValidationConditionResult]) {
        self.estimator = estimator
        self.mode = mode
        self.samples = samples
        self.seed = seed
        self.seconds = seconds
        self.threads = threads
        self.configuration = configuration
        self.conditions = conditions
    }

    /// The result for (σ, n²), if the study ran that condition.
    public func result(noise: Double, points: Int) -> ValidationConditionResult? {
        conditions.first { $0.noise == noise && $0.points == points }
    }

    enum CodingKeys: String, CodingKey {
        case estimator, mode, samples, seed, seconds, threads, conditions
        case missing, outliers, prior
        case oksThreshold = "oks_threshold", oksScale = "oks_scale", oksK = "oks_k"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(estimator, forKey: .estimator)
        try c.encode(mode, forKey: .mode)
        try c.encode(samples, forKey: .samples)
        try c.encode(seed, forKey: .seed)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(threads, forKey: .threads)
        try c.encode(configuration.oksThreshold, forKey: .oksThreshold)
        try c.encode(configuration.oksScale, forKey: .oksScale)
        try c.encode(configuration.oksK, forKey: .oksK)
        if mode == .pairing {
            try c.encode(configuration.missingFraction, forKey: .missing)
            try c.encode(configuration.outlierFraction, forKey: .outliers)
            try c.encode(configuration.prior, forKey: .prior)
        }
        try c.encode(conditions, forKey: .conditions)
    }
}
