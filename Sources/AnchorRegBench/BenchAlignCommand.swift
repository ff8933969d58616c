import AnchorGeometry
import AnchorImaging
import AnchorModels
import AnchorRegistration
import AnchorRegCLI
import ArgumentParser
import Foundation

/// `anchorreg-bench align`: accuracy of device alignment over random synthetic pairs, and the
/// time to align a pair read from files (for Benchmarks/align; build with -c release).
struct BenchAlignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "align",
        abstract: "Measure device-alignment accuracy on synthetic pairs and the time per pair (release builds).",
        discussion: """
            Accuracy: for seeds 1…N, a synthetic photograph pair (synth om-pair) is aligned to \
            its device4 model; reported: corner errors as % of the side, the error of the \
            dark-fraction change (percentage points), of the integrated darkness of each \
            photograph (points of the 0…1 scale) and of its relative change (%) against the \
            generator's truth, and the difference RMS of an unchanged \
            pair (the first photograph against itself resampled by a known homography — turned \
            0.1 rad and zoomed 1.13× so no pixel falls outside — and 10 % brighter). Timing: the pair in --timing-dir (before.png/after.png and device.json \
            as written by synth om-pair, or JPEGs) is read and aligned --repeat times.

            Examples:
              anchorreg-bench align --pairs 50 --size 1024x768 --json
              anchorreg-bench align --pairs 0 --timing-dir om2048 --repeat 5
            """)

    @Option(help: "Random pairs for the accuracy study (0 = none).") var pairs: Int = 50
    @Option(help: "Size of the synthetic pairs WIDTHxHEIGHT.") var size: String = "1024x768"
    @Option(help: "Directory with before/after images (png or jpg) and device.json to time.") var timingDir: String?
    @Option(name: .customLong("repeat"), help: "Timed repetitions.") var repetitions: Int = 5
    @Flag(help: "Print JSON.") var json = false

    struct Stats: Codable { var mean: Double; var median: Double; var p95: Double; var max: Double; var n: Int }
    struct Seed: Codable {
        var seed: Int; var corner_max_pct: Double; var change_error_points: Double
        var integrated_darkness_change_pct: Double?; var integrated_darkness_change_pct_truth: Double
        var unchanged_rms_pct: Double?
    }
    struct Corner: Codable { var seed: Int; var frame: Int; var corner: String; var error_pct: Double; var error_px: Double }
    struct Report: Codable {
        var per_seed: [Seed] = []
        var pairs: Int
        var size: String
        var failures: [String]
        var corner_error_pct_of_side: Stats?
        var corner_error_px: Stats?
        var dark_fraction_change_error_points: Stats?
        /// |measured − true| integrated darkness of each photograph, ×100 (points of the 0…1 scale).
        var integrated_darkness_error_points: Stats?
        /// |measured − true| relative change of the integrated darkness, in % (of the change in %).
        var integrated_darkness_change_error_pct: Stats?
        /// The five largest corner errors.
        var worst_corners: [Corner] = []
        var unchanged_pair_rms_pct_of_range: Stats?
        var timing_files: [String]?
        var timing_ms_read: Stats?
        var timing_ms_align: Stats?
        var timing_ms_total: Stats?
        /// Thread CPU time of read + align (one thread; not inflated by other processes).
        var timing_cpu_ms_total: Stats?
    }

    static func stats(_ v: [Double]) -> Stats? {
        guard !v.isEmpty else { return nil }
        let s = v.sorted()
        return Stats(mean: s.reduce(0, +) / Double(s.count), median: s[s.count / 2],
                     p95: s[min(s.count - 1, Int(0.95 * Double(s.count)))], max: s.last!, n: s.count)
    }

    func run() throws {
        let dims = size.lowercased().split(separator: "x").compactMap { Int($0) }
        guard dims.count == 2 else { throw ValidationError("--size WIDTHxHEIGHT") }
        var cornerPct: [Double] = [], cornerPx: [Double] = [], changeErr: [Double] = [], rmsPct: [Double] = []
        var darknessErr: [Double] = [], darknessChangeErr: [Double] = []
        var corners: [Corner] = []
        var failures: [String] = []
        var perSeed: [Seed] = []
        let bar = ProgressBar(total: max(pairs, 1), label: "bench-align", enabled: !json)
        for seed in 0..<pairs {
            bar.advance()
            do {
                let p = try OMPairGenerator().generate(OMPairParameters(seed: UInt64(seed + 1), width: dims[0], height: dims[1]))
                let frames = [AlignmentFrame(name: "before", luminance: p.before.luminance(), colour: p.before),
                              AlignmentFrame(name: "after", luminance: p.after.luminance(), colour: p.after)]
                let r = try DeviceAlignment.align(frames, model: p.truth.model)
                for k in 0..<2 {
                    let truth = p.truth.anchorsInImage[k]
                    let side = truth[0].distance(to: truth[1])
                    for pair in r.registrations[k].pairs {
                        guard let i = ["C1", "C2", "C3", "C4"].firstIndex(of: pair.name) else { continue }
                        let e = pair.image.distance(to: truth[i])
                        cornerPx.append(e)
                        cornerPct.append(e / side * 100)
                        corners.append(Corner(seed: seed + 1, frame: k, corner: pair.name, error_pct: e / side * 100, error_px: e))
                    }
                }
                if let c = r.change {
                    changeErr.append(abs(c.darkFractionChangePoints - p.truth.darkFractionChangePoints))
                    darknessChangeErr.append(abs(c.integratedDarknessChangePct - p.truth.integratedDarknessChangePct))
                }
                if let m = r.measurement, m.integratedDarkness.count == 2 {
                    darknessErr.append(abs(m.integratedDarkness[0] - p.truth.integratedDarknessBefore) * 100)
                    darknessErr.append(abs(m.integratedDarkness[1] - p.truth.integratedDarknessAfter) * 100)
                }
                perSeed.append(Seed(seed: seed + 1, corner_max_pct: cornerPct.suffix(8).max() ?? .nan,
                                    change_error_points: changeErr.last ?? .nan,
                                    integrated_darkness_change_pct: r.change?.integratedDarknessChangePct,
                                    integrated_darkness_change_pct_truth: p.truth.integratedDarknessChangePct,
                                    unchanged_rms_pct: nil))
                // Unchanged pair: the first photograph resampled by a known homography.
                let w = Double(dims[0]), h = Double(dims[1])
                // Zoom 1.13 with the 0.1 rad turn keeps every output pixel inside the photograph
                // (no fill colour that the real substrate would not have).
                let g = Homography.translation(w / 2, h / 2) * Homography.rotation(0.1) * Homography.scaling(1.13, 1.13)
                    * Homography.translation(-w / 2, -h / 2)
                var second = try p.before.warped(inverseMap: try g.inverse(), width: dims[0], height: dims[1], fill: SIMD3(70, 82, 112))
                for i in second.samples.indices { second.samples[i] = UInt8(min(255, (Double(second.samples[i]) * 1.1).rounded())) }
                let u = try DeviceAlignment.align([frames[0], AlignmentFrame(name: "same", luminance: second.luminance(), colour: second)],
                                                  model: p.truth.model)
                rmsPct.append(u.differenceRMSRelative[0] * 100)
                perSeed[perSeed.count - 1].unchanged_rms_pct = rmsPct.last
            } catch {
                failures.append("seed \(seed + 1): \(error)")
            }
        }
        bar.finish()
        var report = Report(per_seed: perSeed, pairs: pairs, size: size, failures: failures,
                            corner_error_pct_of_side: Self.stats(cornerPct), corner_error_px: Self.stats(cornerPx),
                            dark_fraction_change_error_points: Self.stats(changeErr),
                            integrated_darkness_error_points: Self.stats(darknessErr),
                            integrated_darkness_change_error_pct: Self.stats(darknessChangeErr),
                            worst_corners: Array(corners.sorted { $0.error_pct > $1.error_pct }.prefix(5)),
                            unchanged_pair_rms_pct_of_range: Self.stats(rmsPct))
        if let dir = timingDir {
            let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
            let before = names.first { $0.hasPrefix("before.") && !$0.hasSuffix(".tiff") } ?? "before.png"
            let after = names.first { $0.hasPrefix("after.") && !$0.hasSuffix(".tiff") } ?? "after.png"
            let model = try AnchorModel.load(dir + "/device.json")
            var tr: [Double] = [], ta: [Double] = [], tt: [Double] = [], cpu: [Double] = []
            for _ in 0..<max(repetitions, 1) {
                var c0 = timespec()
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0)
                let t0 = DispatchTime.now().uptimeNanoseconds
                var frames: [AlignmentFrame] = []
                for f in [before, after] {
                    let doc = try ImageFile.read(path: dir + "/" + f)
                    guard let rgb = doc.rgb else { throw CLIError.input("\(f) has no colour") }
                    frames.append(AlignmentFrame(name: f, luminance: rgb.luminance(), colour: rgb))
                }
                let t1 = DispatchTime.now().uptimeNanoseconds
                _ = try DeviceAlignment.align(frames, model: model)
                let t2 = DispatchTime.now().uptimeNanoseconds
                var c1 = timespec()
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1)
                cpu.append(Double(c1.tv_sec - c0.tv_sec) * 1e3 + Double(c1.tv_nsec - c0.tv_nsec) / 1e6)
                tr.append(Double(t1 - t0) / 1e6); ta.append(Double(t2 - t1) / 1e6); tt.append(Double(t2 - t0) / 1e6)
            }
            report.timing_files = [before, after]
            report.timing_ms_read = Self.stats(tr)
            report.timing_ms_align = Self.stats(ta)
            report.timing_ms_total = Self.stats(tt)
            report.timing_cpu_ms_total = Self.stats(cpu)
        }
        if json {
            try JSONOutput.print(report)
        } else {
            FileHandle.standardOutput.write(try JSONOutput.encode(report))
            print()
        }
    }
}
