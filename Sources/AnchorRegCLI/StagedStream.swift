import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A staged output file written piece by piece (`OutputStage.open`): the bytes go straight
/// to its temporary file through the descriptor, without a copy in memory.
final class StagedStream {
    let target: URL
    private var fd: Int32

    /// Creates the temporary file (exclusively).
    /// - Throws: `CLIError.output` when it cannot be created.
    init(temporary: URL, target: URL) throws {
        self.target = target
        fd = Glibc.open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 { throw CLIError.output("cannot write \(target.path): \(String(cString: strerror(errno)))") }
    }

    /// Appends `bytes`.
    /// - Throws: `CLIError.output` on a write error (a full disk) or after `close`.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard fd >= 0 else { throw CLIError.output("cannot write \(target.path): the file is closed") }
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw CLIError.output("cannot write \(target.path): \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }

    /// Closes the file; closing twice does nothing.
    /// - Throws: `CLIError.output` when the system reports a delayed write error.
    func close() throws {
        guard fd >= 0 else { return }
        let result = Glibc.close(fd)
        fd = -1
        if result != 0 { throw CLIError.output("cannot write \(target.path): \(String(cString: strerror(errno)))") }
    }

    /// Closes the file, ignoring errors (the stage removes it).
    func abandon() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    deinit { abandon() }
}
