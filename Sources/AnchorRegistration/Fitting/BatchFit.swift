import AnchorGeometry
import Dispatch
import Synchronization

/// The outcome of fitting one sample of a `fit` batch: either a transform with its inlier
/// mask and residuals, or the reason it could not be fitted.
public struct SampleFit: Sendable {
    /// The sample id (`nil` for a file without a `sample` column).
    public var sample: String?
    /// H (model → image), or `nil` when the sample failed.
    public var homography: Homography?
    /// Inlier flag per correspondence (paired: per CSV row of the sample; unpaired: per pair).
    public var inliers: [Bool]
    /// Reprojection residual per correspondence, image units.
    public var residuals: [Double]
    /// Root-mean-square residual over the inliers, image units.
    public var rms: Double?
    /// Unpaired fits: (model index, image index) of each pair, indices in the order of the
    /// sample's CSV rows of each set.
    public var pairs: [[Int]]?
    /// Why the sample could not be fitted.
    public var error: String?

    public init(sample: String?, homography: Homography?, inliers: [Bool], residuals: [Double], rms: Double?,
                pairs: [[Int]]?, error: String?) {
        self.sample = sample
        self.homography = homography
        self.inliers = inliers
        self.residuals = residuals
        self.rms = rms
        self.pairs = pairs
        self.error = error
    }

    /// A failed sample.
    public static func failure(_ sample: String?, _ error: any Error) -> SampleFit {
        SampleFit(sample: sample, homography: nil, inliers: [], residuals: [], rms: nil, pairs: nil,
                  error: "\(error)")
    }
}

/// Fits many independent samples (the `fit` command's batches) on every core; each sample's
/// failure is recorded in its result and does not stop the others. Results come back in the
/// input order, identical for any thread count.
public enum BatchFit {
    /// Runs `body` on every element of `items` with `threads` workers.
    /// - Complexity: one call of `body` per item.
    public static func map<T: Sendable, R: Sendable>(
        _ items: [T], threads: Int? = nil, progress: (@Sendable (Int) -> Void)? = nil,
        _ body: @escaping @Sendable (Int, T) -> R
    ) -> [R] {
        guard !items.isEmpty else { return [] }
        let workers = max(1, min(threads ?? ValidationStudy.processorCount, items.count))
        let chunk = max(1, min(64, items.count / (workers * 8)))
        let chunks = (items.count + chunk - 1) / chunk
        let slots = ResultSlots<R>(count: items.count)
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let c = next.add(1, ordering: .relaxed).oldValue
                if c >= chunks { break }
                let lo = c * chunk, hi = min(lo + chunk, items.count)
                for i in lo..<hi { slots.set(i, body(i, items[i])) }
                progress?(hi - lo)
            }
        }
        return slots.values()
    }
}

/// One slot per item, each written by exactly one worker before `concurrentPerform` returns
/// and read only afterwards, so the slots need no lock.
final class ResultSlots<R>: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<R?>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }

    func set(_ i: Int, _ value: R) { buffer[i] = value }

    func values() -> [R] { buffer.map { $0! } }
}
