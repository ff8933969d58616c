import AnchorGeometry
import Foundation
import Testing
@testable import AnchorRegistration

/// A fitter that needs no estimator: the true H corrected by the mean residual, so its error
/// depends on the noise of each sample.
private let meanShiftFitter = ClosureFitter(name: "mean-shift") { sample in
    var dx = 0.0, dy = 0.0
    for (m, e) in zip(sample.model, sample.image) {
        let q = sample.trueHomography.apply(m)
        dx += e.x - q.x
        dy += e.y - q.y
    }
    let n = Double(sample.model.count)
    return Homography.translation(dx / n, dy / n) * sample.trueHomography
}

@Suite struct ValidationStudyTests {
    let small = ValidationConfiguration(pointCounts: [4, 16], noiseLevels: [0, 0.02, 0.1], samplesPerCondition: 60, seed: 7)

    @Test func gridIsCentredUnitSpacing() {
        let g = ValidationSampleGenerator.grid(side: 3)
        #expect(g.count == 9)
        #expect(g.first == Point2(-1, -1))
        #expect(g.last == Point2(1, 1))
        #expect(g[4] == Point2(0, 0))
        #expect(abs(g.reduce(0) { $0 + $1.x }) < 1e-15)
    }

    @Test func pointCountsMustBeSquares() {
        var c = small
        c.pointCounts = [4, 10]
        #expect(throws: GeometryError.self) { try c.validate() }
        c.pointCounts = [1]
        #expect(throws: GeometryError.self) { try c.validate() }
        c.pointCounts = [9]
        c.noiseLevels = [-0.1]
        #expect(throws: GeometryError.self) { try c.validate() }
    }

    @Test func samplesAreReproducibleAndIndependentOfGrid() {
        let g1 = ValidationSampleGenerator(configuration: small)
        var other = small
        other.noiseLevels = [0.1]
        other.pointCounts = [16]
        let g2 = ValidationSampleGenerator(configuration: other)
        let c = ValidationCondition(noise: 0.1, points: 16)
        let a = g1.sample(c, index: 5), b = g2.sample(c, index: 5)
        #expect(a.image == b.image)
        #expect(a.trueHomography == b.trueHomography)
        #expect(g1.sample(c, index: 6).image != a.image)
    }

    @Test func noiseFreeImageIsTrueTransformOfModel() {
        let g = ValidationSampleGenerator(configuration: small)
        let s = g.sample(ValidationCondition(noise: 0, points: 16), index: 3)
        for (m, e) in zip(s.model, s.image) {
            #expect(s.trueHomography.apply(m).distance(to: e) == 0)
        }
    }

    @Test func transformParametersFollowTheProtocol() {
        var g = SeededGenerator(seed: 3)
        for _ in 0..<500 {
            let p = ValidationSampleGenerator.drawParameters(side: 5, mode: .paired, using: &g)
            #expect(abs(p.theta) <= .pi)
            #expect(p.sx >= 0.8 && p.sx < 1.25 && p.sy >= 0.8 && p.sy < 1.25)
            #expect(abs(p.shear) <= 0.2)
            #expect(abs(p.g) <= 0.05 / 2 && abs(p.h) <= 0.05 / 2)
            #expect(abs(p.tx) <= 1 && abs(p.ty) <= 1)
            let q = ValidationSampleGenerator.drawParameters(side: 5, mode: .pairing, using: &g)
            #expect(abs(q.theta) <= 10 * .pi / 180)
        }
        // The composition order T · Persp · R · Shear · Scale, checked on one point.
        let p = ValidationTransformParameters(theta: 0.3, sx: 1.1, sy: 0.9, shear: 0.1, g: 0.01, h: -0.02, tx: 0.5, ty: -0.25)
        let x = Point2(1.5, -2)
        var v = Point2(x.x * 1.1, x.y * 0.9)
        v = Point2(v.x + 0.1 * v.y, v.y)
        v = Point2(cos(0.3) * v.x - sin(0.3) * v.y, sin(0.3) * v.x + cos(0.3) * v.y)
        let w = 0.01 * v.x - 0.02 * v.y + 1
        v = Point2(v.x / w + 0.5, v.y / w - 0.25)
        #expect(p.homography.apply(x).distance(to: v) < 1e-12)
    }

