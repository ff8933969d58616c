import AnchorModels
import AnchorRegistration
import ArgumentParser
import Foundation

/// `anchorreg batch FILES…|DIR --model M --out DIR [--shard i/N]`: many independent frames,
/// on all cores or as one task of a Slurm job array; `batch merge` gathers the shards.
/// (`batch` is a group whose default subcommand, `run`, does the frames, so that `merge` is
/// not taken for an input.)
struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Locate many independent frames into one folder, on all cores or as a shard of a Slurm job array.",
        discussion: """
            Each frame is registered and its sites located as `locate` does; its results go to \
            OUT/frames/NAME/ (NAME: the path under a folder argument, or the file name) with a \
            frame.json record written last. A frame whose record exists for the same file \
            content (SHA-256) and options is skipped, so a cut-off batch resumes where it \
            stopped. --shard i/N takes frames i, i+N, i+2N… of the sorted list; each shard \
            writes OUT/manifests/shard-i-of-N.json (inputs and their hashes, options, tool \
            version). Results do not depend on N or --threads (timings aside). A frame that \
            cannot be read or registered is recorded as refused and the batch goes on. \
            `anchorreg batch merge OUT… --out table.csv` writes one row per frame. \
            See docs/batch.md and scripts/slurm/batch-array.sbatch. `anchorreg batch run \
            --help` lists the options.

            Examples:
              anchorreg batch frames --model si111-7x7 --out results
              anchorreg batch frames/frame-00.tif frames/frame-01.tif --model si111-7x7 \\
                  --out some --outputs json,csv,png
              anchorreg batch frames --model si111-7x7 --out sharded --shard 0/3 \\
                  --threads 1
              anchorreg batch merge results --out table.csv
            """,
        subcommands: [BatchRunCommand.self, BatchMergeCommand.self],
        defaultSubcommand: BatchRunCommand.self)
}

/// `anchorreg batch [run] FILES…|DIR --model M --out DIR [--shard i/N]`.
struct BatchRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Locate the frames of this shard into --out (the default of `anchorreg batch`; see `anchorreg batch --help`).",
        discussion: """
            Examples:
              anchorreg batch run frames --model si111-7x7 --out results-run
              anchorreg batch run frames --model si111-7x7 --out shard1 --shard 1/2
            """)

    @Argument(help: "Image files, or folders searched recursively for image files.")
    var inputs: [String] = []

    @OptionGroup var input: ImageInputOptions
    @OptionGroup var frame: FrameCommandOptions

    @Option(name: .long, help: "Output folder (results of every frame, manifests).")
    var out: String

    @Option(name: .long, help: ArgumentHelp("This process's part of the batch, 0 ≤ i < N (default 0/1: everything).",
                                            valueName: "i/N"))
    var shard: String = "0/1"

    @Option(name: .long, help: ArgumentHelp("Frames analysed at once (default: all cores).", valueName: "n"))
    var threads: Int?

    @Option(name: .long, help: "Resolution of the corrected image, pixels per model unit (default: about the input's).")
    var resolution: Double?

    @Option(name: .long, help: ArgumentHelp(
        "Files per frame: a comma-separated list of json, csv, tiff, png, html, gsf, gwy (or none). Default: json.",
        valueName: "kinds"))
    var outputs: String = "json"

    @Flag(name: .long, help: "Print the shard's summary as JSON on standard output.")
    var json = false

    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("batch needs image files or folders") }
        _ = try BatchShard.parse(shard)
        _ = try OutputSelection.parse(outputs)
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let r = resolution, !(r.isFinite && r > 0) { throw ValidationError("--resolution must be positive, got \(r)") }
    }

    /// The options that decide a frame's results, for the manifest and the resume check.
    func decidingOptions(_ selection: OutputSelection) -> [String: String] {
        var o: [String: String] = [
            "model": frame.model, "estimator": frame.estimator, "level": String(!frame.noLevel),
            "allow-poor-fit": String(frame.allowPoorFit), "tolerant": String(!frame.noTolerant),
            "outputs": selection.description, "page": String(input.page),
        ]
        o["extractor"] = frame.extractor
        o["spacing-px"] = frame.spacingPixels.map { "\($0)" }
        o["rotation"] = frame.rotation.map { "\($0)" }
        o["shear"] = frame.shear.map { "\($0)" }
        o["channel"] = input.channel
        o["raw"] = input.raw
        o["resolution"] = resolution.map { "\($0)" }
        return o
    }

    func run() throws {
        let shard = try BatchShard.parse(shard)
        let selection = try OutputSelection.parse(outputs)
        _ = try frame.loadModel()
        _ = try frame.registrationOptions()
        let list = try BatchInput.list(inputs)
        let runner = BatchRunner(output: URL(fileURLWithPath: out, isDirectory: true), shard: shard,
                                 threads: threads ?? ProcessInfo.processInfo.activeProcessorCount,
                                 options: decidingOptions(selection), version: AnchorRegVersion.string)
        let mine = runner.frames(of: list)
        let bar = ProgressBar(total: mine.count, label: "batch \(shard)", policy: progress.policy)
        let job = FrameJob(input: input, frame: frame)
        let resolution = self.resolution
        let (manifest, records) = try runner.run(list, progress: { bar.advance(by: $0) }) { item, folder in
            let result: FrameRun
            do {
                result = try FrameRun.run(file: item.path, input: job.input, options: job.frame, locateSites: true)
            } catch {
                return .refused(error)
            }
            var report = result.report
            report.file = item.name
            let files = OutputFiles(directory: folder.path, force: true)
            let written = try FrameOutputs(files: files, analysis: result.analysis, report: report, source: result.image,
                                           inputName: item.name).write(selection, resolution: resolution, withSites: true)
            return .analysed(report, files: written.map { ($0 as NSString).lastPathComponent })
        }
        bar.finish()
        let summary = BatchSummary(shard: shard.description, frames: records.count,
                                   analysed: manifest.inputs.filter { $0.state == "done" }.count,
                                   skipped: manifest.inputs.filter { $0.state == "skipped" }.count,
                                   refused: records.filter { $0.status == .refused }.count,
                                   manifest: runner.output.appendingPathComponent("manifests")
                                       .appendingPathComponent(BatchManifest.fileName(shard)).path)
        if json {
            try JSONOutput.print(summary)
        } else {
            print("batch shard \(summary.shard): \(summary.frames) frames (\(summary.analysed) analysed, \(summary.skipped) already done), \(summary.refused) refused")
            print("results in \(out)/frames/, manifest \(summary.manifest)")
            print("  " + ProcessClock.summary())
        }
    }
}

