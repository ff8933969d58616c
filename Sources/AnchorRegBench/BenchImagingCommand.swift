import AnchorGeometry
import AnchorImaging
import AnchorRegCLI
import ArgumentParser
import Foundation

/// Times the imaging kernels on an input written by
/// `Benchmarks/imaging_benchmark.py`, writes their outputs for pixel comparison with OpenCV and
/// prints the timings as JSON. Not part of the user-facing CLI.
///
/// File format (ours, so that the benchmark depends on no format reader): 16-byte header
/// `"AR32"`, width and height as little-endian UInt32, 4 reserved bytes, then width × height
/// little-endian float32 samples, row-major.
struct BenchImagingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imaging",
        abstract: "Time Gaussian blur and perspective warps (benchmark hook).",
        discussion: """
            Example: anchorreg-bench imaging --input in.ar32 --out-dir out --sigma 2 \
            --inverse-map 0.98,0.05,10,-0.04,1.01,5,1e-5,2e-5,1 --repeat 20
            """)

    @Option(help: "Input image (AR32 raw float32 file).")
    var input: String

    @Option(help: "Directory for the outputs blur.ar32, warp_bilinear.ar32, warp_bicubic.ar32.")
    var outDir: String

    @Option(help: "Gaussian σ in pixels.")
    var sigma: Double = 2

    @Option(help: "Inverse map (output pixel → source pixel), nine comma-separated numbers, row-major.")
    var inverseMap: String

    @Option(help: "Timed repetitions of each operation.")
    var `repeat`: Int = 10

    @Flag(help: "Overwrite existing outputs.")
    var force = false

    @Flag(help: "Print JSON (always on; accepted for uniformity).")
    var json = false

    struct Report: Codable {
        var width: Int
        var height: Int
        var repeats: Int
        var gaussianBlur: BenchTiming
        var warpBilinear: BenchTiming
        var warpBicubic: BenchTiming
    }

    func run() throws {
        guard `repeat` >= 1 else { throw CLIError.usage("--repeat must be ≥ 1") }
        let numbers = inverseMap.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == 9, numbers.allSatisfy({ $0 != nil }) else {
            throw CLIError.usage("--inverse-map needs nine comma-separated numbers")
        }
        let m = try Homography(rows: [Array(numbers[0..<3].map { $0! }), Array(numbers[3..<6].map { $0! }),
                                      Array(numbers[6..<9].map { $0! })])
        let image = try Self.readAR32(input)
        let files = OutputFiles(directory: outDir, force: force)
        try files.prepare()

        func time<T>(_ body: () throws -> T) rethrows -> (T, BenchTiming) {
            try BenchTiming.measure(repeats: `repeat`, body)
        }
        let kernel = try GaussianKernel(sigma: sigma)
        let (blur, tBlur) = time { image.gaussianBlurred(kernel: kernel) }
        let (lin, tLin) = try time {
            try image.warped(inverseMap: m, width: image.width, height: image.height, interpolation: .bilinear)
        }
        let (cub, tCub) = try time {
            try image.warped(inverseMap: m, width: image.width, height: image.height, interpolation: .bicubic)
        }
        try files.write(Self.ar32(blur), to: "blur.ar32")
        try files.write(Self.ar32(lin), to: "warp_bilinear.ar32")
        try files.write(Self.ar32(cub), to: "warp_bicubic.ar32")
        try JSONOutput.print(Report(width: image.width, height: image.height, repeats: `repeat`,
                                    gaussianBlur: tBlur, warpBilinear: tLin, warpBicubic: tCub))
    }

    static func readAR32(_ path: String) throws -> Image {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError.input("cannot read \(path)")
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 16, bytes[0..<4] == [0x41, 0x52, 0x33, 0x32] else {
            throw CLIError.input("\(path): not an AR32 file (magic \"AR32\" missing)")
        }
        func u32(_ o: Int) -> Int {
            Int(bytes[o]) | Int(bytes[o + 1]) << 8 | Int(bytes[o + 2]) << 16 | Int(bytes[o + 3]) << 24
        }
        let w = u32(4), h = u32(8)
        try Image.validate(width: w, height: h)
        guard bytes.count == 16 + 4 * w * h else {
            throw CLIError.input("\(path): expected \(16 + 4 * w * h) bytes for \(w)×\(h), found \(bytes.count)")
        }
        var px = [Float](repeating: 0, count: w * h)
        for i in 0..<(w * h) {
            let o = 16 + 4 * i
            let bits = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
            px[i] = Float(bitPattern: bits)
        }
        return try Image(width: w, height: h, pixels: px)
    }

    static func ar32(_ img: Image) -> Data {
        var d = Data([0x41, 0x52, 0x33, 0x32])
        for v in [UInt32(img.width), UInt32(img.height), 0] {
            withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) }
        }
        d.reserveCapacity(16 + 4 * img.count)
        for v in img.pixels {
            withUnsafeBytes(of: v.bitPattern.littleEndian) { d.append(contentsOf: $0) }
        }
        return d
    }
}
