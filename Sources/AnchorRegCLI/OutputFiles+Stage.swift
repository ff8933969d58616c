import Foundation

/// A run's output files, written under temporary names beside their targets and renamed into
/// place together by `commit` once the whole run has succeeded: a run that fails part way
/// leaves none of its outputs behind (issue 12, "nothing partial is written").
final class OutputStage {
    let files: OutputFiles
    private var staged: [(temporary: URL, target: URL)] = []
    /// Files opened by `open(_:)`, closed by `commit` or `discard`.
    private var streams: [StagedStream] = []

    init(_ files: OutputFiles) {
        self.files = files
    }

    /// Writes `data` to a temporary file beside `name`'s target; returns the target's path.
    /// - Throws: `CLIError.output` when the temporary file cannot be written.
    @discardableResult
    func write(_ data: Data, to name: String) throws -> String {
        let target = files.url(name)
        let temporary = Self.temporary(for: target)
        do {
            try data.write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CLIError.output("cannot write \(target.path): \(error.localizedDescription)")
        }
        staged.append((temporary, target))
        return target.path
    }

    /// Opens a temporary file beside `name`'s target to be written piece by piece (a file too
    /// large to hold in memory). It is staged at once: `commit` closes it and renames it with
    /// the others, `discard` (any failure) closes and removes it.
    /// - Throws: `CLIError.output` when the temporary file cannot be created.
    func open(_ name: String) throws -> StagedStream {
        let target = files.url(name)
        let temporary = Self.temporary(for: target)
        let stream = try StagedStream(temporary: temporary, target: target)
        staged.append((temporary, target))
        streams.append(stream)
        return stream
    }

    /// A fresh temporary name beside `target`.
    private static func temporary(for target: URL) -> URL {
        target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    }

    /// Writes UTF-8 text; see `write(_:to:)`.
    @discardableResult
    func write(text: String, to name: String) throws -> String {
        try write(Data(text.utf8), to: name)
    }

    /// Renames every staged file onto its target; returns the targets' paths in the order
    /// written. A target that appeared meanwhile is not replaced without `--force`.
    /// - Throws: `CLIError.output`; the files not yet renamed are removed.
    @discardableResult
    func commit() throws -> [String] {
        var done: [String] = []
        defer { discard() }
        for stream in streams { try stream.close() }
        while !staged.isEmpty {
            let (temporary, target) = staged[0]
            if !files.force && FileManager.default.fileExists(atPath: target.path) {
                throw CLIError.output("\(target.path) exists; pass --force to overwrite it")
            }
            if rename(temporary.path, target.path) != 0 {
                throw CLIError.output("cannot write \(target.path): \(String(cString: strerror(errno)))")
            }
            staged.removeFirst()
            done.append(target.path)
        }
        return done
    }

    /// Removes the staged files that were not committed.
    func discard() {
        for stream in streams { stream.abandon() }
        streams = []
        for s in staged { unlink(s.temporary.path) }
        staged = []
    }
}

extension OutputFiles {
    /// Claims the folder and checks `names` before any work (`claim`), runs `body` with a
    /// stage for its files, and commits the stage when `body` returns; returns `body`'s result
    /// and the paths written. When anything throws, nothing is written: the stage is
    /// discarded and a folder this run made is removed.
    @discardableResult
    func transaction<T>(_ names: [String], _ body: (OutputStage) throws -> T) throws -> (result: T, written: [String]) {
        let claim = try claim(names)
        let stage = OutputStage(self)
        do {
            let result = try body(stage)
            let written = try stage.commit()
            claim.end(failed: false)
            return (result, written)
        } catch {
            stage.discard()
            claim.end(failed: true)
            throw error
        }
    }

    /// Checks output files named on the command line before any work: they are distinct,
    /// none exists unless `force`, and each one's folder exists and is writable.
    /// - Throws: `CLIError.output` naming the path and what to do.
    static func checkPaths(_ paths: [String], force: Bool) throws {
        let fm = FileManager.default
        var seen: Set<String> = []
        for path in paths {
            let url = URL(fileURLWithPath: path).standardizedFileURL
            guard seen.insert(url.path).inserted else {
                throw CLIError.output("\(path) is named for two outputs; give each its own path")
            }
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: url.path, isDirectory: &isDir) {
                if isDir.boolValue { throw CLIError.output("\(path) is a directory") }
                if !force { throw CLIError.output("\(path) exists; pass --force to overwrite it (checked before the analysis)") }
            }
            let folder = url.deletingLastPathComponent().path
            guard fm.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
                throw CLIError.output("\(folder) does not exist; create it first (the folder of \(path))")
            }
            guard access(folder, W_OK) == 0 else {
                throw CLIError.output("cannot write into \(folder): \(String(cString: strerror(errno)))")
            }
        }
    }
}
