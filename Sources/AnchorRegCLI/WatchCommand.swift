import AnchorGeometry
import AnchorImaging
import AnchorModels
import AnchorRegistration
import ArgumentParser
import Foundation

/// Set by SIGINT/SIGTERM; the loop stops between frames.
nonisolated(unsafe) private var watchStopRequested: sig_atomic_t = 0

/// `anchorreg watch DIR --model M`: the instrument loop.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Process every new frame that appears in a folder: one JSON line per frame with its registration, verdict and drift forecast.",
        discussion: """
            Polls DIR; a file is taken once its size and modification time have not changed for \
            --settle seconds (its writer is done with it). Each frame is registered, its cells \
            and lattice position followed as in `track` (causally: from the frames before it), \
            and one JSON line is written to standard output or appended to --log: \
            {"file", "status": "ok", "time_s", "quality", "drift_nm", "drift_velocity_nm_per_s", \
            "drift_velocity_sigma_nm_per_s", "forecast_next_drift_nm", "cell_offset", "anchors", \
            "inliers", "rms_px"}. A file that cannot be read or registered gives \
            {"file", "status": "error", "error": {"type", "message"}} and the loop goes on. \
            SIGINT/SIGTERM stop it after the current frame. The frames done and the tracker are \
            kept in a state file (DIR/.anchorreg-watch.json unless --state), replaced atomically \
            after every frame, so a restart skips what is done. See docs/series.md.

            Without --idle-exit it runs until SIGINT (Ctrl-C) or SIGTERM.

            Examples:
              anchorreg watch incoming --model si111-7x7 --log frames.jsonl --idle-exit 2
              anchorreg watch incoming --model si111-7x7 --idle-exit 5  (stop after 5 s without a new file)
            """)

    @Argument(help: "The folder to watch.") var directory: String
    @OptionGroup var input: ImageInputOptions
    @OptionGroup var frame: FrameCommandOptions
    @Option(help: "Append the JSON lines to this file instead of standard output.") var log: String?
    @Option(help: "State file (default: DIR/.anchorreg-watch.json).") var state: String?
    @Option(help: "Seconds a file's size must stay the same before it is read.") var settle: Double = 0.5
    @Option(help: "Seconds between two looks at the folder.") var poll: Double = 0.2
    @Option(name: .customLong("frame-time"), help: "Time to record one frame, s, when the header does not say (default: frames are stamped at their start).")
    var frameTime: Double?
    @Option(name: .customLong("idle-exit"), help: "Stop after this many seconds without a new file (default: run until stopped).")
    var idleExit: Double?

    func validate() throws {
        guard settle >= 0, settle.isFinite, poll > 0, poll.isFinite else { throw ValidationError("--settle must be ≥ 0 and --poll > 0 seconds") }
        if let i = idleExit, !(i > 0) { throw ValidationError("--idle-exit must be positive") }
        if let f = frameTime, !(f.isFinite && f > 0) { throw ValidationError("--frame-time must be a positive number of seconds") }
    }

    func run() throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw CLIError.input("\(directory) is not a directory")
        }
        let model = try frame.loadModel()
        let options = try frame.registrationOptions()
        let statePath = state ?? (directory as NSString).appendingPathComponent(".anchorreg-watch.json")
        var saved = try WatchState.load(statePath)
        var tracker = try saved.tracker.map { try SeriesTracker(model: model, resuming: $0) } ?? SeriesTracker(model: model)
        let sink = try WatchSink(log: log)
        // Lines already in the log count as done (a kill between the line and the state).
        for f in sink.filesAlreadyLogged() { saved.done.insert(f) }
        signal(SIGINT) { _ in watchStopRequested = 1 }
        signal(SIGTERM) { _ in watchStopRequested = 1 }
        var seen: [String: (size: UInt64, mtime: Double, since: Double)] = [:]
        var lastActivity = Self.now()
        let stateName = (statePath as NSString).lastPathComponent
        let logName = log.map { ($0 as NSString).standardizingPath }
        while watchStopRequested == 0 {
            var ready: [(path: String, timing: AcquisitionTiming?)] = []
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for name in names.sorted() where !name.hasPrefix(".") && name != stateName {
                let path = (directory as NSString).appendingPathComponent(name)
                if saved.done.contains(name) || (path as NSString).standardizingPath == logName { continue }
                guard let a = try? FileManager.default.attributesOfItem(atPath: path),
                      (a[.type] as? FileAttributeType) == .typeRegular else { continue }
                let size = (a[.size] as? NSNumber)?.uint64Value ?? 0
                let mtime = (a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                let now = Self.now()
                if let s = seen[name], s.size == size, s.mtime == mtime {
                    if now - s.since >= settle { ready.append((path, nil)) }
                } else {
                    seen[name] = (size, mtime, now)
                    lastActivity = now
                }
            }
            // Several frames ready at once: in acquisition order.
            var timed: [(path: String, doc: Result<ImageDocument, any Error>, timing: AcquisitionTiming?)] = []
            for r in ready {
                let doc = Result<ImageDocument, any Error> { try input.document(r.path) }
                let timing = (try? doc.get()).flatMap { AcquisitionTiming.of(document: $0, path: r.path) }
                timed.append((r.path, doc, timing))
            }
            timed.sort { (($0.timing?.start.secondsSinceEpoch ?? 0), $0.path) < (($1.timing?.start.secondsSinceEpoch ?? 0), $1.path) }
            for t in timed {
                if watchStopRequested != 0 { break }
                let name = (t.path as NSString).lastPathComponent
                let line: String
                switch t.doc {
                case .failure(let e):
                    line = try WatchLine.error(file: t.path, e)
                case .success(let doc):
                    do {
                        let image = try input.selectedChannel(of: doc).image
                        try AnalysisCopy.requireWithinBudget(image)
                        guard let timing = t.timing else { throw CLIError.input("no acquisition time") }
                        // Unknown recording time: every frame is stamped at its start (a constant
                        // shift that leaves drift and velocity unchanged).
                        let ft = timing.duration ?? frameTime ?? 0
                        let analysis = Result<FrameAnalysis, any Error> {
                            try FrameAnalysis.analyse(image, model: model, options: options, locateSites: true)
                        }
                        let tracked = tracker.add(file: t.path, timing: timing, frameTime: ft, analysis: analysis)
                        if case .failure(let e) = analysis {
                            line = try WatchLine.error(file: t.path, e)
                        } else {
                            line = try WatchLine.frame(tracked, registration: try? analysis.get().registration)
                        }
                    } catch {
                        line = try WatchLine.error(file: t.path, error)
                    }
                }
                try sink.write(line)
                saved.done.insert(name)
                saved.tracker = tracker.snapshot
                try saved.save(statePath)
                seen[name] = nil
                lastActivity = Self.now()
            }
            if let idle = idleExit, Self.now() - lastActivity > idle { break }
            var slept = 0.0
            while slept < poll && watchStopRequested == 0 {
                usleep(20_000)
                slept += 0.02
            }
        }
    }

    static func now() -> Double { Date().timeIntervalSince1970 }
}