    @Test func pairingSamplesAreShuffledWithMissingAndSpuriousPoints() {
        var c = small
        c.mode = .pairing
        c.missingFraction = 0.25
        c.outlierFraction = 0.5
        let s = ValidationSampleGenerator(configuration: c).sample(ValidationCondition(noise: 0, points: 16), index: 2)
        #expect(s.image.count == 16 - 4 + 8)
        #expect(s.imageSource.filter { $0 < 0 }.count == 8)
        let kept = s.imageSource.filter { $0 >= 0 }
        #expect(Set(kept).count == 12)
        #expect(kept != kept.sorted())
        for (p, src) in zip(s.image, s.imageSource) where src >= 0 {
            #expect(s.trueHomography.apply(s.model[src]).distance(to: p) == 0)
        }
    }

    @Test func sameNumbersTwiceAndForAnyThreadCount() throws {
        let one = try ValidationStudy(configuration: small, fitter: meanShiftFitter, threads: 1).run()
        let two = try ValidationStudy(configuration: small, fitter: meanShiftFitter, threads: 2).run()
        let three = try ValidationStudy(configuration: small, fitter: meanShiftFitter, threads: 3).run()
        #expect(one.conditions.count == 6)
        for (a, (b, c)) in zip(one.conditions, zip(two.conditions, three.conditions)) {
            #expect(a.mae == b.mae && a.mae == c.mae)
            #expect(a.recall == b.recall && a.recall == c.recall)
            #expect(a.failures == b.failures && a.onePeriodOff == c.onePeriodOff)
        }
        // Noise-free samples with a perfect fit: zero error, full recall.
        let clean = try #require(one.result(noise: 0, points: 16))
        #expect(clean.mae!.max < 1e-9)
        #expect(clean.recall == 1)
        // More noise, lower recall.
        let r = one.conditions.filter { $0.points == 4 }.map(\.recall)
        #expect(r[0] >= r[1] && r[1] > r[2])
    }

    @Test func failuresAreCountedAsMisses() throws {
        let fitter = ClosureFitter(name: "odd-fails") { sample in
            if sample.index % 2 == 1 { throw GeometryError.noConsensus(reason: "test") }
            return sample.trueHomography
        }
        let c = ValidationConfiguration(pointCounts: [9], noiseLevels: [0], samplesPerCondition: 10)
        let r = try ValidationStudy(configuration: c, fitter: fitter, threads: 2).run()
        let result = r.conditions[0]
        #expect(result.failures == 5)
        #expect(result.recall == 0.5)
        #expect(result.mae?.count == 5)
        #expect(result.firstFailure?.contains("test") == true)
        // A singular estimate is a failure too, not a crash.
        let singular = ClosureFitter(name: "singular") { _ in Homography(1, 0, 0, 2, 0, 0, 0, 0, 0) }
        let s = try ValidationStudy(configuration: c, fitter: singular, threads: 1).run()
        #expect(s.conditions[0].failures == 10)
        #expect(s.conditions[0].mae == nil)
    }

    @Test func onePeriodOffCountsSamplesWithMAEAboveOne() throws {
        let shifted = ClosureFitter(name: "shifted") { sample in
            sample.index < 3 ? sample.trueHomography * Homography.translation(1.5, 0) : sample.trueHomography
        }
        let c = ValidationConfiguration(pointCounts: [4], noiseLevels: [0], samplesPerCondition: 12)
        let r = try ValidationStudy(configuration: c, fitter: shifted).run()
        #expect(r.conditions[0].onePeriodOff == 0.25)
        #expect(abs(r.conditions[0].mae!.max - 1.5) < 1e-9)
    }

