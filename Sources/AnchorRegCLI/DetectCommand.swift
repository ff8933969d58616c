import AnchorGeometry
import AnchorImaging
import ArgumentParser
import Foundation

/// `anchorreg detect IMAGE`: find points (keypoints, blobs or peaks) with sub-pixel positions.
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Detect points (DoG keypoints, LoG blobs or local extrema) with sub-pixel positions.",
        discussion: """
            Methods: dog (the detection stage of SIFT, as the paper uses), log (scale-normalised \
            Laplacian-of-Gaussian blobs), extrema (local maxima/minima with quadratic or Gaussian \
            peak refinement). Positions are image pixels: pixel centres at integer (x, y), x \
            right, y down. --darker-than-mean keeps points darker than the image mean, the \
            paper's filter for Si(111)-7×7 corner holes. See docs/detectors-and-rendering.md.

            Examples:
              anchorreg detect Si_7x7_028.sxm --level both --polarity dark \\
                  --darker-than-mean \\
                  --min-distance 4 --overlay holes.png
              anchorreg detect image_with_defects.dat --raw 256,256,f64le,8 \\
                  --method log --json
              anchorreg detect adatoms.tif --method extrema --polarity bright \\
                  --min-distance 4 \\
                  --refinement gaussian --csv adatoms.csv
            """)

    enum Method: String, ExpressibleByArgument, CaseIterable { case dog, log, extrema }
    enum Polarity: String, ExpressibleByArgument, CaseIterable { case dark, bright, both }
    enum Levelling: String, ExpressibleByArgument, CaseIterable { case none, plane, lines, both }

    @Argument(help: "The image file.")
    var file: String

    @OptionGroup var input: ImageInputOptions

    @Option(help: "SPM levelling before detection: none, plane (least-squares plane), lines (per-line median offset) or both (plane, then lines).")
    var level: Levelling = .none

    @Option(help: "Detector: dog, log or extrema.")
    var method: Method = .dog

    @Option(help: "Keep dark points (minima), bright points (maxima) or both.")
    var polarity: Polarity = .both

    @Flag(help: "Keep only points whose pixel is darker than the image mean (paper, Fig. 5b).")
    var darkerThanMean = false

    @Flag(help: "dog, log: make thresholds relative to the 0.5–99.5 percentile range rather than the full range (robust to spikes).")
    var robustRange = false

    @Option(help: "Minimum distance between points in pixels (dog: 0 keeps all; extrema: window half-size, default 3).")
    var minDistance: Double?

    @Option(help: "dog: contrast threshold, relative to the image's value range.")
    var contrastThreshold: Double = 0.04

    @Option(help: "dog: edge threshold (principal-curvature ratio).")
    var edgeThreshold: Double = 10

    @Flag(help: "dog: up-sample 2× first (finds features below σ ≈ 1.6 px; 4× slower).")
    var upsample = false

    @Option(help: "log: smallest σ in pixels.")
    var minSigma: Double = 1

    @Option(help: "log: largest σ in pixels.")
    var maxSigma: Double = 8

    @Option(help: "log: number of scales.")
    var numSigma: Int = 10

    @Option(help: "log: minimum scale-normalised response (≈ half the blob contrast, image range = 1).")
    var threshold: Double = 0.1

    @Option(help: "extrema: refinement none, quadratic or gaussian.")
    var refinement: String = "quadratic"

    @Option(help: "extrema: minimum peak level as a fraction of the value range (0…1).")
    var relativeThreshold: Double = 0

    @Option(help: "Write the points as CSV (x_px,y_px,strength,scale_px,polarity).")
    var csv: String?

    @Option(help: "Write a PNG of the image with the points drawn (circles of radius σ√2, dots at the centres).")
    var overlay: String?

    @Option(help: "Colour map of the overlay: gray, viridis, afmhot, coolwarm.")
    var colormap: String = "afmhot"

    @Flag(name: .long, help: "Print JSON on standard output.")
    var json = false

    @Flag(name: .long, help: "Overwrite existing output files.")
    var force = false

    struct JSONPoint: Encodable {
        var x: Double
        var y: Double
        var strength: Double
        var scale: Double
        var polarity: String
    }

    struct Report: Encodable {
        var file: String
        var method: String
        var width: Int
        var height: Int
        var pixel_size: [Double]?
        var unit: String
        var count: Int
        var points: [JSONPoint]

        enum CodingKeys: String, CodingKey { case file, method, width, height, pixel_size, unit, count, points }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(file, forKey: .file)
            try c.encode(method, forKey: .method)
            try c.encode(width, forKey: .width)
            try c.encode(height, forKey: .height)
            try c.encode(pixel_size, forKey: .pixel_size)
            try c.encode(unit, forKey: .unit)
            try c.encode(count, forKey: .count)
            try c.encode(points, forKey: .points)
        }
    }

    /// `image` levelled as `--level` asks.
    func levelled(_ image: Image) throws -> Image {
        switch level {
        case .none: return image
        case .plane: return try image.planeLevelled()
        case .lines: return image.lineLevelled()
        case .both: return try image.planeLevelled().lineLevelled()
        }
    }

    /// The detected points (after the polarity and darker-than-mean filters) of `image`
    /// (already levelled).
    func detect(in image: Image) throws -> [DetectedPoint] {
        let pol: PointPolarity? = polarity == .both ? nil : PointPolarity(rawValue: polarity.rawValue)
        // Bounded so that a pixel count derived from it cannot overflow an Int.
        if let d = minDistance, !(d.isFinite && d >= 0 && d <= 1_000_000) {
            throw CLIError.usage("--min-distance must be a number of pixels within 0…1000000")
        }
        var points: [DetectedPoint]
        switch method {
        case .dog:
            var det = DoGDetector(contrastThreshold: contrastThreshold, edgeThreshold: edgeThreshold,
                                  upsample: upsample, polarity: pol, minDistance: minDistance ?? 0)
            det.polarity = pol
            if robustRange { det.rangePercentiles = 0.5...99.5 }
            points = try det.detect(in: image)
        case .log:
            var det = LoGBlobDetector(minSigma: minSigma, maxSigma: maxSigma, numSigma: numSigma,
                                      threshold: threshold, polarity: pol)
            det.polarity = pol
            if robustRange { det.rangePercentiles = 0.5...99.5 }
            points = try det.detect(in: image)
        case .extrema:
            guard let r = PeakRefinement(rawValue: refinement) else {
                throw CLIError.usage("--refinement must be none, quadratic or gaussian, not \(refinement)")
            }
            let d = max(Int((minDistance ?? 3).rounded()), 1)
            points = []
            for p in pol.map({ [$0] }) ?? PointPolarity.allCases {
                points += try LocalExtremaDetector(polarity: p, minDistance: d,
                                                   relativeThreshold: relativeThreshold, refinement: r)
                    .detect(in: image)
            }
        }
        if darkerThanMean { points = points.darkerThanMean(in: image) }
        return points
    }

    func run() throws {
        _ = try ColorMap.named(colormap)  // fail on a bad name before any work
        // The output paths are checked before the image is read; both files are written
        // only once both are made.
        try OutputFiles.checkPaths([csv, overlay].compactMap { $0 }, force: force)
        let image = try levelled(input.image(file))
        let progress = ProgressBar(total: 1, label: "detect", enabled: !json)
        let points = try detect(in: image)
        progress.advance()
        progress.finish()

        let stage = OutputStage(OutputFiles(directory: nil, force: force))
        defer { stage.discard() }
        if let csv {
            var text = "x_px,y_px,strength,scale_px,polarity\n"
            for p in points {
                text += "\(p.position.x),\(p.position.y),\(p.strength),\(p.scale),\(p.polarity.rawValue)\n"
            }
            try stage.write(text: text, to: csv)
        }
        if let overlay {
            var rgb = image.rendered(colorMap: try ColorMap.named(colormap))
            for p in points {
                let colour: RGBColor = p.polarity == .dark ? .cyan : .green
                if p.scale > 0 {
                    rgb.drawCircle(center: p.position, radius: p.scale * 2.squareRoot(), color: colour, lineWidth: 1.2)
                }
                rgb.drawDot(at: p.position, radius: 1.2, color: colour)
            }
            try stage.write(try rgb.pngData(), to: overlay)
        }
        try stage.commit()
        if json {
            try JSONOutput.print(Report(
                file: file, method: method.rawValue, width: image.width, height: image.height,
                pixel_size: image.pixelSize.map { [$0.x, $0.y] }, unit: image.unit.rawValue,
                count: points.count,
                points: points.map {
                    JSONPoint(x: $0.position.x, y: $0.position.y, strength: $0.strength, scale: $0.scale,
                              polarity: $0.polarity.rawValue)
                }))
        } else {
            let dark = points.filter { $0.polarity == .dark }.count
            print("\(points.count) points (\(dark) dark, \(points.count - dark) bright) by \(method.rawValue) in \(file)")
            if let csv { print("points: \(csv)") }
            if let overlay { print("overlay: \(overlay)") }
        }
    }
}
