import AnchorRegistration
import Foundation
import Testing
@testable import AnchorRegCLI

/// A real single-node Slurm (Debian's slurmctld, slurmd and munge, started and if need be
/// installed by scripts/slurm/start-single-node.sh; root only) runs
/// scripts/slurm/batch-array.sbatch as a 3-task job array; its merged table must equal the
/// table of one local process. Where Slurm cannot start, the test says so and fails.
@Suite(.serialized) struct SlurmBatchArrayTests {
    /// The package root (this file is Tests/AnchorRegCLITests/…).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `anchorreg` executable built beside the test bundle.
    static func executable() -> URL? {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidates = [beside.appendingPathComponent("anchorreg"),
                          beside.deletingLastPathComponent().appendingPathComponent("anchorreg")]
        candidates.append(root.appendingPathComponent(".build/debug/anchorreg"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    struct Output { let status: Int32; let out: String; let err: String }

    static func sh(_ args: [String], environment: [String: String] = [:]) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read before waiting so a full pipe cannot stall the child.
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    @Test func threeTaskArrayGivesTheTableOfOneLocalProcess() throws {
        guard let anchorreg = Self.executable() else {
            Issue.record("the anchorreg executable is not built beside the tests (swift build --build-tests builds it)")
            return
        }
        let start = try Self.sh(["bash", Self.root.appendingPathComponent("scripts/slurm/start-single-node.sh").path])
        guard start.status == 0 else {
            Issue.record("Slurm could not start, so the job-array test cannot run: \(start.err)")
            return
        }
        let dir = try BatchTestFrames.tempDir("slurm")
        let frames = dir.appendingPathComponent("frames")
        try FileManager.default.createDirectory(at: frames, withIntermediateDirectories: true)
        try BatchTestFrames.write(count: 5, into: frames)
        let local = dir.appendingPathComponent("local"), array = dir.appendingPathComponent("array")

        let one = try Self.sh([anchorreg.path, "batch", frames.path, "--model", "si111-7x7", "--out", local.path, "--quiet"])
        try #require(one.status == 0, "local batch failed: \(one.err)")

        let submit = try Self.sh(["sbatch", "--parsable", "--array=0-2", "--chdir=\(dir.path)",
                                  "--output=\(dir.path)/slurm-%A_%a.log",
                                  Self.root.appendingPathComponent("scripts/slurm/batch-array.sbatch").path,
                                  frames.path, "--model", "si111-7x7", "--out", array.path],
                                 environment: ["ANCHORREG": anchorreg.path])
        try #require(submit.status == 0, "sbatch failed: \(submit.err)")
        let job = submit.out.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
        // Poll until the array has left the queue (a loaded machine can take minutes).
        let deadline = Date().addingTimeInterval(900)
        while Date() < deadline {
            let q = try Self.sh(["squeue", "-h", "-j", job])
            if q.status == 0 && q.out.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { break }
            // Once purged from the controller, squeue calls the job id invalid: it is done too.
            if q.status != 0 && q.err.contains("Invalid job id") { break }
            Thread.sleep(forTimeInterval: 0.5)
        }
        let logs = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasPrefix("slurm-") }
        #expect(logs.count == 3, "one log per array task, found \(logs)")
        for i in 0..<3 {
            let manifest = array.appendingPathComponent("manifests/shard-\(i)-of-3.json")
            let log = logs.sorted().compactMap { try? String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8) }.joined()
            try #require(FileManager.default.fileExists(atPath: manifest.path), "task \(i) wrote no manifest; logs:\n\(log)")
        }
        let merged = dir.appendingPathComponent("array.csv"), single = dir.appendingPathComponent("local.csv")
        for (folder, table) in [(array, merged), (local, single)] {
            let m = try Self.sh([anchorreg.path, "batch", "merge", folder.path, "--out", table.path])
            try #require(m.status == 0, "merge failed: \(m.err)")
        }
        let a = BatchTestFrames.stableRows(try String(contentsOf: merged, encoding: .utf8))
        let b = BatchTestFrames.stableRows(try String(contentsOf: single, encoding: .utf8))
        #expect(a.count == 7, "header and six frames")
        #expect(a == b, "the 3-task array's table equals the local one (timings aside)")
        #expect(a.filter { $0.contains(",ok,") }.count == 5)
    }
}
