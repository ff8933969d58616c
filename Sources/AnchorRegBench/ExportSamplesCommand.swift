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

    @OptionGroup var study: ValidationStudyOptions

    @Option(help: ArgumentHelp("Directory to write.", valueName: "dir"))
    var out: String

    @Flag(help: "Print a summary as JSON.")
    var json = false

    @Flag(help: "Overwrite existing output files.")
    var force = false

    func run() throws {
        let config = try study.configuration()

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
