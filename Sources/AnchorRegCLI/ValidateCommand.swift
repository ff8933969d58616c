import AnchorGeometry
import AnchorRegistration
import ArgumentParser
import Foundation

extension ValidationMode: ExpressibleByArgument {}

/// `anchorreg validate`: the Monte-Carlo accuracy study of the paper's Fig. 3.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Monte-Carlo accuracy study of homography estimation (the paper's Fig. 3).",
        discussion: """
            Model: an n × n unit grid centred on the origin. Each sample draws a true \
            H = T·Persp·R·Shear·Scale, adds Gaussian noise of std σ to H(P_m), estimates \
            H_est and measures d_i = ‖H_est⁻¹(H(P_m,i)) − P_m,i‖. Per condition (σ, n²) it \
            reports the MAE median and quartiles over samples, the recall at OKS > 0.95 \
            pooled over all points (s = 1, k = 0.1: d < 0.032), failures, and the fraction \
            of samples with MAE > 1 (placed one period off). Results are identical for any \
            thread count. See docs/validation.md.

            --mode pairing hides the correspondences: image points are shuffled, --missing \
            of the grid points dropped, --outliers × n² spurious points added, θ ~ U(−10°, 10°), \
            and the pairing chain (rough placement told rotation 0 ± 10° and scale 1 ± 30 %, \
            k-d tree pairing, robust fit, re-pairing until stable) must find them.

            The full study (8 noise levels × 8 point counts × 10,000 samples) is plain \
            `anchorreg validate`; add --out DIR for conditions.csv and the figures.

            Examples:
              anchorreg validate --points 4,16 --noise 0,0.05 --samples 100 --json
              anchorreg validate --estimator magsac --points 9,25 --noise 0.02 \\
                  --samples 100
              anchorreg validate --points 4,9,16 --noise 0,0.05,0.1 --samples 20 \\
                  --out validation-results --force
              anchorreg validate --mode pairing --points 16,36 --noise 0.02 --samples 20
            """)

    @OptionGroup var study: ValidationStudyOptions

    @Option(help: ArgumentHelp(
        "Estimator: \(ValidationFitters.estimatorNames.joined(separator: ", ")) (default: \(ValidationFitters.defaultEstimator(for: .paired)) in paired mode, \(ValidationFitters.defaultEstimator(for: .pairing)) in pairing mode; the best measured, see docs/validation.md).",
        valueName: "name"))
    var estimator: String?

    @Option(help: ArgumentHelp("Worker threads (default: all cores).", valueName: "n"))
    var threads: Int?

    @Flag(help: "Print the results as JSON on standard output.")
    var json = false

    @Option(help: ArgumentHelp("Write conditions.csv and the SVG figures (Fig. 3a–e) into this directory.",
                               valueName: "dir"))
    var out: String?

    @OptionGroup var progress: ProgressOptions

    @Flag(help: "Overwrite existing output files.")
    var force = false

    func validate() throws {
        if let threads, !(1...4096).contains(threads) { throw ValidationError("--threads must be within 1…4096") }
        if let estimator, !ValidationFitters.estimatorNames.contains(estimator) {
            throw ValidationError("unknown --estimator \(estimator); choose one of \(ValidationFitters.estimatorNames.joined(separator: ", "))")
        }
    }

    func run() throws {
        let config = try study.configuration()
        let fitter = try ValidationFitters.fitter(
            named: estimator ?? ValidationFitters.defaultEstimator(for: study.mode), configuration: config)
        let outputs = OutputFiles(directory: out, force: force)
        if out != nil { try outputs.prepare() }

        let total = config.conditions.count * config.samplesPerCondition
        let bar = ProgressBar(total: total, label: "validate", policy: progress.policy)
        let report = try ValidationStudy(configuration: config, fitter: fitter, threads: threads)
            .run { bar.advance(by: $0) }
        bar.finish()

        var written: [String] = []
        if out != nil {
            for (name, text) in ValidationFigures.files(for: report).sorted(by: { $0.key < $1.key }) {
                written.append(try outputs.write(text: text, to: name))
            }
            let data = try JSONOutput.encode(report)
            written.append(try outputs.write(data, to: "validation.json"))
        }
        if json {
            try JSONOutput.print(report)
        } else {
            print(ValidationTextReport.render(report), terminator: "")
            if !written.isEmpty { print("wrote \(written.count) files to \(out ?? ".")") }
        }
    }
}
