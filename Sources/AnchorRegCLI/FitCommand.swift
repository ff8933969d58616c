import AnchorGeometry
import AnchorModels
import AnchorImaging
import AnchorRegistration
import ArgumentParser
import Foundation

/// `anchorreg fit`: H from point correspondences, or from unpaired point sets through the
/// pairing chain.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Estimate the homography H (model → image) from points in a CSV file.",
        discussion: """
            Paired input: columns model_x,model_y,image_x,image_y, one correspondence per row. \
            Unpaired input (--unpaired): columns set,x,y with set = model or image; the pairing \
            chain (rough placement within the --rotation/--scale prior, k-d tree pairing, robust \
            fit, re-pairing until the pairs are stable) finds the correspondences. An optional \
            first column sample fits one H per sample id (batches of thousands run on all \
            cores); a sample that cannot be fitted reports its error and the others still come \
            out. Model points are in model units, image points in pixels (x right, y down).

            Prints H, the inlier mask and the RMS residual (pixels); --json prints \
            {"homography": [[…]], "inliers": […], "rms": …} or {"fits": [{"sample": id, …}]}; \
            --jsonl prints one such object per sample and line (JSON Lines), for batches too \
            large to hold as one document. The CSV is read as a stream, the JSON written by a \
            one-pass encoder; a file of 64 MiB or more whose samples each keep their rows \
            together is fitted and written 262,144 rows at a time, in bounded memory.

            Examples:
              anchorreg fit pairs.csv
              anchorreg fit pairs.csv --estimator magsac --json
              anchorreg fit batch.csv --json --out fits.json
              anchorreg fit batch.csv --jsonl --out fits.jsonl
              anchorreg fit points.csv --unpaired --rotation 0 \\
                  --rotation-tolerance 10 --scale 1
            """)

    @Argument(help: ArgumentHelp("CSV file of correspondences (or of unpaired points with --unpaired).",
                                 valueName: "file.csv"))
    var file: String

    @Flag(help: "The CSV holds unpaired model and image points (columns sample,set,x,y).")
    var unpaired = false

    @Option(help: ArgumentHelp("Robust estimator: \(HomographyEstimator.allCases.map(\.rawValue).joined(separator: ", ")).",
                               valueName: "name"))
    var estimator: String = HomographyEstimator.default.rawValue

    @Option(help: ArgumentHelp("Inlier threshold on the reprojection distance, pixels (default: from the data).",
                               valueName: "px"))
    var threshold: Double?

    @Flag(inversion: .prefixedNo, help: "Finish with Levenberg–Marquardt over the inliers.")
    var refine = true

    @Option(help: "Seed of the robust sampler.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Unpaired: expected rotation of the model in the image, degrees.", valueName: "deg"))
    var rotation: Double = 0

    @Option(help: ArgumentHelp("Unpaired: rotation tolerance, degrees.", valueName: "deg"))
    var rotationTolerance: Double = 180

    @Option(help: ArgumentHelp("Unpaired: expected scale, pixels per model unit.", valueName: "s"))
    var scale: Double = 1

    @Option(help: ArgumentHelp("Unpaired: relative scale tolerance (0.3 = ±30 %).", valueName: "f"))
    var scaleTolerance: Double = 0.3

    @Flag(help: "Unpaired: the model is a periodic lattice (enables the vote filter against spurious points).")
    var periodic = false

    @Option(help: ArgumentHelp("Worker threads for batches (default: all cores).", valueName: "n"))
    var threads: Int?

    @Flag(help: "Print the result as JSON on standard output.")
    var json = false

    @Flag(help: "Print one JSON object per sample and line (JSON Lines) instead of one document.")
    var jsonl = false

    @Option(help: ArgumentHelp("Also write the JSON result (JSON Lines with --jsonl) to this file.", valueName: "file.json"))
    var out: String?

    @Flag(help: "Overwrite an existing --out file.")
    var force = false

    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        guard HomographyEstimator(rawValue: estimator) != nil else {
            throw ValidationError("unknown --estimator \(estimator); choose one of \(HomographyEstimator.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let threshold, !(threshold > 0 && threshold.isFinite) {
            throw ValidationError("--threshold must be a positive number of pixels")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if json && jsonl { throw ValidationError("--json and --jsonl: give one") }
        guard rotation.isFinite, abs(rotation) <= 360, rotationTolerance.isFinite, (0...180).contains(rotationTolerance) else {
            throw ValidationError("--rotation must be an angle within −360…360° and --rotation-tolerance within 0…180°")
        }
        guard scale.isFinite, scale > 0, scaleTolerance.isFinite, scaleTolerance >= 0, scaleTolerance < 1 else {
            throw ValidationError("--scale must be > 0 and --scale-tolerance in [0, 1)")
        }
    }

    func run() throws {
        // A FIFO or device would block or never end: refused by kind before opening.
        do { try ImageFile.requireRegularFile(file) } catch { throw CLIError.input("\(error)") }
        guard FileManager.default.isReadableFile(atPath: file) else { throw CLIError.input("cannot read \(file)") }
        if let out { try OutputFiles.checkPaths([out], force: force) }
        let options = RobustEstimationOptions(threshold: threshold, seed: seed, refine: refine)
        let method = HomographyEstimator(rawValue: estimator) ?? .default
        let prior = PlacementPrior(rotationDegrees: rotation, rotationToleranceDegrees: rotationTolerance,
                                   scale: scale, scaleTolerance: scaleTolerance)
        let periodic = self.periodic, threads = self.threads, unpaired = self.unpaired
        let plan = try Self.chunking(file: file, unpaired: unpaired)
        let policy = progress.policy
        var bar: ProgressBar?
        var writer: FitResultWriter?
        /// Fits one chunk of whole samples on every core and writes it; the writer is made with
        /// the first chunk, which tells whether the file is a batch.
        func fitAndWrite<S: Sendable>(_ sets: [S], sample: (S) -> String?,
                                      fit: @escaping @Sendable (S) -> SampleFit) throws {
            let progress = bar ?? ProgressBar(total: plan.samples ?? sets.count, label: "fit", policy: policy)
            bar = progress
            let fits = BatchFit.map(sets, threads: threads, progress: { progress.advance(by: $0) }) { _, set in fit(set) }
            let batch = sets.first.map { sample($0) != nil } ?? false
            if writer == nil {
                if !batch, let only = fits.first, let error = only.error {
                    throw CLIError.input("\(file): \(error)")
                }
                writer = try FitResultWriter(standardOutput: jsonl ? .jsonl : json ? .json : .text, out: out,
                                             fileForm: jsonl ? .jsonl : .json, force: force, batch: batch)
            }
            try writer?.write(fits)
        }
        if unpaired {
            try PointCSV.forEachUnpairedChunk(contentsOfFile: file, rowsPerChunk: plan.rowsPerChunk) { sets in
                try fitAndWrite(sets, sample: \.sample) { set in
                    UnpairedFitting.fit(set, prior: prior, periodic: periodic, estimator: method, options: options)
                }
            }
        } else {
            try PointCSV.forEachPairedChunk(contentsOfFile: file, rowsPerChunk: plan.rowsPerChunk) { sets in
                try fitAndWrite(sets, sample: \.sample) { set in
                    PairedFitting.fit(set, estimator: method, options: options)
                }
            }
        }
        bar?.finish()
        try writer?.finish()
    }

    /// Files from this size on are fitted chunk by chunk (`chunkRows` rows at a time), so a
    /// batch of 10⁷ rows runs in bounded memory; smaller files are read whole.
    static let streamingBytes = 64 << 20
    static let chunkRows = 1 << 18

    /// `chunkRows` for a large file whose samples each come together, checked by a first
    /// pass that parses without fitting (it also counts the samples, for the progress bar);
    /// `.max` (read whole) for a small file or one whose samples are interleaved, which is
    /// fitted as before at the memory it needs.
    static func chunking(file: String, unpaired: Bool, streamingBytes: Int = streamingBytes,
                         chunkRows: Int = chunkRows) throws -> (rowsPerChunk: Int, samples: Int?) {
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        guard size >= streamingBytes else { return (.max, nil) }
        var samples = 0
        do {
            if unpaired {
                try PointCSV.forEachUnpairedChunk(contentsOfFile: file, rowsPerChunk: chunkRows) { samples += $0.count }
            } else {
                try PointCSV.forEachPairedChunk(contentsOfFile: file, rowsPerChunk: chunkRows) { samples += $0.count }
            }
            return (chunkRows, samples)
        } catch PointCSVError.sampleSplit {
            return (.max, nil)
        }
    }
}

