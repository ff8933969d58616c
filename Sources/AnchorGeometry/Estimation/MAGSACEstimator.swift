import RealModule

/// MAGSAC++ (Barath, Noskova, Ivashechkin & Matas, "MAGSAC++, a fast, reliable and accurate
/// robust estimator", CVPR 2020).
///
/// Instead of one threshold, the noise scale σ is marginalised uniformly over [0, σ_max];
/// here σ_max = τ / k with k = 3.0349, the 0.99 quantile of the χ distribution with ν = 2
/// degrees of freedom (our residual is the 2-D image displacement). With ν = 2 the paper's
/// incomplete gamma functions have closed forms: Γ(½, x) = √π·erfc(√x) and
/// γ(3⁄2, x) = (√π/2)·erf(√x) − √x·e⁻ˣ. Up to a constant factor,
///
///     ρ(r) = σ²_max/2 · γ(3⁄2, r²/2σ²_max) + r²/4 · [Γ(½, r²/2σ²_max) − Γ(½, k²/2)]   (r < kσ_max)
///     ρ(r) = σ²_max/2 · γ(3⁄2, k²/2)                                                    (r ≥ kσ_max)
///     w(r) = ρ′(r)/r ∝ Γ(½, r²/2σ²_max) − Γ(½, k²/2)
///
/// Hypotheses are scored by Σ ρ(rᵢ); the best is polished by σ-consensus++ (iteratively
/// reweighted DLT with weights w) and then, like every estimator here, by LM over the inliers.
enum MAGSACEstimator {
    /// √(−2 ln 0.01): the 0.99 quantile of the χ distribution with 2 degrees of freedom.
    static let k = (-2 * Double.log(0.01)).squareRoot()

    struct Loss: HypothesisScore {
        let sigmaMax: Double, t2: Double
        let outlierLoss: Double, gammaK: Double, invSqrt2Sigma: Double, sqrtPi = Double.pi.squareRoot()

        init(threshold tau: Double) {
            sigmaMax = tau / MAGSACEstimator.k
            t2 = tau * tau
            let xk = MAGSACEstimator.k * MAGSACEstimator.k / 2
            gammaK = sqrtPi * Double.erfc(xk.squareRoot())
            outlierLoss = sigmaMax * sigmaMax / 2 * (sqrtPi / 2 * Double.erf(xk.squareRoot()) - xk.squareRoot() * Double.exp(-xk))
            invSqrt2Sigma = 1 / (2.0.squareRoot() * sigmaMax)
        }

        /// ρ for a squared residual e = r².
        @inline(__always)
        func rho(_ e: Double) -> Double {
            guard e < t2 else { return outlierLoss }
            let sx = e.squareRoot() * invSqrt2Sigma  // √x with x = r²/2σ²
            let x = sx * sx
            let lower = sqrtPi / 2 * Double.erf(sx) - sx * Double.exp(-x)
            let upper = sqrtPi * Double.erfc(sx)
            return sigmaMax * sigmaMax / 2 * lower + e / 4 * (upper - gammaK)
        }

        /// σ-consensus++ weight for a squared residual (0 beyond the threshold).
        @inline(__always)
        func weight(_ e: Double) -> Double {
            guard e < t2 else { return 0 }
            return max(0, sqrtPi * Double.erfc(e.squareRoot() * invSqrt2Sigma) - gammaK)
        }

        func evaluate(_ h: Homography, xy: UnsafePointer<Double>, count n: Int, bound: Double) -> (cost: Double, inliers: Int)? {
            var cost = 0.0, inliers = 0
            for i in 0..<n {
                let e = h.squaredError(xy[4 * i], xy[4 * i + 1], xy[4 * i + 2], xy[4 * i + 3])
                if e < t2 { inliers += 1 }
                cost += rho(e)
                if cost >= bound { return nil }
            }
            return (cost, inliers)
        }

        func total(_ h: Homography, _ data: NormalizedCorrespondences) -> Double {
            data.xy.withUnsafeBufferPointer { evaluate(h, xy: $0.baseAddress!, count: data.count, bound: .infinity)!.cost }
        }
    }

    static func fit(model: [Point2], image: [Point2], data: NormalizedCorrespondences,
                    options: RobustEstimationOptions) throws -> HomographyFit {
        let (tau, pre) = try ConsensusSampler.threshold(data, options: options)
        let loss = Loss(threshold: tau)
        let r = try ConsensusSampler.run(data, options: options, score: loss)
        let polished = sigmaConsensus(r.hypothesis, cost: r.cost, data: data, loss: loss)
        return try RobustSampling.finish(polished, data: data, model: model, image: image,
                                         threshold: tau, refine: options.refine, iterations: pre + r.iterations,
                                         rescale: options.threshold == nil)
    }

    /// σ-consensus++: weighted DLT with the marginalised weights, repeated while Σρ decreases
    /// (at most 10 rounds).
    static func sigmaConsensus(_ start: Homography, cost: Double, data: NormalizedCorrespondences, loss: Loss) -> Homography {
        var best = start, bestCost = cost
        var weights = [Double](repeating: 0, count: data.count)
        for _ in 0..<10 {
            var support = 0
            data.xy.withUnsafeBufferPointer { xyb in
                let xy = xyb.baseAddress!
                for i in 0..<data.count {
                    weights[i] = loss.weight(best.squaredError(xy[4 * i], xy[4 * i + 1], xy[4 * i + 2], xy[4 * i + 3]))
                    if weights[i] > 0 { support += 1 }
                }
            }
            guard support >= 4 else { break }
            guard let fitted = DirectLinearTransform.solveInhomogeneous(data, weights: weights) else { break }
            let c = loss.total(fitted, data)
            guard c < bestCost else { break }
            best = fitted; bestCost = c
        }
        return best
    }
}
