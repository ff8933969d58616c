import AnchorImaging
import AnchorRegCLI
import ArgumentParser
import Foundation

/// times decoding of image files held in memory, for `Benchmarks/format_benchmark.py`.
struct BenchFormatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "formats",
        abstract: "Time decoding of image files (for Benchmarks/format_benchmark.py).",
        discussion: """
            Reads each file into memory once, then decodes it REPEAT times with ImageFile.read \
            (format detection, decoding and conversion to Float samples) and prints the median \
            and minimum times in milliseconds as JSON.

            Example:
              anchorreg-bench formats image16.png image16.tif --repeat 20
            """)

    @Argument(help: "Image files to decode.")
    var files: [String]

    @Option(name: .customLong("repeat"), help: "Timed decodes per file (after one warm-up).")
    var repeats: Int = 10

    struct Timing: Encodable {
        var file: String
        var width: Int
        var height: Int
        var median_ms: Double
        var min_ms: Double
        var checksum: Double
    }

    func run() throws {
        var results: [Timing] = []
        let progress = ProgressBar(total: files.count * (repeats + 1), label: "decode")
        for file in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            var doc = try ImageFile.read(data: data)
            progress.advance()
            var times: [Double] = []
            for _ in 0..<max(1, repeats) {
                let t0 = DispatchTime.now().uptimeNanoseconds
                doc = try ImageFile.read(data: data)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                progress.advance()
            }
            times.sort()
            let img = doc.channels[0].image
            // The checksum lets the script check that both sides decoded the same pixels.
            let checksum = img.pixels.reduce(0.0) { $0 + Double($1) }
            results.append(Timing(file: file, width: img.width, height: img.height,
                                  median_ms: times[times.count / 2], min_ms: times[0], checksum: checksum))
        }
        progress.finish()
        try JSONOutput.print(results)
    }
}
