import AnchorGeometry
import AnchorImaging
import AnchorModels
import Foundation
import Testing
@testable import AnchorRegistration

@Suite("Device alignment")
struct DeviceAlignmentTests {
    /// One alignment shared by the tests below (alignment is the slow part of debug-build
    /// tests), four frames of the symmetric device4 model: "before"; "same", the same scene
    /// seen by a second camera (the first photograph resampled through a rotation, scaling
    /// and slight perspective G, with 10 % more exposure); "after" turned by 90°; and "after"
    /// turned by 180°. `truths` are the true model → image homographies of the four frames.
    static let series: (result: DeviceAlignmentResult, truths: [Homography]) = {
        let p = DeviceFixtures.pair
        // swiftlint:disable force_try
        let g = Homography.translation(256, 192) * Homography.rotation(0.12) * Homography.scaling(0.93, 0.93)
            * Homography(1, 0, 0, 0, 1, 0, 2e-5, -1e-5, 1) * Homography.translation(-250, -190)
        var same = try! p.before.warped(inverseMap: try! g.inverse(), width: 512, height: 384, fill: SIMD3(70, 82, 112))
        for i in same.samples.indices { same.samples[i] = UInt8(min(255, (Double(same.samples[i]) * 1.1).rounded())) }
        let (a90, t90) = try! turned(p.after, quarterTurns: 1)
        let (a180, t180) = try! turned(p.after, quarterTurns: 2)
        let frames = [AlignmentFrame(name: "before", luminance: p.before.luminance(), colour: p.before),
                      AlignmentFrame(name: "same", luminance: same.luminance(), colour: same),
                      AlignmentFrame(name: "after90", luminance: a90.luminance(), colour: a90),
                      AlignmentFrame(name: "after180", luminance: a180.luminance(), colour: a180)]
        let h = p.truth.homographies
        return (try! DeviceAlignment.align(frames, model: p.truth.model), [h[0], g * h[0], t90 * h[1], t180 * h[1]])
        // swiftlint:enable force_try
    }()

    @Test("dark-fraction change within 0.2 percentage points of the truth; integrated darkness against the truth")
    func darkFractionChange() throws {
        let p = DeviceFixtures.pair
        let r = Self.series.result
        // The change is last (after, turned 180°) − first (before).
        let c = try #require(r.change)
        #expect(abs(c.darkFractionChangePoints - p.truth.darkFractionChangePoints) < 0.2)
        #expect(abs(c.darkFractionBefore - p.truth.darkFractionBefore) < 0.01)
        #expect(abs(c.darkFractionAfter - p.truth.darkFractionAfter) < 0.01)
        // Integrated darkness (mean darkness 0…1 of the region) of each photograph and its
        // relative change against the generator's truth (over 50 random 1024 × 768 pairs the
        // errors stayed below 0.75 points and 0.6 % of the change; this pair is smaller).
        let m = try #require(r.measurement)
        #expect(abs(m.integratedDarkness[0] - p.truth.integratedDarknessBefore) < 0.01)
        #expect(abs(m.integratedDarkness[3] - p.truth.integratedDarknessAfter) < 0.01)
        #expect(abs(c.integratedDarknessChangePct - p.truth.integratedDarknessChangePct) < 1.0)
        #expect(c.integratedDarknessChangePct < 0)
        // The exposure ratio of the two photographs is found (gradients differ, so loosely).
        let ratio = p.truth.exposureGains[1] / p.truth.exposureGains[0]
        #expect(abs(r.normalisation[3].gain - ratio) < 0.05)
        #expect(r.measurement?.region == "active")
        #expect(r.notes.contains { $0.contains("orientations") })
    }

    @Test("an unchanged pair differs by an RMS below 2 % of the intensity range away from edges")
    func unchangedPair() throws {
        let r = Self.series.result
        #expect(r.differenceRMSRelative[0] < 0.02)
        #expect(abs(r.normalisation[1].gain - 1.1) < 0.02)
        let m = try #require(r.measurement)
        #expect(abs(m.darkFraction[1] - m.darkFraction[0]) < 0.003)
        // Frame 1's homography is G·H of frame 0.
        for a in DeviceFixtures.pair.truth.model.anchorPoints {
            #expect(r.registrations[1].homography.apply(a.position).distance(to: Self.series.truths[1].apply(a.position)) < 0.3)
        }
    }

