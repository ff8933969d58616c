import Foundation

/// What one shard of a batch ran on and with what (`OUT/manifests/shard-I-of-N.json`): the
/// tool version, the options, and each input's name, size and SHA-256. `batch merge` checks
/// that every shard it gathers ran with the same options and version.
public struct BatchManifest: Codable, Sendable, Equatable {
    public struct Input: Codable, Sendable, Equatable {
        public var file: String
        public var bytes: Int
        public var sha256: String
        /// `done` (analysed in this run), `skipped` (complete from an earlier run).
        public var state: String
    }

    public var tool: String
    public var version: String
    /// The options that decide the results, as `name=value` lines sorted by name.
    public var options: [String]
    public var options_sha256: String
    public var shard: BatchShard
    /// Frames in the whole batch (all shards).
    public var batch_frames: Int
    public var inputs: [Input]

    public init(version: String, options: [String: String], shard: BatchShard, batchFrames: Int, inputs: [Input]) {
        tool = "anchorreg"
        self.version = version
        self.options = Self.optionLines(options)
        self.options_sha256 = Self.optionsDigest(options, version: version)
        self.shard = shard
        self.batch_frames = batchFrames
        self.inputs = inputs
    }

    static func optionLines(_ options: [String: String]) -> [String] {
        options.keys.sorted().map { "\($0)=\(options[$0]!)" }
    }

    /// SHA-256 of the version and the sorted option lines: a frame analysed with other
    /// options or by another version is not reused by a resumed batch.
    public static func optionsDigest(_ options: [String: String], version: String) -> String {
        SHA256.hex(Array((["version=\(version)"] + optionLines(options)).joined(separator: "\n").utf8))
    }

    /// The manifest's file name for `shard`.
    public static func fileName(_ shard: BatchShard) -> String {
        "shard-\(shard.index)-of-\(shard.count).json"
    }
}
