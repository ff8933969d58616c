import AnchorGeometry
import AnchorRegCLI
import AnchorRegistration
import ArgumentParser
import Foundation

/// `anchorreg-bench export-samples`: writes the samples of `anchorreg validate`'s Monte-Carlo
/// study as NumPy arrays, so the OpenCV benchmarks (Benchmarks/validation) fit the identical
/// samples. Same options and seeds as `validate`.
struct ExportSamplesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-samples",
        abstract: "Write the samples of `anchorreg validate` as NumPy arrays (for the OpenCV benchmarks).",
        discussion: """
            One folder per condition (n<points>_sigma<noise>) with the model, image and truth \
            arrays, and manifest.json. The samples are bit for bit those `anchorreg validate` \
            fits with the same --points, --noise, --samples, --seed and --mode.

            Examples:
              anchorreg-bench export-samples --points 9 --noise 0.05 --samples 3 --out samples
              anchorreg-bench export-samples --mode pairing --samples 1000 --out samples-pairing --force
            """)

    @Option(help: ArgumentHelp("Grid point counts n², comma-separated perfect squares ≥ 4.", valueName: "n²,…"))
    var points: String = ValidationConfiguration.defaultPointCounts.map(String.init).joined(separator: ",")

    @Option(help: ArgumentHelp("Noise std σ per coordinate (model units), comma-separated.", valueName: "σ,…"))
    var noise: String = ValidationConfiguration.defaultNoiseLevels.map { "\($0)" }.joined(separator: ",")

    @Option(help: "Samples per condition.")
    var samples: Int = 10_000

    @Option(help: "Seed of every random choice.")
    var seed: UInt64 = 1

    @Option(help: "paired: correspondences given; pairing: found by the pairing chain.")
    var mode: ValidationMode = .paired

    @Option(help: ArgumentHelp("Pairing mode: fraction of grid points missing from the image.", valueName: "fraction"))
    var missing: Double = 0.05

    @Option(help: ArgumentHelp("Pairing mode: spurious image points as a fraction of n².", valueName: "fraction"))
    var outliers: Double = 0.1

    @Option(help: ArgumentHelp("Directory to write.", valueName: "dir"))
    var out: String

    @Flag(help: "Print a summary as JSON.")
    var json = false

    @Flag(help: "Overwrite existing output files.")
    var force = false

    func run() throws {
        func list<T>(_ text: String, _ option: String, _ parse: (String) -> T?) throws -> [T] {
            try text.split(separator: ",", omittingEmptySubsequences: false).map {
                let item = $0.trimmingCharacters(in: .whitespaces)
                guard let v = parse(item) else {
                    throw ValidationError("\(option): \"\(item)\" is not a valid number (expected a comma-separated list)")
                }
                return v
            }
        }
        let config = ValidationConfiguration(
            pointCounts: try list(points, "--points") { Int($0) },
            noiseLevels: try list(noise, "--noise") { Double($0) },
            samplesPerCondition: samples, seed: seed, mode: mode,
            missingFraction: missing, outlierFraction: outliers)
        do { try config.validate() } catch let error as GeometryError { throw ValidationError("\(error)") }

        let root = OutputFiles(directory: out, force: force)
        try root.prepare()
        let exporter = ValidationSampleExport(configuration: config)
        let bar = ProgressBar(total: config.conditions.count, label: "export")
        var files = 0
        for condition in config.conditions {
            let sub = OutputFiles(directory: root.url(ValidationSampleExport.folderName(condition)).path, force: force)
            try sub.prepare()
            for (name, array) in exporter.arrays(for: condition) {
                try sub.write(array.fileData, to: name)
                files += 1
            }
            bar.advance()
        }
        try root.write(try exporter.manifest(), to: "manifest.json")
        bar.finish()
        if json {
            struct Exported: Encodable { let directory: String; let conditions: Int; let files: Int }
            try JSONOutput.print(Exported(directory: out, conditions: config.conditions.count, files: files + 1))
        } else {
            print("wrote \(config.conditions.count) conditions (\(files + 1) files) to \(out)")
        }
    }
}
