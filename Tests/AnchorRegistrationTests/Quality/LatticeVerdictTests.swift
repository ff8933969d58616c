import TestData
import Testing
import Foundation
import AnchorGeometry
import AnchorImaging
import AnchorModels
@testable import AnchorRegistration

/// The verdict on lattice registrations against ground truth: frames of other structures
/// (synthetic, and the real SrTiO3, TiO2 and graphene frames) must not come out "ok" with
/// si111-7x7, and real and synthetic Si(111)-7×7 frames must not be refused.
@Suite struct LatticeVerdictTests {
    let si = try! BuiltinModels.named("si111-7x7")

    /// The status of `image` registered to `model` (`refused` when the registrar itself
    /// refuses the frame, as the CLI does) and the verdict when there is one.
    func status(_ image: Image, _ model: AnchorModel) -> (Verdict.Status, Verdict?) {
        guard let a = try? FrameAnalysis.analyse(image, model: model, locateSites: false) else { return (.refused, nil) }
        let q = a.registration.quality
        return (q?.status ?? .ok, q)
    }

    static func real(_ path: String) throws -> Image {
        try ImageFile.read(path: TestData.realPath(path)).channels[0].image
    }

    // MARK: wrong structures

    /// 36 synthetic frames of three other structures (perovskite-like centred square,
    /// honeycomb, plain hexagonal), four lattice constants, three noise levels, random
    /// rotations, each calibrated so that the 7×7 cell is within ±15 % of the structure's
    /// period (the hardest case: the scale fits): none may be "ok" with si111-7x7, and those
    /// registered at a scale that resolves the motif (sites ≥ 5 px apart) must be refused.
    @Test func otherStructuresAreNotOKWithSi7x7() throws {
        var rng = SplitMix(seed: 2026)
        var counts: [Verdict.Status: Int] = [:]
        var failures: [String] = []
        for kind in [LatticeSceneForVerdict.Kind.centredSquare, .honeycomb, .hexagonal] {
            for period in [16.0, 24, 30, 38] {
                for noise in [0.05, 0.2, 0.5] {
                    let rotation = 180 * rng.uniform()
                    let pixel = BuiltinModels.si111CellConstant / period * (0.85 + 0.3 * rng.uniform())
                    let scene = LatticeSceneForVerdict(kind: kind, period: period, rotationDegrees: rotation, noise: noise,
                                                       size: 200, seed: rng.next(), pixelSize: pixel)
                    let (s, q) = status(try scene.image(), si)
                    counts[s, default: 0] += 1
                    let resolved = (q?.evidence["motif_site_separation_px"] ?? 0) >= LatticeVerdict.Limits.motifResolution
                    if s == .ok || (resolved && s != .refused) {
                        failures.append("\(kind) a=\(period) noise=\(noise) rot=\(Int(rotation)): \(s) \(q?.evidence ?? [:])")
                    }
                }
            }
        }
        print("verdicts on 36 wrong-structure frames with si111-7x7:", counts)
        #expect(counts[.ok, default: 0] == 0)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// The wider study behind the figures in docs/registration.md (run with
    /// `VERDICT_STUDY=1`; a few minutes in a debug build): 72 frames of four structures that
    /// are not Si(111)-7×7 (the three above and a plain square lattice), six lattice
    /// constants, three noise levels, half of them calibrated near the 7×7 scale and half
    /// without calibration.
    @Test func wrongStructureStudy() throws {
        guard ProcessInfo.processInfo.environment["VERDICT_STUDY"] != nil else { return }
        var rng = SplitMix(seed: 77)
        var counts: [String: [Verdict.Status: Int]] = [:]
        var total: [Verdict.Status: Int] = [:]
        for kind in LatticeSceneForVerdict.Kind.allCases {
            for (k, period) in [14.0, 20, 26, 32, 40, 48].enumerated() {
                for noise in [0.05, 0.2, 0.5] {
                    let calibrated = (k + Int(noise * 10)) % 2 == 0
                    let pixel = BuiltinModels.si111CellConstant / period * (0.85 + 0.3 * rng.uniform())
                    let scene = LatticeSceneForVerdict(kind: kind, period: period, rotationDegrees: 180 * rng.uniform(), noise: noise,
                                                       size: 256, seed: rng.next(), pixelSize: calibrated ? pixel : nil)
                    let (s, _) = status(try scene.image(), si)
                    counts["\(kind)", default: [:]][s, default: 0] += 1
                    total[s, default: 0] += 1
                }
            }
        }
        for (k, c) in counts.sorted(by: { $0.key < $1.key }) {
            print("study \(k): ok \(c[.ok, default: 0]), doubtful \(c[.doubtful, default: 0]), refused \(c[.refused, default: 0])")
        }
        print("study all: ok \(total[.ok, default: 0]), doubtful \(total[.doubtful, default: 0]), refused \(total[.refused, default: 0])")
        #expect(total[.ok, default: 0] == 0)
    }

    /// A perovskite-like centred square (A corners, weaker B centre) given a plain square
    /// lattice of its own constant: the model misses the B column. Calibrated and not.
    @Test func centredSquareIsNotASquareLattice() throws {
        for (seed, calibrated) in [(UInt64(5), true), (6, false), (7, true)] {
            let period = 36.0
            let scene = LatticeSceneForVerdict(kind: .centredSquare, period: period, rotationDegrees: Double(seed) * 11,
                                               noise: 0.1, seed: seed, pixelSize: calibrated ? 0.3905 / period : nil)
            let (s, q) = status(try scene.image(), try BuiltinModels.named("square-lattice:0.3905"))
            #expect(s != .ok, "seed \(seed) calibrated \(calibrated): \(q?.evidence ?? [:])")
        }
    }

    /// The control: a plain square lattice of bright columns *is* a square lattice.
    @Test func plainSquareLatticeIsOK() throws {
        let period = 30.0
        let scene = LatticeSceneForVerdict(kind: .square, period: period, rotationDegrees: 17, noise: 0.1, seed: 3,
                                           pixelSize: 0.3905 / period)
        let (s, q) = status(try scene.image(), try BuiltinModels.named("square-lattice:0.3905"))
        #expect(s == .ok, "\(q?.reasons.map(\.message) ?? [])")
    }

    // MARK: real frames

    @Test func realFramesOfOtherMaterialsAreRefusedAsSi7x7() throws {
        for path in ["srtio3-haadf-atomap/test_ADF_cropped.npy", "tio2-hrtem/TiO2_0eV.tif", "graphene-hrtem/graphene_defect_raw.tif"] {
            let (s, q) = status(try Self.real(path), si)
            #expect(s == .refused, "\(path): \(s) \(q?.reasons.map(\.code) ?? [])")
        }
    }

    /// The shared SrTiO3 frame (uncalibrated .npy, 0.0093 nm/px in truth) with a square
    /// lattice: the fit needs aspect 1.42, which square pixels cannot explain.
    @Test func srtio3AsSquareLatticeIsNotOK() throws {
        let (s, q) = status(try Self.real("srtio3-haadf-atomap/test_ADF_cropped.npy"), try BuiltinModels.named("square-lattice:0.3905"))
        #expect(s != .ok)
        #expect(q?.reasons.contains { $0.code == "aspect_shear_unexplained" } == true, "\(q?.reasons.map(\.code) ?? [])")
    }

    @Test func realSi7x7FramesAreNotRefused() throws {
        let frames: [(String, Image)] = [
            ("image_with_defects", try RealLatticeTests.readSPIEPy("image_with_defects.dat", side: 256)),
            ("image_with_step_edge", try RealLatticeTests.readSPIEPy("image_with_step_edge.dat", side: 512)),
            ("Si_7x7_028", try RealSi7x7RegistrationTests.readSXM("Si_7x7_028.sxm")),
        ]
        for (name, image) in frames {
            let (s, q) = status(image, si)
            #expect(q != nil && s != .refused, "\(name): \(s) \(q?.reasons.map(\.message) ?? [])")
        }
        // The clean, well-resolved frame passes every check.
        #expect(status(frames[0].1, si).0 == .ok)
    }

    @Test func coarseSi7x7FrameIsRefusedForItsPixelSize() throws {
        do {
            _ = try FrameAnalysis.analyse(try RealSi7x7RegistrationTests.readSXM("Si_7x7_012.sxm"), model: si, locateSites: false)
            Issue.record("Si_7x7_012.sxm was not refused")
        } catch let RegistrationError.noLattice(message) {
            #expect(message.contains("pixel size"), "\(message)")
        }
    }

    // MARK: synthetic Si(111)-7×7

    @Test func syntheticSi7x7FramesAreOK() throws {
        let generator = Si7x7SceneGenerator()
        for seed in UInt64(1)...4 {
            var p = Si7x7SceneParameters(seed: seed, size: 256, fieldOfView: 14, rotationDegrees: Double(seed) * 19,
                                         drift: Point2(0.5, -0.3), defectFraction: 0.04, noise: 0.15)
            p.creepAmplitude = seed.isMultiple(of: 2) ? 0.3 : 0
            p.calibrated = seed != 3
            let scene = try generator.generate(p)
            let (s, q) = status(scene.image, si)
            #expect(s == .ok, "seed \(seed): \(q?.reasons.map(\.message) ?? [])")
        }
    }

    // MARK: the parts

    @Test func heldOutResidualOfExactPairsIsZero() throws {
        let h = Homography(12, 3, 40, -2, 11, 30, 0.001, -0.0005, 1)
        var model: [Point2] = []
        for i in 0..<6 { for j in 0..<5 { model.append(Point2(Double(i), Double(j))) } }
        let image = model.map { h.apply($0) }
        let r = try #require(HeldOutResidual.residuals(model: model, image: image))
        #expect(r.allSatisfy { $0 < 1e-6 })
        // A displaced anchor is seen only when held out: its held-out residual is its shift.
        var moved = image
        moved[7] += Point2(2, 0)
        let r2 = try #require(HeldOutResidual.residuals(model: model, image: moved))
        #expect(r2[7] > 1.5)
        #expect(HeldOutResidual.residuals(model: Array(model.prefix(9)), image: Array(image.prefix(9))) == nil)
    }

    /// Drift along the slow axis stretches and shears the y pixel only: ScanGeometry reads
    /// it back from H against the calibration.
    @Test func scanGeometryReadsSlowAxisDrift() throws {
        let px = 0.2   // nm per pixel
        // Image → model: x pixel (px, 0) rotated by 30°, y pixel stretched 25 % and sheared by 0.1 px.
        let t = 30.0 * .pi / 180
        let ex = Point2(cos(t), sin(t)), ey = Point2(-sin(t), cos(t))
        let jx = ex * px, jy = ey * (1.25 * px) + ex * (0.1 * px)
        let inv = Homography(jx.x, jy.x, 5, jx.y, jy.y, -3, 0, 0, 1)
        let h = try inv.inverse()
        let g = try #require(ScanGeometry(homography: h, centre: Point2(100, 100), filePixelSize: Point2(px, px)))
        #expect(abs(g.fastScale! - 1) < 1e-9)
        #expect(abs(g.slowStretch - 0.25) < 1e-9)
        #expect(abs(g.slowShear - 0.1) < 1e-9)
        #expect(abs(g.slowDrift - (0.25 * 0.25 + 0.01).squareRoot()) < 1e-9)
        let u = try #require(ScanGeometry(homography: h, centre: Point2(100, 100), filePixelSize: nil))
        #expect(u.fastScale == nil && abs(u.aspect - (1.25 * 1.25 + 0.01).squareRoot()) < 1e-9)
    }

    /// The point symmetries of si111-7x7: the 3-fold rotations about the corner hole, the
    /// inversion that swaps the halves, and the mirrors (p6mm-compatible site set: 12 ops
    /// less the identity at most); a square lattice's single site has the 8 of the square.
    @Test func modelSymmetries() throws {
        let ops = MotifEvidence.pointSymmetries(of: si.lattice!)
        #expect(ops.contains { $0 == (-1, 0, 0, -1) }, "inversion")
        #expect(ops.contains { $0 == (-1, -1, 1, 0) }, "3-fold rotation")
        let square = MotifEvidence.pointSymmetries(of: try BuiltinModels.named("square-lattice:1").lattice!)
        #expect(square.count == 7)
    }
}

