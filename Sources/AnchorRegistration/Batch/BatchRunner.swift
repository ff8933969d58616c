import Foundation

/// Runs one shard of a batch: every frame of the shard on `threads` threads, each into its
/// own folder `OUT/frames/NAME/`, then the shard's manifest.
///
/// Resumable: a frame whose `frame.json` exists with the same input hash and options digest
/// is skipped. Before a frame is (re)analysed its old `frame.json` is removed, so a run cut
/// off mid-frame never leaves a record that claims stale files complete. Frames are
/// independent and each one's analysis is deterministic, so the records do not depend on
/// the number of shards or threads (timings aside).
public struct BatchRunner: Sendable {
    /// What the caller's per-frame work returns.
    public enum Outcome: Sendable {
        /// The frame was analysed; its report and the files written (relative to its folder).
        case analysed(FrameReport, files: [String])
        /// The frame could not be read or registered.
        case refused(any Error)
    }

    public var output: URL
    public var shard: BatchShard
    public var threads: Int
    /// The options that decide the results (model, extractor, outputs…), for the manifest
    /// and the resume check.
    public var options: [String: String]
    public var version: String

    public init(output: URL, shard: BatchShard, threads: Int, options: [String: String], version: String) {
        self.output = output
        self.shard = shard
        self.threads = max(1, threads)
        self.options = options
        self.version = version
    }

    /// The folder of a frame's results.
    public func folder(of input: BatchInput) -> URL {
        output.appendingPathComponent("frames", isDirectory: true).appendingPathComponent(input.name, isDirectory: true)
    }

    /// The frames of `inputs` (the whole sorted batch) that belong to this shard.
    public func frames(of inputs: [BatchInput]) -> [BatchInput] {
        inputs.enumerated().filter { shard.owns(position: $0.offset) }.map(\.element)
    }

    /// Creates the output folders; fails before any work when they cannot be made.
    public func prepare() throws {
        for sub in ["frames", "manifests"] {
            do {
                try FileManager.default.createDirectory(at: output.appendingPathComponent(sub, isDirectory: true),
                                                        withIntermediateDirectories: true)
            } catch {
                throw BatchError.output("cannot create \(output.appendingPathComponent(sub).path): \(error.localizedDescription)")
            }
        }
    }

    /// Runs the shard. `process` analyses one frame and writes its files into the folder it is
    /// given (replacing what an unfinished earlier run left there); an error it throws stops
    /// the batch (a frame that cannot be analysed is an `Outcome.refused`, not an error).
    /// `progress` is called with 1 after each frame (from worker threads).
    /// - Returns: the manifest written and the records of this shard's frames, in name order.
    @discardableResult
    public func run(_ inputs: [BatchInput],
                    progress: @escaping @Sendable (Int) -> Void = { _ in },
                    process: @escaping @Sendable (BatchInput, URL) throws -> Outcome) throws -> (BatchManifest, [BatchFrameRecord]) {
        try prepare()
        let mine = frames(of: inputs)
        let digest = BatchManifest.optionsDigest(options, version: version)
        let state = WorkState(count: mine.count)
        let workers = min(threads, max(mine.count, 1))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let k = state.next() {
                do {
                    let (record, entry) = try frame(mine[k], digest: digest, process: process)
                    state.store(k, record: record, entry: entry)
                } catch {
                    state.fail(error)
                }
                progress(1)
            }
        }
        if let error = state.error { throw error }
        let manifest = BatchManifest(version: version, options: options, shard: shard, batchFrames: inputs.count,
                                     inputs: state.entries.compactMap { $0 })
        try Self.writeJSON(manifest, to: output.appendingPathComponent("manifests").appendingPathComponent(BatchManifest.fileName(shard)))
        return (manifest, state.records.compactMap { $0 })
    }

    private func frame(_ input: BatchInput, digest: String,
                       process: (BatchInput, URL) throws -> Outcome) throws -> (BatchFrameRecord, BatchManifest.Input) {
        let folder = folder(of: input)
        let recordURL = folder.appendingPathComponent("frame.json")
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: input.path))
        } catch {
            throw BatchError.unreadableInput("cannot read \(input.path): \(error.localizedDescription)")
        }
        let hash = SHA256.hex(bytes)
        if let old = try? JSONDecoder().decode(BatchFrameRecord.self, from: Data(contentsOf: recordURL)),
           old.input_sha256 == hash, old.options_sha256 == digest, old.file == input.name {
            return (old, .init(file: input.name, bytes: bytes.count, sha256: hash, state: "skipped"))
        }
        let fm = FileManager.default
        if fm.fileExists(atPath: recordURL.path) {
            do { try fm.removeItem(at: recordURL) } catch {
                throw BatchError.output("cannot remove the stale \(recordURL.path): \(error.localizedDescription)")
            }
        }
        do {
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw BatchError.output("cannot create \(folder.path): \(error.localizedDescription)")
        }
        let wall0 = DispatchTime.now().uptimeNanoseconds
        let record: BatchFrameRecord
        switch try process(input, folder) {
        case .analysed(let report, let files):
            record = BatchFrameRecord(file: input.name, inputSHA256: hash, optionsSHA256: digest, report: report, files: files)
        case .refused(let error):
            record = BatchFrameRecord(file: input.name, inputSHA256: hash, optionsSHA256: digest, error: error)
        }
        var timed = record
        timed.timings_ms["frame"] = Double(DispatchTime.now().uptimeNanoseconds - wall0) / 1e6
        try Self.writeJSON(timed, to: recordURL)
        return (timed, .init(file: input.name, bytes: bytes.count, sha256: hash, state: "done"))
    }

    /// Writes `value` as sorted-key JSON atomically (a temporary file, then a rename).
    static func writeJSON<T: Encodable>(_ value: T, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            try encoder.encode(value).write(to: url, options: .atomic)
        } catch {
            throw BatchError.output("cannot write \(url.path): \(error.localizedDescription)")
        }
    }
}

/// The shared cursor and results of a shard's workers.
private final class WorkState: @unchecked Sendable {
    private let lock = NSLock()
    private var cursor = 0
    private let count: Int
    var records: [BatchFrameRecord?]
    var entries: [BatchManifest.Input?]
    var error: (any Error)?

    init(count: Int) {
        self.count = count
        records = Array(repeating: nil, count: count)
        entries = Array(repeating: nil, count: count)
    }

    /// The next frame to do, or nil when all are taken or a worker failed.
    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard error == nil, cursor < count else { return nil }
        cursor += 1
        return cursor - 1
    }

    func store(_ k: Int, record: BatchFrameRecord, entry: BatchManifest.Input) {
        lock.lock(); defer { lock.unlock() }
        records[k] = record
        entries[k] = entry
    }

    func fail(_ e: any Error) {
        lock.lock(); defer { lock.unlock() }
        if error == nil { error = e }
    }
}
