import Testing
import PropertyBased
@testable import AnchorGeometry

@Suite struct RobustEstimationPropertyTests {
    /// Any seed, point count and outlier share below LMedS's breakdown point: the default
    /// estimator recovers the true transform on the clean points and flags the gross outliers.
    @Test func defaultEstimatorRecoversTruthBelowBreakdown() async {
        await propertyCheck(count: 60, input: Gen.int(in: 0...1_000_000), Gen.int(in: 6...80), Gen.int(in: 0...40)) { seed, n, pct in
            // LMedS scores the order statistic k = max(4, ⌊n/2⌋ + 1), so it identifies up to
            // n − k − 1 outliers (e.g. 1 of 6: with 2, only the 4 sample points would agree).
            let tolerable = n - max(4, n / 2 + 1) - 1
            let outliers = min(Int((Double(pct) / 100 * Double(n)).rounded()), tolerable)
            let s = RobustEstimationTests.scene(seed: UInt64(seed), n: n, outlierFraction: Double(outliers) / Double(n), noise: 0)
            guard let fit = try? Homography.estimateRobust(from: s.model, to: s.image, options: .init(seed: UInt64(seed))) else {
                Issue.record("fit threw (seed \(seed), n \(n), \(pct) %)"); return
            }
            for i in s.model.indices where !s.isOutlier[i] {
                #expect(fit.homography.apply(s.model[i]).distance(to: s.image[i]) < 1e-6)
            }
            #expect(fit.inliers == s.isOutlier.map { !$0 })
        }
    }

    @Test func pairsOneLatticePeriodOffAreRejected() throws {
        // Pairing mode's typical outlier: a model site paired with the neighbouring detection.
        // With σ = 0.05 (period 1) the derived threshold must drop them and keep the rest.
        var rejected = 0, kept = 0, bad = 0, good = 0
        for seed in UInt64(0)..<40 {
            var rng = SeededGenerator(seed: seed)
            let model = EstimationFixtures.grid(8)
            let truth = EstimationFixtures.randomHomography(&rng, halfWidth: 3.5)
            var image = model.map { truth.apply($0) + Point2(0.05 * rng.normal(), 0.05 * rng.normal()) }
            var isBad = [Bool](repeating: false, count: model.count)
            for i in stride(from: Int(seed % 7), to: model.count, by: 10) {
                let shift = [Point2(1, 0), Point2(-1, 0), Point2(0, 1), Point2(0, -1)][i % 4]
                image[i] = truth.apply(model[i] + shift) + Point2(0.05 * rng.normal(), 0.05 * rng.normal())
                isBad[i] = true
            }
            let fit = try Homography.estimateRobust(from: model, to: image, options: .init(seed: seed))
            for i in model.indices {
                if isBad[i] { bad += 1; if !fit.inliers[i] { rejected += 1 } } else { good += 1; if fit.inliers[i] { kept += 1 } }
            }
        }
        #expect(rejected == bad)
        #expect(Double(kept) >= 0.999 * Double(good))
    }

    @Test func reflectionsAreNotMistakenForDegenerateSamples() throws {
        // A y-up model in a y-down image: det H < 0, every triangle flips orientation.
        var rng = SeededGenerator(seed: 21)
        let truth = Homography.scaling(1, -1) * EstimationFixtures.randomHomography(&rng)
        let model = EstimationFixtures.grid(6)
        var image = truth.apply(model)
        for i in stride(from: 0, to: 36, by: 4) { image[i] = image[i] + Point2(3, -2) }
        for e in [HomographyEstimator.lmeds, .ransac, .msac, .magsac] {
            let fit = try Homography.estimateRobust(from: model, to: image, using: e)
            #expect(fit.homography.maxDifference(to: truth.normalized()) < 1e-9)
            #expect(fit.inlierCount == 27)
        }
    }

    @Test func smallSetsAreSearchedExhaustively() throws {
        // n = 7 with two outliers: LMedS enumerates all 35 quadruples whatever the seed.
        let s = RobustEstimationTests.scene(seed: 77, n: 7, outlierFraction: 2.0 / 7, noise: 0)
        let a = try Homography.estimateRobust(from: s.model, to: s.image, options: .init(seed: 1))
        let b = try Homography.estimateRobust(from: s.model, to: s.image, options: .init(seed: 2))
        #expect(a.iterations == 35)
        #expect(a == b)
        #expect(a.inliers == s.isOutlier.map { !$0 })
    }

    @Test func givenThresholdIsApplied() throws {
        let s = RobustEstimationTests.scene(seed: 5, n: 40, outlierFraction: 0.2, noise: 0.05)
        for e in [HomographyEstimator.lmeds, .ransac, .msac, .magsac] {
            let fit = try Homography.estimateRobust(from: s.model, to: s.image, using: e, options: .init(threshold: 0.3))
            #expect(fit.threshold == 0.3)
            #expect(fit.inliers == fit.residuals.map { $0 <= 0.3 })
        }
    }

    @Test func dltKeepsEveryPoint() throws {
        let s = RobustEstimationTests.scene(seed: 6, n: 20, outlierFraction: 0, noise: 0.05)
        let fit = try Homography.estimateRobust(from: s.model, to: s.image, using: .dlt)
        #expect(fit.inlierCount == 20)
        #expect(fit.iterations == 0)
        #expect(fit.homography.maxDifference(to: try Homography.estimate(from: s.model, to: s.image)) < 1e-12)
    }

    @Test func tooSmallThresholdGivesNoConsensus() {
        // Every point noisy, threshold far below the noise: at most the 4 sample points agree,
        // and after refitting fewer than 4 remain or the consensus is the sample itself.
        let s = RobustEstimationTests.scene(seed: 9, n: 30, outlierFraction: 0, noise: 0.5)
        do {
            let fit = try Homography.estimateRobust(from: s.model, to: s.image, using: .ransac, options: .init(threshold: 1e-9, maxIterations: 50))
            #expect(fit.inlierCount <= 4)
        } catch let GeometryError.noConsensus(reason) {
            #expect(reason.contains("threshold"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
