import AnchorGeometry
import Foundation
import AnchorImaging
import AnchorModels

/// Follows a series of frames of one lattice in time (issue 12): each frame's
/// `ScanDecomposition` puts the lattice in the scanner frame; its cells are tied to frame 0's
/// numbering by the drift forecast and confirmed by the defect codes (`FrameMatcher`); the
/// positions give the drift, its velocity and a forecast of the next frame's offset.
///
/// `add` is causal (what `watch` uses: each frame sees only the ones before it);
/// `refineOffline()` then re-estimates every velocity from the frames on both sides (what
/// `track` reports) and every forecast with the next frame's real time, still from the frames
/// up to the one forecast from.
public struct SeriesTracker: Sendable {
    public let model: AnchorModel
    /// Frames on each side (offline) or before (causal) used for a velocity.
    public var window: Int
    public private(set) var frames: [TrackedFrame] = []
    private var lastCodes: [CellCode] = []
    private var reference: Double?

    /// - Throws: `RegistrationError.unsupportedModel` for a model without a lattice.
    public init(model: AnchorModel, window: Int = 4) throws {
        guard model.lattice != nil else { throw RegistrationError.unsupportedModel("tracking follows lattice cells; \(model.name) has no lattice") }
        self.model = model
        self.window = max(window, 2)
    }

    /// The verdict of a frame's registration (`Registration.quality`, see `LatticeVerdict`)
    /// before tracking adds its own findings.
    public static func registrationQuality(_ analysis: FrameAnalysis) -> Verdict {
        analysis.registration.quality ?? Verdict()
    }

    /// What a tracker needs to go on after a restart (`watch` keeps it in its state file).
    public struct Snapshot: Sendable, Codable {
        public var frames: [TrackedFrame]
        public var lastCodes: [CellCode]
        public var reference: Double?
        enum CodingKeys: String, CodingKey { case frames, lastCodes = "last_codes", reference = "reference_civil_s" }
    }

    public var snapshot: Snapshot { Snapshot(frames: frames, lastCodes: lastCodes, reference: reference) }

    /// A tracker that goes on from `snapshot`.
    public init(model: AnchorModel, window: Int = 4, resuming snapshot: Snapshot) throws {
        try self.init(model: model, window: window)
        frames = snapshot.frames
        lastCodes = snapshot.lastCodes
        reference = snapshot.reference
    }

    private var usable: [TrackedFrame] { frames.filter { $0.latticePosition != nil } }

