import AnchorGeometry
import RealModule

/// One Monte-Carlo sample of the validation study: the model grid, the true transform and
/// the (noisy, in pairing mode also shuffled and contaminated) image points.
public struct ValidationSample: Sendable {
    /// The condition (σ, n²) the sample belongs to.
    public let condition: ValidationCondition
    /// Index of the sample within its condition.
    public let index: Int
    /// P_m: the n × n unit grid centred on the origin, row by row (model units).
    public let model: [Point2]
    /// The true transform H (model → image).
    public let trueHomography: Homography
    /// P_e in image units. Paired mode: `image[i]` is the noisy image of `model[i]`.
    /// Pairing mode: shuffled noisy images of the grid points that were not dropped, mixed
    /// with spurious points.
    public let image: [Point2]
    /// Ground truth for `image`: the model index each image point came from, or −1 for a
    /// spurious point. Never shown to the estimator; used by diagnostics and exports.
    public let imageSource: [Int]

    public init(condition: ValidationCondition, index: Int, model: [Point2], trueHomography: Homography,
                image: [Point2], imageSource: [Int]) {
        self.condition = condition
        self.index = index
        self.model = model
        self.trueHomography = trueHomography
        self.image = image
        self.imageSource = imageSource
    }
}

/// The parameters drawn for one sample's true transform
/// H = T(tx, ty) · Persp(g, h) · R(θ) · Shear(a) · Scale(sx, sy).
public struct ValidationTransformParameters: Sendable, Equatable {
    public var theta: Double
    public var sx: Double, sy: Double
    public var shear: Double
    public var g: Double, h: Double
    public var tx: Double, ty: Double

    /// The composed transform (model → image).
    public var homography: Homography {
        let t = Homography.translation(tx, ty)
        let persp = Homography(1, 0, 0, 0, 1, 0, g, h, 1)
        let r = Homography.rotation(theta)
        let shearM = Homography(1, shear, 0, 0, 1, 0, 0, 0, 1)
        let scale = Homography.scaling(sx, sy)
        return t * persp * r * shearM * scale
    }
}

/// Draws the samples of the study, deterministically: sample i of a grid with n² points
/// uses `SeededGenerator(seed: seed, stream: stream(n², i, mode))`, so the same sample comes
/// out whatever the thread count and whatever other conditions the study holds.
///
/// The noise of a sample is σ times standard normal draws made in the same order for every σ,
/// so the conditions (σ, n²) of one n² share their true transforms and noise directions
/// ("common random numbers"): differences between noise levels are not blurred by
/// sampling differences.
public struct ValidationSampleGenerator: Sendable {
    public let configuration: ValidationConfiguration

    public init(configuration: ValidationConfiguration) {
        self.configuration = configuration
    }

    /// The n × n grid of unit spacing centred on the origin, row by row (y outer, x inner).
    public static func grid(side n: Int) -> [Point2] {
        let r = Double(n - 1) / 2
        var points: [Point2] = []
        points.reserveCapacity(n * n)
        for row in 0..<n {
            for col in 0..<n {
                points.append(Point2(Double(col) - r, Double(row) - r))
            }
        }
        return points
    }

    /// The random stream of sample `index` for a grid of `points` points.
    public static func stream(points: Int, index: Int, mode: ValidationMode) -> UInt64 {
        let modeBit: UInt64 = mode == .pairing ? 1 << 63 : 0
        return modeBit | (UInt64(points) << 32) | UInt64(truncatingIfNeeded: index)
    }

    /// Draws the true-transform parameters after the protocol (θ range depends on the mode).
    public static func drawParameters(side n: Int, mode: ValidationMode,
                                      using g: inout SeededGenerator) -> ValidationTransformParameters {
        let theta: Double
        switch mode {
        case .paired: theta = g.uniform(-.pi, .pi)
        case .pairing: theta = g.uniform(-10, 10) * .pi / 180
        }
        let sx = g.uniform(0.8, 1.25)
        let sy = g.uniform(0.8, 1.25)
        let a = g.uniform(-0.2, 0.2)
        let r = max(Double(n - 1) / 2, 0.5)
        let pg = g.uniform(-0.05, 0.05) / r
        let ph = g.uniform(-0.05, 0.05) / r
        let tx = g.uniform(-1, 1)
        let ty = g.uniform(-1, 1)
        return ValidationTransformParameters(theta: theta, sx: sx, sy: sy, shear: a, g: pg, h: ph, tx: tx, ty: ty)
    }

    /// Sample `index` of `condition`. `model` may be passed to reuse the grid.
    public func sample(_ condition: ValidationCondition, index: Int, model: [Point2]? = nil) -> ValidationSample {
        let n = condition.gridSide
        let grid = model ?? Self.grid(side: n)
        let mode = configuration.mode
        var g = SeededGenerator(seed: configuration.seed,
                                stream: Self.stream(points: condition.points, index: index, mode: mode))
        let h = Self.drawParameters(side: n, mode: mode, using: &g).homography
        let sigma = condition.noise
        var image = [Point2]()
        image.reserveCapacity(grid.count)
        for p in grid {
            let q = h.apply(p)
            let ex = g.normal(), ey = g.normal()
            image.append(Point2(q.x + sigma * ex, q.y + sigma * ey))
        }
        guard mode == .pairing else {
            return ValidationSample(condition: condition, index: index, model: grid, trueHomography: h,
                                    image: image, imageSource: Array(grid.indices))
        }

        // Drop `missing` of the grid points (partial Fisher–Yates picks which).
        let count = grid.count
        var order = Array(0..<count)
        let dropCount = min(Int((configuration.missingFraction * Double(count)).rounded()), count)
        for i in 0..<dropCount {
            let j = i + Int(g.next() % UInt64(count - i))
            order.swapAt(i, j)
        }
        var kept = Array(order[dropCount...])
        kept.sort()
        var points = kept.map { image[$0] }
        var source = kept

        // Spurious points, uniform over the bounding box of the noise-free H(P_m).
        let outlierCount = Int((configuration.outlierFraction * Double(count)).rounded())
        if outlierCount > 0 {
            var minX = Double.infinity, minY = Double.infinity
            var maxX = -Double.infinity, maxY = -Double.infinity
            for p in grid {
                let q = h.apply(p)
                minX = min(minX, q.x); maxX = max(maxX, q.x)
                minY = min(minY, q.y); maxY = max(maxY, q.y)
            }
            for _ in 0..<outlierCount {
                points.append(Point2(g.uniform(minX, maxX), g.uniform(minY, maxY)))
                source.append(-1)
            }
        }

        // Shuffle so the order carries no correspondence.
        var i = points.count - 1
        while i > 0 {
            let j = Int(g.next() % UInt64(i + 1))
            points.swapAt(i, j)
            source.swapAt(i, j)
            i -= 1
        }
        return ValidationSample(condition: condition, index: index, model: grid, trueHomography: h,
                                image: points, imageSource: source)
    }
}
