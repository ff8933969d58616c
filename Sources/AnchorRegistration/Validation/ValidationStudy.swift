import AnchorGeometry
import Dispatch
import Foundation
import Synchronization

/// The Monte-Carlo accuracy study of the paper's Fig. 3 (`anchorreg validate`), run on every
/// core.
///
/// Each condition (σ, n²) draws `samplesPerCondition` samples (`ValidationSampleGenerator`),
/// fits H_est with the fitter, maps the true image positions back, P_t = H_est⁻¹(H(P_m)),
/// and measures d_i = ‖P_t,i − P_m,i‖ over all n² grid points (also those missing from the
/// image in pairing mode). Work is split into chunks of samples pulled by `threads` workers;
/// every sample has its own random stream and its own slot in the result, so the numbers are
/// identical for any thread count.
public struct ValidationStudy: Sendable {
    public let configuration: ValidationConfiguration
    public let fitter: any ValidationFitter
    /// Worker threads (≥ 1); defaults to the number of active processors.
    public var threads: Int

    public init(configuration: ValidationConfiguration, fitter: any ValidationFitter, threads: Int? = nil) {
        self.configuration = configuration
        self.fitter = fitter
        self.threads = max(1, threads ?? ValidationStudy.processorCount)
    }

    /// Active processors of this machine.
    public static var processorCount: Int {
        max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Per-sample outcome, kept until the condition's statistics are taken.
    public struct SampleOutcome: Sendable, Equatable {
        /// Mean of d_i over the grid, model units; NaN when the sample failed.
        public var mae: Double
        /// Grid points with OKS > τ.
        public var hits: Int
        /// Why the sample failed, if it did.
        public var failure: String?
        /// Estimator CPU time of the worker thread, nanoseconds.
        public var nanoseconds: UInt64
    }

    /// Runs the study.
    ///
    /// - Parameter progress: called (from worker threads) with the number of samples just
    ///   finished, for a progress bar.
    /// - Throws: `GeometryError.invalidParameter` for a bad configuration.
    /// - Complexity: conditions × samples fits.
    public func run(progress: (@Sendable (Int) -> Void)? = nil) throws -> ValidationReport {
        try configuration.validate()
        let start = DispatchTime.now().uptimeNanoseconds
        let conditions = configuration.conditions
        let samples = configuration.samplesPerCondition
        // Chunks small enough to balance the load and to move the progress bar, large
        // enough that taking one costs nothing against its fits.
        let chunk = max(1, min(200, samples / 8))
        let chunksPerCondition = (samples + chunk - 1) / chunk
        let itemCount = conditions.count * chunksPerCondition
        let store = OutcomeStore(conditions: conditions.count, samples: samples)
        let next = Atomic<Int>(0)
        let generator = ValidationSampleGenerator(configuration: configuration)
        let grids = Dictionary(uniqueKeysWithValues: Set(conditions.map(\.points)).map {
            ($0, ValidationSampleGenerator.grid(side: ValidationConfiguration.gridSide(forPointCount: $0) ?? 0))
        })
        let fitter = self.fitter
        let configuration = self.configuration
        let workers = min(threads, itemCount)

        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let item = next.add(1, ordering: .relaxed).oldValue
                if item >= itemCount { break }
                let c = item / chunksPerCondition
                let first = (item % chunksPerCondition) * chunk
                let last = min(first + chunk, samples)
                let condition = conditions[c]
                let grid = grids[condition.points]!
                for i in first..<last {
                    let sample = generator.sample(condition, index: i, model: grid)
                    let outcome = Self.evaluate(sample, fitter: fitter, configuration: configuration)
                    store.set(condition: c, sample: i, outcome)
                }
                progress?(last - first)
            }
        }

        var results: [ValidationConditionResult] = []
        results.reserveCapacity(conditions.count)
        for (c, condition) in conditions.enumerated() {
            results.append(Self.summarise(condition, outcomes: store.outcomes(condition: c)))
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return ValidationReport(estimator: fitter.name, mode: configuration.mode, samples: samples,
                                seed: configuration.seed, seconds: seconds, threads: workers,
                                configuration: configuration, conditions: results)
    }