/// What `watch` remembers between runs: the files done and the tracker.
struct WatchState: Codable {
    var version = 1
    var done: Set<String> = []
    var tracker: SeriesTracker.Snapshot?

    static func load(_ path: String) throws -> WatchState {
        guard FileManager.default.fileExists(atPath: path) else { return WatchState() }
        do {
            return try JSONDecoder().decode(WatchState.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw CLIError.input("\(path): not a watch state file (\(error)); move it away to start afresh")
        }
    }

    /// Replaced atomically (temporary file, then rename).
    func save(_ path: String) throws {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try OutputFiles.writeAtomically(try encoder.encode(self), to: URL(fileURLWithPath: path), force: true)
    }
}

/// Where the lines go: standard output or a log file opened for appending; each line is one
/// write(2), so a kill leaves whole lines.
final class WatchSink {
    private let fd: Int32
    private let path: String?

    init(log: String?) throws {
        path = log
        if let log {
            fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            guard fd >= 0 else { throw CLIError.output("cannot open \(log): \(String(cString: strerror(errno)))") }
        } else {
            fd = STDOUT_FILENO
        }
    }

    deinit { if path != nil { close(fd) } }

    func write(_ line: String) throws {
        var bytes = Array((line + "\n").utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Foundation.write(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CLIError.output("cannot write the log: \(String(cString: strerror(errno)))")
            }
            off += n
        }
    }

    /// File names of the complete lines already in the log.
    func filesAlreadyLogged() -> [String] {
        guard let path, let data = FileManager.default.contents(atPath: path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let file = obj["file"] as? String else { return nil }
            return (file as NSString).lastPathComponent
        }
    }
}

/// The JSON lines of `watch`.
enum WatchLine {
    struct Frame: Encodable {
        var contract: TrackContract.Frame
        var status = "ok"
        var anchors: Int?
        var inliers: Int?
        var rms_px: Double?
        func encode(to encoder: any Encoder) throws {
            try contract.encode(to: encoder)
            enum K: String, CodingKey { case status, anchors, inliers, rms_px }
            var c = encoder.container(keyedBy: K.self)
            try c.encode(status, forKey: .status)
            try c.encode(anchors, forKey: .anchors)
            try c.encode(inliers, forKey: .inliers)
            try c.encode(rms_px, forKey: .rms_px)
        }
    }

    struct Failure: Encodable {
        struct Detail: Encodable { var type: String; var message: String }
        var file: String
        var status = "error"
        var error: Detail
    }

    static func compact<T: Encodable>(_ v: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(v), as: UTF8.self)
    }

    static func frame(_ f: TrackedFrame, registration: Registration?) throws -> String {
        try compact(Frame(contract: TrackContract.Frame(f), anchors: registration?.metrics.anchors,
                          inliers: registration?.metrics.inliers, rms_px: registration?.metrics.rmsPixels))
    }

    static func error(file: String, _ e: any Error) throws -> String {
        let type = String(describing: Swift.type(of: e))
        // The error's type and, for an enum with a payload, its case ("FormatError.truncated").
        let kind = Mirror(reflecting: e).children.first?.label.map { "\(type).\($0)" } ?? type
        return try compact(Failure(file: file, error: .init(type: kind, message: "\(e)")))
    }
}
