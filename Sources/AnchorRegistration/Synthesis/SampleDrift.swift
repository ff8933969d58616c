import AnchorGeometry
import RealModule

/// The thermal drift of a sample over a series: the displacement L(t) of the sample's
/// lattice in the scanner frame (nm, x right = fast axis, y down = slow axis), t in seconds
/// since the series started, L(0) = 0.
///
/// After an approach or a temperature change the drift velocity decays exponentially from
/// `initialVelocity` to `finalVelocity` with time constant `decayTime`, and slow wobbles
/// (room temperature, cryostat cycles) ride on it:
///
///     v(t) = v∞ + (v₀ − v∞)·exp(−t/τ) + Σₖ Aₖ·(2π/Pₖ)·cos(2π t/Pₖ + φₖ)
///     L(t) = v∞·t + (v₀ − v∞)·τ·(1 − exp(−t/τ)) + Σₖ Aₖ·(sin(2π t/Pₖ + φₖ) − sin φₖ)
public struct SampleDrift: Sendable, Hashable, Codable {
    /// One sinusoidal wobble: amplitude (nm, per axis), period (s), phase (rad).
    public struct Wobble: Sendable, Hashable, Codable {
        public var amplitude: Point2
        public var period: Double
        public var phase: Double
        public init(amplitude: Point2, period: Double, phase: Double) {
            self.amplitude = amplitude
            self.period = period
            self.phase = phase
        }
        enum CodingKeys: String, CodingKey { case amplitude = "amplitude_nm", period = "period_s", phase = "phase_rad" }
    }

    /// v₀, nm/s.
    public var initialVelocity: Point2
    /// v∞, nm/s.
    public var finalVelocity: Point2
    /// τ, s.
    public var decayTime: Double
    public var wobbles: [Wobble]

    public init(initialVelocity: Point2, finalVelocity: Point2 = .zero, decayTime: Double = 1000, wobbles: [Wobble] = []) {
        self.initialVelocity = initialVelocity
        self.finalVelocity = finalVelocity
        self.decayTime = decayTime
        self.wobbles = wobbles
    }

    /// L(t), nm.
    public func displacement(at t: Double) -> Point2 {
        let decay = decayTime * (1 - Double.exp(-t / decayTime))
        var l = finalVelocity * t + (initialVelocity - finalVelocity) * decay
        for w in wobbles {
            let s = Double.sin(2 * .pi * t / w.period + w.phase) - Double.sin(w.phase)
            l = l + w.amplitude * s
        }
        return l
    }

    /// v(t) = dL/dt, nm/s.
    public func velocity(at t: Double) -> Point2 {
        var v = finalVelocity + (initialVelocity - finalVelocity) * Double.exp(-t / decayTime)
        for w in wobbles {
            let k = 2 * .pi / w.period
            v = v + w.amplitude * (k * Double.cos(k * t + w.phase))
        }
        return v
    }

    /// Checks every value.
    /// - Throws: `SynthesisError.invalidParameter` naming the first bad one.
    public func validate() throws {
        func bad(_ n: String, _ r: String) -> SynthesisError { .invalidParameter(name: n, reason: r) }
        guard initialVelocity.isFinite, finalVelocity.isFinite else { throw bad("drift velocity", "not finite") }
        guard decayTime.isFinite, decayTime > 0 else { throw bad("drift decay time", "\(decayTime) s; must be > 0") }
        for w in wobbles {
            guard w.amplitude.isFinite, w.period.isFinite, w.period > 0, w.phase.isFinite else {
                throw bad("wobble", "amplitude and phase finite, period > 0 s")
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case initialVelocity = "initial_velocity_nm_per_s", finalVelocity = "final_velocity_nm_per_s"
        case decayTime = "decay_time_s", wobbles
    }
}
