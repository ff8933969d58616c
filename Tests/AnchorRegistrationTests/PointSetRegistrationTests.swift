import Testing
import AnchorGeometry
@testable import AnchorRegistration

@Suite struct PointSetRegistrationTests {
    /// What `validate --mode pairing` tells the matcher.
    let prior = PlacementPrior(rotationDegrees: 0, rotationToleranceDegrees: 10, scale: 1, scaleTolerance: 0.3)

    @Test func exactRecoveryWithoutNoise() throws {
        for (k, n) in [2, 3, 5, 8].enumerated() {
            for s in 0..<5 {
                let sc = ProtocolScene(n: n, sigma: 0, seed: 7, stream: UInt64(100 * k + s))
                let r = try PointSetRegistration.register(model: sc.model, image: sc.image, prior: prior)
                let d = try #require(sc.errors(estimate: r.homography))
                #expect(d.max()! < 1e-6, "n=\(n) sample \(s): worst error \(d.max()!)")
                // Every inlier pair is a true correspondence.
                for (p, inlier) in zip(r.pairs, r.inliers) where inlier { #expect(sc.truth[p.image] == p.model) }
            }
        }
    }

    @Test func protocolSamplesWithNoise() throws {
        // 50 seeded samples of the pairing protocol at σ = 0.05 over several grid sizes:
        // nothing placed a period off, and the median MAE close to what the noise allows.
        var maes: [Double] = []
        var off = 0
        for s in 0..<50 {
            let n = [3, 4, 5, 6, 7][s % 5]
            let sc = ProtocolScene(n: n, sigma: 0.05, seed: 99, stream: UInt64(s))
            let r = try PointSetRegistration.register(model: sc.model, image: sc.image, prior: prior)
            let d = try #require(sc.errors(estimate: r.homography))
            let mae = d.reduce(0, +) / Double(d.count)
            maes.append(mae)
            if mae > 1 { off += 1 }
            #expect(r.pairs.count >= sc.truth.compactMap { $0 }.count * 8 / 10)
        }
        maes.sort()
        #expect(off == 0)
        #expect(maes[maes.count / 2] < 0.06, "median MAE \(maes[maes.count / 2])")
        #expect(maes.last! < 0.3, "worst MAE \(maes.last!)")
    }

    @Test func repairingRecoversPointsTheAffinePlacementMisses() throws {
        // Strong perspective on a large grid: the rough affine placement misses corner points;
        // re-pairing with the fitted H brings every detected site back.
        let model = (0..<225).map { Point2(Double($0 % 15) - 7, Double($0 / 15) - 7) }
        let truth = Homography(1, 0.05, 0.3, -0.04, 1.1, -0.2, 0.012, -0.01, 1)
        let image = truth.apply(model).reversed()
        let r = try PointSetRegistration.register(model: model, image: Array(image), prior: prior)
        #expect(r.pairs.count == 225)
        #expect(r.rough.pairs.count < 225)
        #expect(r.converged)
        #expect(r.homography.maxDifference(to: truth) < 1e-8)
    }

    @Test func fourthCornerBeyondTheRoughCaptureIsPairedOnATwoByTwoGrid() throws {
        // The non-affine part of the detections, e = (p0 − p1 − p2 + p3)/4 = (0.1, 0.1), puts
        // the fourth corner 4|e| ≈ 0.57 L away from where the affine map through the other
        // three predicts it — beyond the rough stage's capture radius — while a least-squares
        // affine fit over all four leaves each within |e| ≈ 0.14 L. The chain pairs all four.
        // The homography through them would need w from 0.6 to 1.4 over the corners (local
        // scale varying 3.6-fold, beyond the prior's ±30 %), so the answer is the
        // least-squares affine map through the four pairs.
        let model = [Point2(-0.5, -0.5), Point2(0.5, -0.5), Point2(-0.5, 0.5), Point2(0.5, 0.5)]
        let offsets = [Point2(0.1, 0.1), Point2(-0.1, -0.1), Point2(-0.1, -0.1), Point2(0.1, 0.1)]
        let detections = zip(model, offsets).map { $0 + $1 }
        let order = [2, 0, 3, 1]
        let image = order.map { detections[$0] }
        let r = try PointSetRegistration.register(model: model, image: image, prior: prior)
        #expect(r.rough.pairs.count == 3)
        #expect(r.pairs.count == 4)
        for p in r.pairs { #expect(order[p.image] == p.model) }
        #expect(r.affineOnly)
        // The least-squares affine map of these detections is the identity: each corner is
        // off by its own offset, |e|·√2.
        #expect(r.homography.maxDifference(to: .identity) < 1e-12)
        for residual in r.residuals { #expect(abs(residual - 0.1 * 2.0.squareRoot()) < 1e-12) }
    }

    @Test func scaleRangeOfTheFitFollowsThePrior() throws {
        let grid = [Point2(-0.5, -0.5), Point2(0.5, -0.5), Point2(-0.5, 0.5), Point2(0.5, 0.5)]
        // A perspective as strong as the protocol draws on a 2 × 2 grid (g = 0.05/r) passes…
        #expect(PointSetRegistration.respectsScaleRange(
            Homography(1.25, 0.2, 0.5, 0, 0.8, -0.3, 0.1, 0.1, 1), model: grid, prior: prior))
        // …the exact homography through the four detections of the test above does not…
        let model = grid
        let image = zip(grid, [Point2(0.1, 0.1), Point2(-0.1, -0.1), Point2(-0.1, -0.1), Point2(0.1, 0.1)]).map { $0 + $1 }
        let exact = try Homography.estimate(from: model, to: image)
        #expect(!PointSetRegistration.respectsScaleRange(exact, model: grid, prior: prior))
        // …nor does one that sends part of the model through the line at infinity, and a wider
        // prior admits more.
        #expect(!PointSetRegistration.respectsScaleRange(
            Homography(1, 0, 0, 0, 1, 0, 2.5, 0, 1), model: grid, prior: prior))
        let loose = PlacementPrior(scale: 1, scaleTolerance: 0.9)
        #expect(PointSetRegistration.respectsScaleRange(exact, model: grid, prior: loose))
    }

    @Test func twoByTwoProtocolSamplesGainTheFourthCorner() throws {
        // σ = 0.1 L on the 2 × 2 grid of the pairing protocol, one spurious point each: the
        // rough stage often pairs only three corners. Where those three are right, the chain
        // pairs the fourth corner too in most samples (wrong only when the spurious point lies
        // nearer the predicted corner than the corner's own detection — nothing on four
        // points can tell them apart), and its fit places the grid better than the affine
        // map through the three (median MAE).
        var cases = 0, allRight = 0
        var maeChain: [Double] = [], maeAffine: [Double] = []
        for s in 0..<150 {
            let sc = ProtocolScene(n: 2, sigma: 0.1, seed: 11, stream: UInt64(s))
            let r = try PointSetRegistration.register(model: sc.model, image: sc.image, prior: prior)
            guard r.rough.pairs.count == 3, r.rough.pairs.allSatisfy({ sc.truth[$0.image] == $0.model }) else { continue }
            cases += 1
            if r.pairs.count == 4, r.pairs.allSatisfy({ sc.truth[$0.image] == $0.model }) { allRight += 1 }
            let three = try #require(Affine2.fit(from: r.rough.pairs.map { sc.model[$0.model] },
                                                 to: r.rough.pairs.map { sc.image[$0.image] }))
            let dChain = try #require(sc.errors(estimate: r.homography))
            let dAffine = try #require(sc.errors(estimate: three.homography))
            maeChain.append(dChain.reduce(0, +) / 4)
            maeAffine.append(dAffine.reduce(0, +) / 4)
        }
        #expect(cases >= 10, "the case under test occurred \(cases) times")
        #expect(allRight * 10 >= cases * 8, "\(allRight) of \(cases) paired all four corners correctly")
        maeChain.sort(); maeAffine.sort()
        if cases > 0 { #expect(maeChain[cases / 2] < maeAffine[cases / 2]) }
    }

    @Test func voteFilterKeepsLatticeDetectionsOnPeriodicModels() throws {
        let sc = ProtocolScene(n: 8, sigma: 0.02, seed: 3, stream: 1, outliers: 0.3)
        let r = try PointSetRegistration.register(
            model: sc.model, image: sc.image, prior: prior, options: .init(periodic: true))
        let spurious = Set(sc.truth.indices.filter { sc.truth[$0] == nil })
        // The chain's conservative filter drops only clear rejections: never a true lattice
        // detection here.
        #expect(r.rejectedByVote.allSatisfy { spurious.contains($0) })
        // A spurious detection that survives can only take a site whose detection is missing.
        let detected = Set(sc.truth.compactMap { $0 })
        for p in r.pairs where spurious.contains(p.image) { #expect(!detected.contains(p.model)) }
        #expect(try #require(sc.errors(estimate: r.homography)).max()! < 0.1)
    }

    @Test func deterministicForASeed() throws {
        let sc = ProtocolScene(n: 6, sigma: 0.1, seed: 5, stream: 2)
        let a = try PointSetRegistration.register(model: sc.model, image: sc.image, prior: prior)
        let b = try PointSetRegistration.register(model: sc.model, image: sc.image, prior: prior)
        #expect(a == b)
    }

    @Test func typedErrors() {
        let model = (0..<9).map { Point2(Double($0 % 3), Double($0 / 3)) }
        #expect(throws: MatchingError.tooFewPoints(set: "image", needed: 3, got: 1)) {
            try PointSetRegistration.register(model: model, image: [.zero])
        }
        #expect(throws: MatchingError.self) {
            try PointSetRegistration.register(model: model, image: model, options: .init(pairingFraction: 0.9))
        }
        var rng = SeededGenerator(seed: 1)
        let clutter = (0..<40).map { _ in Point2(rng.uniform(0, 200), rng.uniform(0, 200)) }
        #expect(throws: MatchingError.self) {
            try PointSetRegistration.register(model: model, image: clutter, prior: PlacementPrior(scaleTolerance: 0.05))
        }
    }
}
