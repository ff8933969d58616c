import Foundation

/// An output file written piece by piece and put in place atomically: the pieces go to a
/// temporary file beside the target, which `commit()` renames over it. A stream that is not
/// committed (an error, a full disk) removes its temporary, so nothing half-written is left
/// under either name.
final class AtomicFileStream {
    let target: URL
    private let temporary: URL
    private let handle: FileHandle
    private var committed = false

    /// Opens the temporary file.
    /// - Throws: `CLIError.output` when `target` exists and `force` is false, or the
    ///   temporary cannot be created.
    init(target: URL, force: Bool) throws {
        if FileManager.default.fileExists(atPath: target.path) && !force {
            throw CLIError.output("\(target.path) exists; pass --force to overwrite it")
        }
        self.target = target
        temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary.path) else {
            throw CLIError.output("cannot write \(target.path): cannot create a file in \(target.deletingLastPathComponent().path)")
        }
        self.handle = handle
    }

    /// Appends `data` to the temporary file.
    func write(_ data: Data) throws {
        do {
            try handle.write(contentsOf: data)
        } catch {
            throw CLIError.output("cannot write \(target.path): \(error.localizedDescription)")
        }
    }

    /// Closes the temporary file and renames it to the target.
    func commit() throws {
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw CLIError.output("cannot write \(target.path): \(error.localizedDescription)")
        }
        if rename(temporary.path, target.path) != 0 {
            throw CLIError.output("cannot write \(target.path): \(String(cString: strerror(errno)))")
        }
        committed = true
    }

    deinit {
        guard !committed else { return }
        try? handle.close()
        try? FileManager.default.removeItem(at: temporary)
    }
}
