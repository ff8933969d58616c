#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ImageFile {
    /// Refuses, before opening it, a path that is not a regular file (after following links):
    /// reading a FIFO blocks until a writer comes, a device never ends, and either used to be
    /// reported as "You don't have permission". A missing path and a folder get their own
    /// messages.
    /// - Throws: `FormatError.io` naming the kind of file found.
    public static func requireRegularFile(_ path: String) throws {
        var st = stat()
        guard stat(path, &st) == 0 else {
            if errno == ENOENT { throw FormatError.io("\(path): no such file") }
            throw FormatError.io("\(path): cannot read: \(String(cString: strerror(errno)))")
        }
        let kind: String
        switch st.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: kind = "a directory"
        case S_IFIFO: kind = "a FIFO (named pipe)"
        case S_IFCHR: kind = "a character device"
        case S_IFBLK: kind = "a block device"
        case S_IFSOCK: kind = "a socket"
        default: kind = "not a regular file"
        }
        throw FormatError.io("\(path) is \(kind), not an image file; give a regular file (copy the data to one first)")
    }
}
