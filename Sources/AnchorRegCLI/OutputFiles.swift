import Foundation

/// Writes a command's output files: atomically (write to a temporary file beside the target,
/// then rename), and never over an existing file unless `--force` was given.
public struct OutputFiles: Sendable {
    public let directory: URL?
    public let force: Bool

    /// - Parameters:
    ///   - directory: where relative names go (`nil`: the current directory).
    ///   - force: allow replacing existing files.
    public init(directory: String?, force: Bool) {
        self.directory = directory.map { URL(fileURLWithPath: $0, isDirectory: true) }
        self.force = force
    }

    /// Creates the output directory (and parents) if needed.
    public func prepare() throws {
        guard let directory else { return }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw CLIError.output("\(directory.path) exists and is not a directory") }
            return
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw CLIError.output("cannot create directory \(directory.path): \(error.localizedDescription)")
        }
    }

    /// The full path for `name`.
    public func url(_ name: String) -> URL {
        if name.hasPrefix("/") { return URL(fileURLWithPath: name) }
        if let directory { return directory.appendingPathComponent(name) }
        return URL(fileURLWithPath: name)
    }

    /// Writes `data` to `name` atomically. Returns the path written.
    @discardableResult
    public func write(_ data: Data, to name: String) throws -> String {
        let target = url(name)
        try Self.writeAtomically(data, to: target, force: force)
        return target.path
    }

    /// Writes UTF-8 text.
    @discardableResult
    public func write(text: String, to name: String) throws -> String {
        try write(Data(text.utf8), to: name)
    }

    /// Atomic write of `data` to `target`: refuses to replace an existing file unless `force`.
    public static func writeAtomically(_ data: Data, to target: URL, force: Bool) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: target.path) && !force {
            throw CLIError.output("\(target.path) exists; pass --force to overwrite it")
        }
        let dir = target.deletingLastPathComponent()
        let tmp = dir.appendingPathComponent(".\(target.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try data.write(to: tmp)
        } catch {
            // A full disk leaves a partial temporary behind: remove it.
            try? fm.removeItem(at: tmp)
            throw CLIError.output("cannot write \(target.path): \(error.localizedDescription)")
        }
        if rename(tmp.path, target.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? fm.removeItem(at: tmp)
            throw CLIError.output("cannot write \(target.path): \(reason)")
        }
    }
}

/// Errors the CLI itself raises (library errors are passed through with their own text).
public enum CLIError: Error, CustomStringConvertible {
    case output(String)
    case input(String)
    case usage(String)

    public var description: String {
        switch self {
        case .output(let s): return "output: \(s)"
        case .input(let s): return "input: \(s)"
        case .usage(let s): return s
        }
    }
}