/// The `fit --json` document: one fit as a flat object, a batch as `{"fits": […]}`.
struct FitJSON: Encodable {
    let fits: [SampleFit]
    let batch: Bool

    enum Keys: String, CodingKey { case fits }

    func encode(to encoder: any Encoder) throws {
        if batch {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(fits.map(FitEntry.init), forKey: .fits)
        } else if let only = fits.first {
            try FitEntry(only).encode(to: encoder)
        }
    }

    struct FitEntry: Encodable {
        let fit: SampleFit
        init(_ fit: SampleFit) { self.fit = fit }

        enum Keys: String, CodingKey { case sample, homography, inliers, residuals, rms, pairs, error }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            if let id = fit.sample {
                if let n = Int(id) { try c.encode(n, forKey: .sample) } else { try c.encode(id, forKey: .sample) }
            }
            if let error = fit.error {
                try c.encode(error, forKey: .error)
                return
            }
            if let h = fit.homography { try c.encode(h.normalized().rows, forKey: .homography) }
            try c.encode(fit.inliers, forKey: .inliers)
            try c.encode(fit.residuals, forKey: .residuals)
            try c.encodeIfPresent(fit.rms, forKey: .rms)
            try c.encodeIfPresent(fit.pairs, forKey: .pairs)
        }
    }
}

/// Human-readable fit results.
enum FitTextReport {
    static func render(_ fits: [SampleFit], batch: Bool) -> String {
        var s = ""
        for fit in fits {
            if batch { s += "sample \(fit.sample ?? "")" }
            if let error = fit.error {
                s += (batch ? ": " : "") + "error: \(error)\n"
                continue
            }
            guard let h = fit.homography?.normalized() else { continue }
            let count = fit.inliers.filter { $0 }.count
            if batch { s += ": " }
            s += "\(fit.inliers.count) correspondences, \(count) inliers, RMS \(String(format: "%.6g", fit.rms ?? .nan)) px\n"
            s += "H (model → image):\n"
            for row in h.rows {
                s += "  " + row.map { String(format: "%15.9g", $0) }.joined(separator: " ") + "\n"
            }
            s += "inliers: " + fit.inliers.map { $0 ? "1" : "0" }.joined() + "\n"
            if let pairs = fit.pairs {
                s += "pairs (model, image): " + pairs.map { "(\($0[0]),\($0[1]))" }.joined(separator: " ") + "\n"
            }
        }
        return s
    }
}
