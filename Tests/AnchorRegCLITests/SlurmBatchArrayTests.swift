import AnchorRegistration
import Foundation
#if canImport(Glibc)
import Glibc
#endif
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

    /// Runs `args` (through `/usr/bin/env`) with standard input from /dev/null and its output
    /// in temporary files, and waits for it with `waitpid`, at most `limit` seconds.
    ///
    /// Not Foundation's `Process`: the start script leaves daemons (munged, slurmctld,
    /// slurmd) running that inherit the script's standard output and error, and
    /// `Process.waitUntilExit` was seen to wait forever on such a child. Files instead of
    /// pipes, and a wait on the child's own pid, end when the child ends.
    static func sh(_ args: [String], environment: [String: String] = [:], limit: Double = 600) throws -> Output {
        let tmp = FileManager.default.temporaryDirectory
        let outURL = tmp.appendingPathComponent("slurm-test-\(UUID().uuidString).out")
        let errURL = tmp.appendingPathComponent("slurm-test-\(UUID().uuidString).err")
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        func quote(_ a: String) -> String { "'" + a.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let command = (["/usr/bin/env"] + args).map(quote).joined(separator: " ")
            + " </dev/null >" + quote(outURL.path) + " 2>" + quote(errURL.path)
        let env = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }.map { "\($0)=\($1)" }
        let argv = ["/bin/sh", "-c", command]
        var cArgs = argv.map { strdup($0) } + [nil]
        var cEnv = env.map { strdup($0) } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, &cArgs, &cEnv)
        guard spawned == 0 else { throw CLIError.input("cannot start \(args.joined(separator: " ")): error \(spawned)") }
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(limit)
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { throw CLIError.input("waitpid failed for \(args.joined(separator: " "))") }
            if Date() > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw CLIError.input("\(args.joined(separator: " ")) ran past \(Int(limit)) s and was stopped")
            }
            usleep(50_000)
        }
        // WIFEXITED / WEXITSTATUS, spelled out (the C macros are not imported).
        let exited = status & 0x7f == 0
        let code: Int32 = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let o = (try? Data(contentsOf: outURL)) ?? Data(), e = (try? Data(contentsOf: errURL)) ?? Data()
        return Output(status: code, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
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
