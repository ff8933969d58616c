import AnchorGeometry
import Foundation

/// The study's samples as NumPy arrays, so other tools (the OpenCV benchmarks in
/// `Benchmarks/`) run the identical point sets.
///
/// Per condition, a folder `n<points>_sigma<σ>/` holds
/// - `model.npy`   float64 (n², 2): P_m, the grid;
/// - `true_h.npy`  float64 (S, 3, 3): the true H (model → image) of each sample;
/// - paired mode: `image.npy` float64 (S, n², 2), row i the noisy image of model point i;
/// - pairing mode: `image.npy` float64 (total, 2) of all samples' image points one after the
///   other, `offsets.npy` int64 (S + 1): sample s owns rows offsets[s] ..< offsets[s+1], and
///   `source.npy` int64 (total): the model index of each image point, −1 for a spurious one.
///
/// `manifest.json` lists the conditions, their folders and the protocol parameters.
public struct ValidationSampleExport: Sendable {
    public let configuration: ValidationConfiguration

    public init(configuration: ValidationConfiguration) {
        self.configuration = configuration
    }

    /// Folder name of a condition, e.g. `n16_sigma0.05`.
    public static func folderName(_ c: ValidationCondition) -> String {
        "n\(c.points)_sigma\(c.noise)"
    }

    /// The arrays of one condition, keyed by file name.
    public func arrays(for condition: ValidationCondition) -> [String: NPYArray] {
        let generator = ValidationSampleGenerator(configuration: configuration)
        let grid = ValidationSampleGenerator.grid(side: condition.gridSide)
        let s = configuration.samplesPerCondition
        var trueH: [Double] = []
        trueH.reserveCapacity(s * 9)
        var image: [Double] = []
        var offsets: [Int] = [0]
        var source: [Int] = []
        for i in 0..<s {
            let sample = generator.sample(condition, index: i, model: grid)
            trueH.append(contentsOf: sample.trueHomography.rows.flatMap { $0 })
            for p in sample.image { image.append(p.x); image.append(p.y) }
            source.append(contentsOf: sample.imageSource)
            offsets.append(offsets[offsets.count - 1] + sample.image.count)
        }
        var out: [String: NPYArray] = [
            "model.npy": NPYArray(float64: grid.flatMap { [$0.x, $0.y] }, shape: [grid.count, 2]),
            "true_h.npy": NPYArray(float64: trueH, shape: [s, 3, 3]),
        ]
        switch configuration.mode {
        case .paired:
            out["image.npy"] = NPYArray(float64: image, shape: [s, grid.count, 2])
        case .pairing:
            out["image.npy"] = NPYArray(float64: image, shape: [image.count / 2, 2])
            out["offsets.npy"] = NPYArray(int64: offsets, shape: [offsets.count])
            out["source.npy"] = NPYArray(int64: source, shape: [source.count])
        }
        return out
    }

    /// The manifest (JSON) describing the export.
    public func manifest() throws -> Data {
        struct Entry: Encodable { let noise: Double; let points: Int; let folder: String }
        struct Manifest: Encodable {
            let mode: ValidationMode
            let samples: Int
            let seed: UInt64
            let missing: Double
            let outliers: Double
            let prior: ValidationPrior
            let oks_threshold: Double
            let oks_scale: Double
            let oks_k: Double
            let conditions: [Entry]
        }
        let c = configuration
        let m = Manifest(
            mode: c.mode, samples: c.samplesPerCondition, seed: c.seed, missing: c.missingFraction,
            outliers: c.outlierFraction, prior: c.prior, oks_threshold: c.oksThreshold, oks_scale: c.oksScale,
            oks_k: c.oksK,
            conditions: c.conditions.map { Entry(noise: $0.noise, points: $0.points, folder: Self.folderName($0)) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(m)
    }
}
