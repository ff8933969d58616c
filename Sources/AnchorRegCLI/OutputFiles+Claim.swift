import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An output folder held by one run: made by it or not, and the lock file that keeps a
/// second run out until `end` is called.
public struct OutputClaim: Sendable {
    public let folder: String?
    public let created: Bool
    let lock: String?

    /// Ends the claim: removes the lock file, and after a failure the folder this run made
    /// if nothing was written to it.
    public func end(failed: Bool) {
        if let lock { unlink(lock) }
        if failed, created, let folder { rmdir(folder) }
    }
}

extension OutputFiles {
    /// Name of the lock file a run holds in its output folder while it works.
    public static let lockName = ".anchorreg-run.lock"

    /// Claims the output folder for this run before any work starts (issue 14: outputs are
    /// checked before the analysis, and two runs into one folder must not race):
    ///
    /// - a folder that does not exist is created;
    /// - a lock file is created in it exclusively (`O_EXCL`): a second run into the same
    ///   folder while the first works is refused, whichever of them made the folder;
    /// - every file in `names` is checked: one that exists without `--force` refuses the run
    ///   before anything is computed or written.
    ///
    /// - Parameter names: the files the run will write, relative to the folder.
    /// - Throws: `CLIError.output` naming the folder or file and what to do.
    public func claim(_ names: [String]) throws -> OutputClaim {
        let fm = FileManager.default
        var created = false
        var lock: String? = nil
        if let directory {
            let path = directory.path
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: path, isDirectory: &isDir) {
                guard isDir.boolValue else { throw CLIError.output("\(path) exists and is not a directory") }
            } else {
                do {
                    try fm.createDirectory(at: directory.deletingLastPathComponent(), withIntermediateDirectories: true)
                } catch {
                    throw CLIError.output("cannot create directory \(directory.deletingLastPathComponent().path): \(error.localizedDescription)")
                }
                if mkdir(path, 0o777) == 0 {
                    created = true
                } else if errno != EEXIST {
                    throw CLIError.output("cannot create directory \(path): \(String(cString: strerror(errno)))")
                }
            }
            let lockPath = directory.appendingPathComponent(Self.lockName).path
            let fd = open(lockPath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            if fd < 0 {
                if errno == EEXIST {
                    throw CLIError.output("another run is writing into \(path) (lock file \(lockPath)); give each run its own --out folder, or remove the lock file if no run is active")
                }
                throw CLIError.output("cannot write into \(path): \(String(cString: strerror(errno)))")
            }
            let pid = Array("\(getpid())\n".utf8)
            _ = pid.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            close(fd)
            lock = lockPath
        }
        let claim = OutputClaim(folder: directory?.path, created: created, lock: lock)
        if !force {
            for name in names where fm.fileExists(atPath: url(name).path) {
                claim.end(failed: true)
                throw CLIError.output("\(url(name).path) exists; pass --force to overwrite it (checked before the analysis)")
            }
        }
        return claim
    }
}
