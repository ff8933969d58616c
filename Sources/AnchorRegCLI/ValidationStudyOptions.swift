import AnchorGeometry
import AnchorRegistration
import ArgumentParser
import Foundation

/// The options that define the Monte-Carlo study of `anchorreg validate`: which conditions,
/// how many samples and from which seed. Shared with `anchorreg-bench export-samples`, whose
/// samples must be bit for bit the ones `validate` fits with the same options.
public struct ValidationStudyOptions: ParsableArguments {
    public init() {}

    @Option(help: ArgumentHelp("Grid point counts n², comma-separated perfect squares ≥ 4.", valueName: "n²,…"))
    public var points: String = ValidationConfiguration.defaultPointCounts.map(String.init).joined(separator: ",")

    @Option(help: ArgumentHelp("Noise std σ per coordinate (model units), comma-separated.", valueName: "σ,…"))
    public var noise: String = ValidationConfiguration.defaultNoiseLevels.map { "\($0)" }.joined(separator: ",")

    @Option(help: "Samples per condition.")
    public var samples: Int = 10_000

    @Option(help: "Seed of every random choice.")
    public var seed: UInt64 = 1

    @Option(help: "paired: correspondences given; pairing: found by the pairing chain.")
    public var mode: ValidationMode = .paired

    @Option(help: ArgumentHelp("Pairing mode: fraction of grid points missing from the image.", valueName: "fraction"))
    public var missing: Double = 0.05

    @Option(help: ArgumentHelp("Pairing mode: spurious image points as a fraction of n².", valueName: "fraction"))
    public var outliers: Double = 0.1

    public func validate() throws {
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1") }
    }

    /// The study these options describe, checked (`ValidationConfiguration.validate()`).
    /// - Throws: `ValidationError` naming the option at fault.
    public func configuration() throws -> ValidationConfiguration {
        let config = ValidationConfiguration(
            pointCounts: try Self.parseList(points, option: "--points") { Int($0) },
            noiseLevels: try Self.parseList(noise, option: "--noise") { Double($0) },
            samplesPerCondition: samples, seed: seed, mode: mode,
            missingFraction: missing, outlierFraction: outliers)
        do {
            try config.validate()
        } catch let error as GeometryError {
            throw ValidationError("\(error)")
        }
        return config
    }

    /// Parses a comma-separated list, naming the option and the item at fault.
    static func parseList<T>(_ text: String, option: String, _ parse: (String) -> T?) throws -> [T] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var out: [T] = []
        for item in items {
            guard let v = parse(item) else {
                throw ValidationError("\(option): \"\(item)\" is not a valid number (expected a comma-separated list)")
            }
            out.append(v)
        }
        return out
    }
}
