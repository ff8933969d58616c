import Testing
@testable import AnchorGeometry

@Suite struct RobustEstimationTests {
    /// n correspondences, the first ⌈(1 − outlierFraction)·n⌉ true (plus noise σ), the rest
    /// replaced by gross outliers (uniform over a box 3× the image extent, at least 2 away).
    static func scene(seed: UInt64, n: Int, outlierFraction: Double, noise: Double)
        -> (truth: Homography, model: [Point2], image: [Point2], isOutlier: [Bool]) {
        var rng = SeededGenerator(seed: seed)
        let truth = EstimationFixtures.randomHomography(&rng)
        let model = EstimationFixtures.randomPoints(n, &rng)
        var image = truth.apply(model).map { $0 + Point2(noise * rng.normal(), noise * rng.normal()) }
        let outliers = Int((outlierFraction * Double(n)).rounded())
        var isOutlier = [Bool](repeating: false, count: n)
        for k in 0..<outliers {
            let i = n - 1 - k
            let clean = truth.apply(model[i])
            var q = clean
            while q.distance(to: clean) < 2 { q = Point2(rng.uniform(-15, 15), rng.uniform(-15, 15)) }
            image[i] = q
            isOutlier[i] = true
        }
        return (truth, model, image, isOutlier)
    }

    @Test(arguments: [HomographyEstimator.lmeds, .ransac, .msac, .magsac])
    func recoversHomographyWithFortyPercentGrossOutliers(_ estimator: HomographyEstimator) throws {
        for seed in UInt64(0)..<10 {
            let s = Self.scene(seed: seed, n: 50, outlierFraction: 0.4, noise: 0)
            let fit = try Homography.estimateRobust(from: s.model, to: s.image, using: estimator, options: .init(seed: seed))
            for i in s.model.indices where !s.isOutlier[i] {
                #expect(fit.homography.apply(s.model[i]).distance(to: s.image[i]) < 1e-6)
                #expect(fit.inliers[i])
            }
            for i in s.model.indices where s.isOutlier[i] { #expect(!fit.inliers[i]) }
        }
    }

    @Test(arguments: [HomographyEstimator.lmeds, .ransac, .msac, .magsac])
    func staysAccurateWithNoiseAndOutliers(_ estimator: HomographyEstimator) throws {
        var worst = 0.0
        for seed in UInt64(0)..<10 {
            let s = Self.scene(seed: 100 + seed, n: 60, outlierFraction: 0.4, noise: 0.02)
            let fit = try Homography.estimateRobust(from: s.model, to: s.image, using: estimator, options: .init(seed: seed))
            let clean = s.model.indices.filter { !s.isOutlier[$0] }.map { s.model[$0] }
            worst = max(worst, EstimationFixtures.maxTransferDifference(fit.homography, s.truth, on: clean))
            // Nearly every true point is kept (the threshold is several σ wide).
            let kept = s.model.indices.filter { !s.isOutlier[$0] && fit.inliers[$0] }.count
            #expect(kept >= clean.count - 2)
        }
        #expect(worst < 0.05)  // noise 0.02 per coordinate, 36 clean points
    }

    @Test(arguments: HomographyEstimator.allCases)
    func exactlyFourPointsGiveTheExactSolution(_ estimator: HomographyEstimator) throws {
        var rng = SeededGenerator(seed: 3)
        let truth = EstimationFixtures.randomHomography(&rng)
        let model = [Point2(-1, -1), Point2(2, -1), Point2(1.5, 1), Point2(-1, 2)]
        let fit = try Homography.estimateRobust(from: model, to: truth.apply(model), using: estimator)
        #expect(fit.inliers == [true, true, true, true])
        #expect(fit.residuals.allSatisfy { $0 < 1e-12 })
        #expect(fit.homography.maxDifference(to: truth.normalized()) < 1e-10)
    }

    @Test(arguments: HomographyEstimator.allCases)
    func deterministicUnderSeed(_ estimator: HomographyEstimator) throws {
        let s = Self.scene(seed: 42, n: 40, outlierFraction: 0.3, noise: 0.05)
        let a = try Homography.estimateRobust(from: s.model, to: s.image, using: estimator, options: .init(seed: 9))
        let b = try Homography.estimateRobust(from: s.model, to: s.image, using: estimator, options: .init(seed: 9))
        #expect(a == b)
    }

    @Test func residualsAndRMSAreConsistent() throws {
        let s = Self.scene(seed: 8, n: 30, outlierFraction: 0.2, noise: 0.03)
        let fit = try Homography.estimateRobust(from: s.model, to: s.image)
        for i in s.model.indices {
            #expect(abs(fit.residuals[i] - fit.homography.apply(s.model[i]).distance(to: s.image[i])) < 1e-12)
            #expect(fit.inliers[i] == (fit.residuals[i] <= fit.threshold))
        }
        let inl = s.model.indices.filter { fit.inliers[$0] }
        let rms = (inl.map { fit.residuals[$0] * fit.residuals[$0] }.reduce(0, +) / Double(inl.count)).squareRoot()
        #expect(abs(rms - fit.rms) < 1e-12)
        #expect(fit.threshold > 0)
    }

    @Test func refinementLowersReprojectionRMS() throws {
        for seed in UInt64(0)..<10 {
            let s = Self.scene(seed: 200 + seed, n: 40, outlierFraction: 0.25, noise: 0.05)
            let raw = try Homography.estimateRobust(from: s.model, to: s.image, using: .lmeds, options: .init(seed: seed, refine: false))
            let refined = Homography.refine(raw.homography, model: s.model, image: s.image, inliers: raw.inliers)
            func rms(_ h: Homography) -> Double {
                let inl = s.model.indices.filter { raw.inliers[$0] }
                return (inl.map { h.apply(s.model[$0]).distanceSquared(to: s.image[$0]) }.reduce(0, +) / Double(inl.count)).squareRoot()
            }
            #expect(rms(refined) < rms(raw.homography))
            let full = try Homography.estimateRobust(from: s.model, to: s.image, using: .lmeds, options: .init(seed: seed))
            #expect(full.rms <= raw.rms + 1e-12)
        }
    }

    @Test func refineLeavesUnusableInputUnchanged() {
        let h = Homography(2, 0, 1, 0, 2, 1, 0, 0, 1)
        let m = [Point2(0, 0), Point2(1, 0), Point2(1, 1)]
        #expect(Homography.refine(h, model: m, image: m) == h)
        #expect(Homography.refine(h, model: m, image: Array(m.prefix(2))) == h)
    }

    @Test func invalidOptionsAreReported() {
        let s = Self.scene(seed: 1, n: 10, outlierFraction: 0, noise: 0)
        #expect(throws: GeometryError.self) {
            try Homography.estimateRobust(from: s.model, to: s.image, options: .init(threshold: -1))
        }
        #expect(throws: GeometryError.self) {
            try Homography.estimateRobust(from: s.model, to: s.image, options: .init(confidence: 1))
        }
        #expect(throws: GeometryError.self) {
            try Homography.estimateRobust(from: s.model, to: s.image, options: .init(maxIterations: 0))
        }
    }

    @Test func degenerateInputIsReportedByRobustEstimators() {
        let line = (0..<10).map { Point2(Double($0), 0) }
        for e in HomographyEstimator.allCases {
            #expect(throws: GeometryError.self) { try Homography.estimateRobust(from: line, to: line, using: e) }
        }
    }
}
