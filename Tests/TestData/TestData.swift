import Foundation

/// The one way tests find the shared data: `../shared` beside the package (the checkout's
/// sibling folder holding `data/real`, `data/formats`, the paper…), or `$ANCHORREG_SHARED`.
///
/// A missing file is an error naming the path that was looked for, so a test that needs data
/// fails with a clear message instead of passing silently (issue 14).
public enum TestData {
    /// A file a test needs is not there.
    public struct Missing: Error, CustomStringConvertible {
        public let path: String
        public var description: String {
            "test data missing: \(path) — the tests expect the shared folder beside the package " +
            "(../shared, see shared/data/real/SOURCES.md) or ANCHORREG_SHARED=<folder>"
        }
    }

    /// The package root: this file is `<package>/Tests/TestData/TestData.swift`.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared` beside the package, or `$ANCHORREG_SHARED` when set.
    public static let shared: URL = {
        if let env = ProcessInfo.processInfo.environment["ANCHORREG_SHARED"], !env.isEmpty {
            return URL(fileURLWithPath: env, isDirectory: true).standardized
        }
        return packageRoot.appendingPathComponent("../shared", isDirectory: true).standardized
    }()

    /// Path of `shared/<relative>`; throws `Missing` when no such file or folder exists.
    public static func path(_ relative: String) throws -> String {
        let p = shared.appendingPathComponent(relative).path
        guard FileManager.default.fileExists(atPath: p) else { throw Missing(path: p) }
        return p
    }

    /// Path of `shared/data/real/<relative>` (the real microscopy files); throws `Missing`.
    public static func realPath(_ relative: String) throws -> String {
        try path("data/real/" + relative)
    }

    /// Contents of `shared/data/real/<relative>`; throws `Missing`.
    public static func realData(_ relative: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: realPath(relative)))
    }
}

extension TestData {
    /// Path of `shared/data/formats/<relative>` (files written by instrument software, one
    /// folder per format); throws `Missing`.
    public static func formatsPath(_ relative: String) throws -> String {
        try path("data/formats/" + relative)
    }

    /// Contents of `shared/data/formats/<relative>`; throws `Missing`.
    public static func formatsData(_ relative: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: formatsPath(relative)))
    }

    /// A new, empty folder for one test's files under the system's temporary directory,
    /// named `anchorreg-<tag>-<UUID>` so that parallel tests never share one.
    public static func temporaryDirectory(_ tag: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("anchorreg-\(tag)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