    /// Adds the next frame in time order.
    /// - Parameters:
    ///   - analysis: the frame's analysis, or the error that stopped it.
    ///   - timing: its acquisition timing; `frameTime` the time to record it (s).
    @discardableResult
    public mutating func add(file: String, timing: AcquisitionTiming, frameTime: Double,
                             analysis: Result<FrameAnalysis, any Error>) -> TrackedFrame {
        let lattice = model.lattice!
        let tcFraction = 0.5
        let civilCentre = timing.start.secondsSinceEpoch + tcFraction * frameTime
        if reference == nil { reference = civilCentre }
        var f = TrackedFrame(index: frames.count, file: file, time: civilCentre - reference!,
                             start: timing.start.secondsSinceEpoch, timingSource: timing.source.rawValue,
                             frameTime: frameTime, quality: Verdict(), codedHalves: 0)
        let a: FrameAnalysis
        switch analysis {
        case .failure(let e):
            f.error = "\(e)"
            f.quality.add(.refused, "registration_failed", "the frame could not be registered: \(e)")
            frames.append(f)
            return f
        case .success(let x): a = x
        }
        f.quality = Self.registrationQuality(a)
        f.codedHalves = a.cells.count
        let reg = a.registration
        var img: [Point2] = [], mod: [Point2] = []
        for an in reg.anchors where an.inlier && (an.domain ?? 0) == 0 { img.append(an.image); mod.append(an.model) }
        // Each adatom's own peak, not its band-pooled position: the band (±12 scan lines on
        // Si(111)-7×7 frames) smooths away a creep that decays over a few lines.
        for s in a.sites where s.present { if let p = s.peak { img.append(p); mod.append(s.model) } }
        let w = a.levelled.width, h = a.levelled.height
        let d: ScanDecomposition
        do {
            d = try ScanDecomposition.fit(image: img, model: mod, width: w, height: h, slowAxisUp: timing.slowAxisUp)
        } catch {
            f.error = "\(error)"
            f.quality.add(.refused, "decomposition_failed", "the scan decomposition failed: \(error)")
            frames.append(f)
            return f
        }
        // The centre's time from the decomposition's own time fraction.
        f.time = timing.start.secondsSinceEpoch + d.centreTime * frameTime - reference!
        if frames.isEmpty { reference! += f.time; f.time = 0 }
        f.decomposition = d
        f.inFrameVelocity = d.inFrameVelocity(frameTime: frameTime)
        let previous = usable
        var check = TrackedFrame.CellCheck(used: "first")
        var offset = CellIndex(0, 0)
        if let last = previous.last, let lastRotation = last.decomposition?.rotation {
            // Cells can only be carried over between frames of one lattice orientation (a
            // numbering turned by a lattice symmetry would need the turn as well).
            let turn = abs(remainder(d.rotation - lastRotation, 2 * .pi))
            if turn > 5 * .pi / 180 {
                f.quality.add(.doubtful, "rotation_jump",
                              String(format: "the lattice turned by %.1f° since the previous frame; its cells may be numbered in another orientation", turn * 180 / .pi))
            }
        }
        if let last = previous.last, let lastOffset = last.cellOffset, let lastPos = last.latticePosition {
            // Prediction: where frame 0's origin should be now, from the frames so far.
            let recent = Array(previous.suffix(window + 1))
            let est = DriftEstimator.estimate(t: recent.map(\.time), p: recent.map { $0.latticePosition! },
                                              sigma: recent.map { Self.sigma($0) }, at: last.time, forecastAt: f.time)
            let predicted = est?.forecastPosition ?? lastPos
            // a1·oi + a2·oj = −m_c − R(−θ)·P.
            let target = Point2(0, 0) - d.centreModel - d.toModel(predicted)
            let fr = lattice.fractional(target)
            let rounded = CellIndex(Int(fr.x.rounded()), Int(fr.y.rounded()))
            check.predicted = rounded
            check.predictionResidualCells = max(abs(fr.x - fr.x.rounded()), abs(fr.y - fr.y.rounded()))
            if let m = try? FrameMatcher.match(lastCodes, a.cells) {
                // Cell c of this frame is cell c − Δ of the last one.
                let byCodes = CellIndex(lastOffset.i - m.offset.i, lastOffset.j - m.offset.j)
                check.byDefects = byCodes
                check.sharedDefects = m.sharedDefects
                check.confidence = m.confidence
            }
            let trusted = (check.sharedDefects ?? 0) >= 2 && (check.confidence ?? 0) >= 0.3
            if let byCodes = check.byDefects, trusted {
                check.agree = byCodes == rounded
                offset = byCodes
                check.used = "defects"
                if byCodes != rounded {
                    f.quality.add(.doubtful, "cells_disagree",
                                  "the defect codes put the frame's cell (0, 0) at \(byCodes) of frame 0, the drift forecast at \(rounded); the codes were used")
                }
            } else {
                offset = rounded
                check.used = "prediction"
                if let byCodes = check.byDefects { check.agree = byCodes == rounded }
                if (check.predictionResidualCells ?? 0) > 0.25 || check.agree == false {
                    f.quality.add(.doubtful, "cells_unconfirmed",
                                  String(format: "the defect codes do not confirm the cells (shared defects %d) and the forecast falls %.2f cells from a whole offset",
                                         check.sharedDefects ?? 0, check.predictionResidualCells ?? 0))
                }
            }
        }
        f.cellCheck = check
        f.cellOffset = offset
        let originInFrame = Point2(0, 0) - (lattice.a1 * Double(offset.i) + lattice.a2 * Double(offset.j))
        let position = d.scannerPosition(ofModel: originInFrame)
        f.latticePosition = position
        f.latticeSigma = d.centreSigma
        if let last = previous.last?.latticePosition { f.drift = position - last }
        let recent = Array((previous + [f]).suffix(window + 1))
        if recent.count >= 2 {
            let spacing = Self.medianSpacing(recent.map(\.time))
            let est = DriftEstimator.estimate(t: recent.map(\.time), p: recent.map { $0.latticePosition! },
                                              sigma: recent.map { Self.sigma($0) }, at: f.time, forecastAt: f.time + spacing)
            f.driftVelocity = est?.velocity
            f.driftVelocitySigma = est?.velocitySigma
            f.forecastNextDrift = est?.forecastPosition.map { $0 - position }
        }
        frames.append(f)
        lastCodes = a.cells
        return f
    }

    /// Re-estimates velocities from the frames on both sides (`window` each way) and the
    /// forecasts with the next frame's real time (from the frames up to each one).
    public mutating func refineOffline() {
        let good = frames.indices.filter { frames[$0].latticePosition != nil }
        for (k, idx) in good.enumerated() {
            // A window of `window + 1` frames centred on k, slid inwards at the ends so the
            // ends keep the quadratic (a one-sided short window would bias them by the curvature).
            let span = min(window, good.count - 1)
            let lo = max(0, min(k - span / 2, good.count - 1 - span)), hi = lo + span
            let around = (lo...hi).map { frames[good[$0]] }
            if let est = DriftEstimator.estimate(t: around.map(\.time), p: around.map { $0.latticePosition! },
                                                 sigma: around.map { Self.sigma($0) }, at: frames[idx].time) {
                frames[idx].driftVelocity = est.velocity
                frames[idx].driftVelocitySigma = est.velocitySigma
            }
            guard k + 1 < good.count, k >= 1 else { continue }
            let past = (max(0, k - window)...k).map { frames[good[$0]] }
            let next = frames[good[k + 1]].time
            if let est = DriftEstimator.estimate(t: past.map(\.time), p: past.map { $0.latticePosition! },
                                                 sigma: past.map { Self.sigma($0) }, at: frames[idx].time, forecastAt: next),
               let fp = est.forecastPosition {
                frames[idx].forecastNextDrift = fp - frames[idx].latticePosition!
            }
        }
    }

    static func sigma(_ f: TrackedFrame) -> Double {
        max(f.latticeSigma.map { max($0.x, $0.y) } ?? 0.01, 1e-4)
    }

    static func medianSpacing(_ t: [Double]) -> Double {
        let d = zip(t.dropFirst(), t).map { $0 - $1 }.sorted()
        return d.isEmpty ? 0 : d[d.count / 2]
    }
}