    @Test func quantilesMatchNumPyLinearInterpolation() throws {
        let s = try #require(SampleStatistics([4, 1, 3, 2, 10]))
        #expect(s.median == 3)
        #expect(s.q1 == 2)
        #expect(s.q3 == 4)
        #expect(abs(s.p05 - 1.2) < 1e-12)   // numpy.quantile([1,2,3,4,10], 0.05) = 1.2
        #expect(abs(s.p95 - 8.8) < 1e-12)
        #expect(s.whiskerHigh == 4)         // 10 > q3 + 1.5·IQR = 7
        #expect(s.outliers == [10])
        let many = try #require(SampleStatistics((0..<2000).map { Double($0 % 10) } + (1...300).map { 100 + Double($0) }))
        #expect(many.outliers.count == SampleStatistics.maxOutliers)
        #expect(many.outliers.first == 101 && many.outliers.last == 400)
        #expect(s.mean == 4)
        #expect(SampleStatistics([]) == nil)
    }
}

@Suite struct ValidationWithEstimatorsTests {
    @Test func noiseFreeSamplesAreRecoveredToMachinePrecision() throws {
        let c = ValidationConfiguration(pointCounts: [4, 9, 25], noiseLevels: [0], samplesPerCondition: 40, seed: 11)
        for name in ["lmeds", "magsac", "dlt"] {
            let r = try ValidationStudy(configuration: c, fitter: ValidationFitters.fitter(named: name, configuration: c)).run()
            for cond in r.conditions {
                #expect(cond.failures == 0)
                #expect(cond.mae!.max < 1e-9, "\(name) n=\(cond.points): \(cond.mae!.max)")
                #expect(cond.recall == 1)
            }
        }
    }

    @Test func recallFallsWithNoiseAndResultsRepeat() throws {
        let c = ValidationConfiguration(pointCounts: [9, 16], noiseLevels: [0.01, 0.05, 0.15], samplesPerCondition: 80, seed: 5)
        let fitter = try ValidationFitters.fitter(named: "lmeds", configuration: c)
        let a = try ValidationStudy(configuration: c, fitter: fitter, threads: 1).run()
        let b = try ValidationStudy(configuration: c, fitter: fitter, threads: 2).run()
        #expect(a.conditions == b.conditions.map { var x = $0; x.fitSeconds = a.result(noise: x.noise, points: x.points)!.fitSeconds; return x })
        for n in [9, 16] {
            let r = c.noiseLevels.map { a.result(noise: $0, points: n)!.recall }
            #expect(r[0] > r[1] && r[1] > r[2], "n=\(n): \(r)")
            let m = c.noiseLevels.map { a.result(noise: $0, points: n)!.mae!.median }
            #expect(m[0] < m[1] && m[1] < m[2])
        }
    }

    @Test func pairingModeFindsTheCorrespondences() throws {
        let c = ValidationConfiguration(pointCounts: [16, 36], noiseLevels: [0, 0.02], samplesPerCondition: 15, seed: 2,
                                        mode: .pairing)
        let fitter = try ValidationFitters.fitter(named: ValidationFitters.defaultEstimator(for: .pairing), configuration: c)
        #expect(fitter.name == "chain-lmeds")
        let a = try ValidationStudy(configuration: c, fitter: fitter, threads: 2).run()
        let b = try ValidationStudy(configuration: c, fitter: fitter, threads: 1).run()
        for (x, y) in zip(a.conditions, b.conditions) {
            #expect(x.recall == y.recall && x.mae == y.mae && x.failures == y.failures)
        }
        // Noise-free, shuffled, with missing and spurious points: still exact in most samples.
        for n in [16, 36] {
            let clean = try #require(a.result(noise: 0, points: n))
            #expect(clean.recall > 0.9, "n=\(n): \(clean.recall)")
            #expect(clean.mae!.median < 1e-9)
        }
    }

    @Test func unknownEstimatorIsRejected() {
        #expect(throws: GeometryError.self) {
            try ValidationFitters.fitter(named: "nonsense", configuration: ValidationConfiguration())
        }
        for mode in ValidationMode.allCases {
            #expect(ValidationFitters.estimatorNames.contains(ValidationFitters.defaultEstimator(for: mode)))
        }
    }
}
