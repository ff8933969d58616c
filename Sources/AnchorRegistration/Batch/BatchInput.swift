import Foundation
import AnchorImaging

/// One frame of a batch: the file to read and the name its results are stored under.
public struct BatchInput: Sendable, Equatable {
    /// The path as given (or found under a folder argument).
    public var path: String
    /// The frame's name: its path relative to the folder argument it was found in, or its
    /// file name when it was given as a file. Results go to `OUT/frames/NAME/`, and the merged
    /// table lists frames by this name, so a batch gives the same table wherever it runs.
    public var name: String

    public init(path: String, name: String) {
        self.path = path
        self.name = name
    }

    /// The frames named by `arguments` (files, or folders searched recursively for files with
    /// an image extension, hidden files and folders skipped), sorted by name.
    /// - Throws: `BatchError` when an argument does not exist, nothing is found, or two
    ///   frames would have the same name.
    public static func list(_ arguments: [String]) throws -> [BatchInput] {
        let fm = FileManager.default
        var found: [BatchInput] = []
        for arg in arguments {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: arg, isDirectory: &isDir) else {
                throw BatchError.unreadableInput("\(arg) does not exist")
            }
            if !isDir.boolValue {
                found.append(BatchInput(path: arg, name: (arg as NSString).lastPathComponent))
                continue
            }
            // A folder given through a symbolic link is listed where it really is: the
            // enumerator reports resolved paths, which must share the root's prefix.
            let root = URL(fileURLWithPath: arg, isDirectory: true).standardizedFileURL.resolvingSymlinksInPath()
            guard let walker = fm.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                             options: [.skipsHiddenFiles]) else {
                throw BatchError.unreadableInput("cannot list the folder \(arg)")
            }
            for case let url as URL in walker {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                      ImageFile.extensions[url.pathExtension.lowercased()] != nil else { continue }
                let full = url.standardizedFileURL.resolvingSymlinksInPath().path
                let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
                guard full.hasPrefix(prefix) else { continue }
                let relative = String(full.dropFirst(prefix.count))
                found.append(BatchInput(path: (arg as NSString).appendingPathComponent(relative), name: relative))
            }
        }
        guard !found.isEmpty else { throw BatchError.noInputs("no image files in \(arguments.joined(separator: " "))") }
        found.sort { $0.name < $1.name }
        for k in 1..<found.count where found[k].name == found[k - 1].name {
            throw BatchError.duplicateName(found[k].name, found[k - 1].path, found[k].path)
        }
        return found
    }
}