    /// `img` turned clockwise by `quarterTurns` × 90° (exact pixel permutation), and the
    /// homography old image → new image.
    static func turned(_ img: RGBImage, quarterTurns q: Int) throws -> (RGBImage, Homography) {
        let w = img.width, h = img.height
        let (nw, nh) = q % 2 == 0 ? (w, h) : (h, w)
        let t: Homography
        switch q % 4 {
        case 1: t = Homography(0, -1, Double(h - 1), 1, 0, 0, 0, 0, 1)
        case 2: t = Homography(-1, 0, Double(w - 1), 0, -1, Double(h - 1), 0, 0, 1)
        case 3: t = Homography(0, 1, 0, -1, 0, Double(w - 1), 0, 0, 1)
        default: t = .identity
        }
        var out = [UInt8](repeating: 0, count: nw * nh * 3)
        for y in 0..<h {
            for x in 0..<w {
                let p = t.apply(Point2(Double(x), Double(y)))
                let j = (Int(p.y.rounded()) * nw + Int(p.x.rounded())) * 3, i = (y * w + x) * 3
                out[j] = img.samples[i]; out[j + 1] = img.samples[i + 1]; out[j + 2] = img.samples[i + 2]
            }
        }
        return (try RGBImage(width: nw, height: nh, samples: out), t)
    }

    @Test("a symmetric model: photographs turned by 90° and 180° take the first one's orientation by content")
    func orientationByContent() throws {
        let r = Self.series.result
        // device4's four identical electrodes leave the orientation open in each frame alone.
        #expect(r.registrations[0].ambiguity != nil)
        #expect(r.orientationByContent[0] == nil)
        for k in [2, 3] {
            let choice = try #require(r.orientationByContent[k])
            #expect(choice.resolved)
            #expect(choice.changedFromPrior)
            #expect(choice.rotations.count == 4)
            // Compared inside the square, where the dark pattern differs between orientations.
            #expect(choice.compared == "features")
            #expect(choice.correlations[choice.chosen] > 0.8)
            #expect(choice.correlations.enumerated().allSatisfy { $0.offset == choice.chosen || $0.element < 0.5 })
            // The chosen orientation is the true one: frame k's homography is T·H_after.
            let truth = Self.series.truths[k]
            for m in DeviceFixtures.pair.truth.model.anchorPoints {
                #expect(r.registrations[k].homography.apply(m.position).distance(to: truth.apply(m.position)) < 0.5, "frame \(k)")
            }
        }
        #expect(r.notes.filter { $0.contains("chosen by image content") }.count == 3)
        // The two turned copies of one photograph agree on the grid (the normalisation has
        // no gradient of the photograph to follow, so what is left is the resampling).
        var s = 0.0, n = 0
        for (a, b) in zip(r.aligned[2].pixels, r.aligned[3].pixels) where a.isFinite && b.isFinite {
            s += Double((a - b) * (a - b)); n += 1
        }
        #expect(n > 1000)
        #expect((s / Double(max(n, 1))).squareRoot() < 0.01 * r.intensityRange)
    }

    @Test("bad requests: one frame, an unknown region")
    func badRequests() throws {
        let p = DeviceFixtures.pair
        #expect(throws: DeviceError.self) {
            try DeviceAlignment.align([AlignmentFrame(name: "x", luminance: p.before.luminance())], model: p.truth.model)
        }
        var o = DeviceAlignmentOptions()
        o.regionName = "T9"
        #expect {
            try DeviceAlignment.align([AlignmentFrame(name: "before", luminance: p.before.luminance()),
                                       AlignmentFrame(name: "after", luminance: p.after.luminance())],
                                      model: p.truth.model, options: o)
        } throws: { e in
            guard case DeviceError.invalidParameter(_, let reason) = e else { return false }
            return reason.contains("T1")
        }
    }

    @Test("line profile samples the grid along a model line")
    func lineProfile() throws {
        let grid = try OutputGrid(covering: 0, 0, 10, 10, pixelsPerUnit: 2, unit: .micrometre)
        let ramp = try Image(width: grid.width, height: grid.height,
                             pixels: (0..<(grid.width * grid.height)).map { Float($0 % grid.width) })
        let prof = try LineProfile(images: [ramp], grid: grid, from: Point2(1, 5), to: Point2(9, 5))
        #expect(prof.distances.first == 0)
        #expect(abs(prof.distances.last! - 8) < 1e-12)
        for (d, v) in zip(prof.distances, prof.values[0]) { #expect(abs(Double(v) - (1 + d) * 2) < 1e-4) }
        #expect(prof.csv(frameNames: ["a"], unit: "um").hasPrefix("distance_um,x_um,y_um,\"a\"\n"))
        #expect(throws: DeviceError.self) { try LineProfile(images: [ramp], grid: grid, from: Point2(1, 1), to: Point2(1, 1)) }
    }
}