/// The parsed options a worker thread reads. Option groups are value types of strings and
/// numbers, never mutated after parsing, but ArgumentParser does not declare them Sendable.
private struct FrameJob: @unchecked Sendable {
    let input: ImageInputOptions
    let frame: FrameCommandOptions
}

/// `batch --json`: what a shard did.
struct BatchSummary: Encodable {
    let shard: String
    let frames: Int
    let analysed: Int
    let skipped: Int
    let refused: Int
    let manifest: String
}

/// `anchorreg batch merge DIR… --out table.csv`.
struct BatchMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Gather the results of batch shards into one CSV table, one row per frame.",
        discussion: """
            Reads every OUT/frames/**/frame.json and OUT/manifests/*.json of the folders given \
            (the --out folders of the shards; one shared folder is fine) and writes one row per \
            frame, sorted by name: file, status, verdict, anchors, inliers, pixel_size_x, \
            pixel_size_y, unit, rotation_deg, spread, defects, message, then the timings \
            read_ms, analysis_ms, analysis_cpu_ms, frame_ms. Refuses shards run with different \
            options or tool versions; says which shards or frames are missing.

            Examples:
              anchorreg batch merge results --out table.csv
              anchorreg batch merge shard0 shard1 shard2 --out table.csv --force
            """)

    @Argument(help: "Batch output folders.")
    var folders: [String] = []

    @Option(name: .long, help: "The CSV table to write.")
    var out: String

    @Flag(name: .long, help: "Overwrite an existing table.")
    var force = false

    @Flag(name: .long, help: "Print the table's rows as JSON records on standard output.")
    var json = false

    func validate() throws {
        guard !folders.isEmpty else { throw ValidationError("batch merge needs at least one batch output folder") }
    }

    func run() throws {
        let target = URL(fileURLWithPath: out)
        if FileManager.default.fileExists(atPath: target.path) && !force {
            throw CLIError.output("\(target.path) exists; pass --force to overwrite it")
        }
        let table = try BatchTable.gather(folders)
        try OutputFiles.writeAtomically(Data(table.csv().utf8), to: target, force: force)
        for note in table.notes { FileHandle.standardError.write(Data("batch merge: note: \(note)\n".utf8)) }
        if json {
            try JSONOutput.print(table.records)
        } else {
            let refused = table.records.filter { $0.status == .refused }.count
            print("\(table.records.count) frames (\(refused) refused) from \(table.manifests.count) shard manifest(s) → \(out)")
        }
    }
}
