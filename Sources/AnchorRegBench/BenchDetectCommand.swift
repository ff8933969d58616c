import AnchorGeometry
import AnchorImaging
import AnchorRegCLI
import ArgumentParser
import Foundation

/// Times the DoG keypoint detector (and, for reference, the LoG and
/// local-extrema detectors) on an AR32 image written by `Benchmarks/detector_benchmark.py`,
/// writes the DoG keypoints as JSON for accuracy scoring and prints timings and counts as
/// JSON. Not part of the user-facing CLI.
struct BenchDetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Time the point detectors (benchmark hook).",
        discussion: """
            Input: the AR32 raw float32 file of `bench-imaging` (16-byte header "AR32", width, \
            height, reserved, as little-endian UInt32; then row-major little-endian float32).
            Example: anchorreg-bench detect --input stm.ar32 --out-dir out --repeat 20
            """)

    @Option(help: "Input image (AR32 raw float32 file).")
    var input: String

    @Option(help: "Directory for dog_points.json (the DoG keypoints).")
    var outDir: String

    @Option(help: "Timed repetitions.")
    var `repeat`: Int = 10

    @Option(help: "DoG contrast threshold (relative to the image range).")
    var contrastThreshold: Double = 0.04

    @Option(help: "DoG edge threshold (principal-curvature ratio).")
    var edgeThreshold: Double = 10

    @Option(help: "Largest number of octaves (default: as many as fit).")
    var maxOctaves: Int?

    @Flag(help: "Up-sample 2× before the pyramid, as OpenCV SIFT does.")
    var upsample = false

    @Flag(help: "Time only the DoG detector (for profiling).")
    var dogOnly = false

    @Flag(help: "Overwrite existing outputs.")
    var force = false

    @Flag(help: "Print JSON (always on; accepted for uniformity).")
    var json = false

    struct Report: Codable {
        var width: Int
        var height: Int
        var repeats: Int
        var dog: BenchTiming
        var dogCount: Int
        var dogDarkCount: Int
        var log: BenchTiming?
        var logCount: Int?
        var localMinima: BenchTiming?
        var localMinimaCount: Int?
    }

    func run() throws {
        guard `repeat` >= 1 else { throw CLIError.usage("--repeat must be ≥ 1") }
        let image = try BenchImagingCommand.readAR32(input)
        let files = OutputFiles(directory: outDir, force: force)
        try files.prepare()

        func time<T>(_ body: () throws -> T) rethrows -> (T, BenchTiming) {
            try BenchTiming.measure(repeats: `repeat`, body)
        }
        var dog = DoGDetector(contrastThreshold: contrastThreshold, edgeThreshold: edgeThreshold,
                              maxOctaves: maxOctaves, upsample: upsample)
        dog.polarity = nil
        let (points, tDog) = try time { try dog.detect(in: image) }
        var report = Report(
            width: image.width, height: image.height, repeats: `repeat`,
            dog: tDog, dogCount: points.count, dogDarkCount: points.filter { $0.polarity == .dark }.count)
        if !dogOnly {
            let (blobs, tLog) = try time {
                try LoGBlobDetector(minSigma: 1.5, maxSigma: 6, numSigma: 8).detect(in: image)
            }
            let (minima, tMin) = try time {
                try LocalExtremaDetector(polarity: .dark, minDistance: 5, refinement: .gaussian).detect(in: image)
            }
            report.log = tLog
            report.logCount = blobs.count
            report.localMinima = tMin
            report.localMinimaCount = minima.count
        }
        try files.write(JSONOutput.encode(points), to: "dog_points.json")
        try JSONOutput.print(report)
    }
}