    /// Fits one sample and measures it against the ground truth.
    public static func evaluate(_ sample: ValidationSample, fitter: any ValidationFitter,
                                configuration: ValidationConfiguration) -> SampleOutcome {
        let t0 = threadCPUNanoseconds()
        let estimate: Homography
        do {
            estimate = try fitter.fit(sample)
        } catch {
            let t1 = threadCPUNanoseconds()
            return SampleOutcome(mae: .nan, hits: 0, failure: "\(error)", nanoseconds: t1 &- t0)
        }
        let nanos = threadCPUNanoseconds() &- t0
        let inverse: Homography
        do {
            inverse = try estimate.inverse()
        } catch {
            return SampleOutcome(mae: .nan, hits: 0, failure: "estimate is singular: \(error)", nanoseconds: nanos)
        }
        // OKS > τ  ⇔  d² < 2 s² k² (−ln τ); compared on d² to save an exp per point.
        let s = configuration.oksScale, k = configuration.oksK
        let hitLimit = 2 * s * s * k * k * -Double.log(configuration.oksThreshold)
        let h = sample.trueHomography
        var sum = 0.0
        var hits = 0
        for p in sample.model {
            let t = inverse.apply(h.apply(p))
            let d2 = t.distanceSquared(to: p)
            guard d2.isFinite else {
                return SampleOutcome(mae: .nan, hits: 0,
                                     failure: "estimate maps grid point \(p) to infinity", nanoseconds: nanos)
            }
            sum += d2.squareRoot()
            if d2 < hitLimit { hits += 1 }
        }
        return SampleOutcome(mae: sum / Double(sample.model.count), hits: hits, failure: nil, nanoseconds: nanos)
    }

    /// Statistics of one condition from its samples' outcomes (in sample order).
    public static func summarise(_ condition: ValidationCondition, outcomes: [SampleOutcome]) -> ValidationConditionResult {
        var maes: [Double] = []
        maes.reserveCapacity(outcomes.count)
        var hits = 0
        var failures = 0
        var off = 0
        var nanos: UInt64 = 0
        var firstFailure: String?
        for o in outcomes {
            nanos &+= o.nanoseconds
            if let f = o.failure {
                failures += 1
                if firstFailure == nil { firstFailure = f }
                continue
            }
            maes.append(o.mae)
            hits += o.hits
            if o.mae > 1 { off += 1 }
        }
        let total = outcomes.count * condition.points
        return ValidationConditionResult(
            noise: condition.noise, points: condition.points, samples: outcomes.count,
            mae: SampleStatistics(maes),
            recall: total > 0 ? Double(hits) / Double(total) : 0,
            failures: failures,
            onePeriodOff: outcomes.isEmpty ? 0 : Double(off) / Double(outcomes.count),
            fitSeconds: Double(nanos) / 1e9,
            firstFailure: firstFailure)
    }
}

/// Per-sample outcomes written from worker threads. Each (condition, sample) slot is written
/// by exactly one worker and read only after all workers have finished
/// (`concurrentPerform` returns after every iteration), so the slots need no lock.
private final class OutcomeStore: @unchecked Sendable {
    private let samples: Int
    private let buffer: UnsafeMutableBufferPointer<ValidationStudy.SampleOutcome>

    init(conditions: Int, samples: Int) {
        self.samples = samples
        buffer = .allocate(capacity: conditions * samples)
        buffer.initialize(repeating: .init(mae: .nan, hits: 0, failure: "not run", nanoseconds: 0))
    }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }

    func set(condition: Int, sample: Int, _ outcome: ValidationStudy.SampleOutcome) {
        buffer[condition * samples + sample] = outcome
    }

    func outcomes(condition: Int) -> [ValidationStudy.SampleOutcome] {
        Array(buffer[(condition * samples)..<((condition + 1) * samples)])
    }
}
