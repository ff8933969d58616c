import Foundation
import Testing
@testable import AnchorRegCLI

/// Issue 12: `--outputs` on track and match, `--json` alone writing nothing, and every command
/// that writes files refusing an existing output before any work, leaving nothing partial.
///
/// "Before any work" is shown by giving an input that cannot be read: a command that read it
/// first would fail with the input's error, not with the output's.
@Suite(.serialized) struct OutputClaimCommandTests {
    func files(_ dir: URL) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
    }

    func run(_ args: [String]) throws {
        var cmd = try AnchorRegCommand.parseAsRoot(args)
        try cmd.run()
    }

    /// Runs `args` expecting a `CLIError.output` whose text contains `naming`.
    func refused(_ args: [String], naming: String) {
        do {
            try run(args)
            Issue.record("\(args.joined(separator: " ")) was not refused")
        } catch let error as CLIError {
            guard case .output(let text) = error else { Issue.record("not an output error: \(error)"); return }
            #expect(text.contains(naming), "\(text)")
        } catch {
            Issue.record("refused by \(error), not by the output check")
        }
    }

    @Test func trackWritesTheSelectedKindsAndRefusesBeforeReadingFrames() throws {
        let dir = try BatchTestFrames.tempDir("claim-track")
        let series = dir.appendingPathComponent("series").path
        try run(["synth", "si7x7", "--seed", "9", "--size", "192", "--fov-nm", "10", "--series", "3", "--interval", "30",
                 "--out", series])
        #expect(!files(URL(fileURLWithPath: series)).contains(OutputFiles.lockName), "the lock is removed")
        let some = dir.appendingPathComponent("some")
        try run(["track", series, "--model", "si111-7x7", "--out", some.path, "--outputs", "csv,json"])
        #expect(files(some) == ["track.csv", "track.json"])
        // --json alone writes no file, even with --out.
        let none = dir.appendingPathComponent("none")
        try run(["track", series, "--model", "si111-7x7", "--out", none.path, "--json"])
        #expect(!FileManager.default.fileExists(atPath: none.path))
        // A kind track does not write is refused, as is --outputs without --out.
        #expect(throws: (any Error).self) { try AnchorRegCommand.parseAsRoot(["track", series, "--model", "si111-7x7", "--out", "x", "--outputs", "png"]) }
        #expect(throws: (any Error).self) { try AnchorRegCommand.parseAsRoot(["track", series, "--model", "si111-7x7", "--json", "--outputs", "csv"]) }
        // An existing track.csv refuses the run before an unreadable frame is read; nothing else appears.
        let bad = dir.appendingPathComponent("bad")
        try FileManager.default.createDirectory(at: bad, withIntermediateDirectories: true)
        try Data("not an image".utf8).write(to: bad.appendingPathComponent("frame.tif"))
        refused(["track", bad.path, "--model", "si111-7x7", "--out", some.path], naming: "track.csv")
        #expect(files(some) == ["track.csv", "track.json"])
        // A run that fails (the frame is unreadable) leaves no folder behind.
        let failed = dir.appendingPathComponent("failed")
        #expect(throws: (any Error).self) { try run(["track", bad.path, "--model", "si111-7x7", "--out", failed.path]) }
        #expect(!FileManager.default.fileExists(atPath: failed.path))
    }

    @Test func matchWritesMatchJSONOnlyWhenAskedAndRefusesBeforeReading() throws {
        let dir = try BatchTestFrames.tempDir("claim-match")
        try BatchTestFrames.write(count: 1, into: dir)
        let a = dir.appendingPathComponent("frame-00.tif").path
        let out = dir.appendingPathComponent("m")
        try run(["match", a, a, "--model", "si111-7x7", "--out", out.path, "--json"])
        #expect(!FileManager.default.fileExists(atPath: out.path), "--json alone writes nothing")
        try run(["match", a, a, "--model", "si111-7x7", "--out", out.path, "--json", "--outputs", "json"])
        #expect(files(out) == ["match.json"])
        let broken = dir.appendingPathComponent("broken.tif").path
        refused(["match", broken, broken, "--model", "si111-7x7", "--out", out.path], naming: "match.json")
        #expect(throws: (any Error).self) { try AnchorRegCommand.parseAsRoot(["match", a, a, "--model", "si111-7x7", "--outputs", "csv", "--out", "x"]) }
    }

    @Test func detectAndConvertCheckTheirPathsBeforeReading() throws {
        let dir = try BatchTestFrames.tempDir("claim-paths")
        try BatchTestFrames.write(count: 1, into: dir)
        let broken = dir.appendingPathComponent("broken.tif").path
        let csv = dir.appendingPathComponent("points.csv").path
        let overlay = dir.appendingPathComponent("overlay.png").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: overlay))
        refused(["detect", broken, "--csv", csv, "--overlay", overlay], naming: "overlay.png")
        #expect(!FileManager.default.fileExists(atPath: csv), "nothing partial: the CSV is not written either")
        refused(["detect", broken, "--csv", csv, "--overlay", csv], naming: "two outputs")
        // Both written together when both are free.
        let frame = dir.appendingPathComponent("frame-00.tif").path
        try run(["detect", frame, "--csv", csv, "--overlay", overlay, "--force"])
        #expect(try String(contentsOfFile: csv, encoding: .utf8).hasPrefix("x_px,y_px,"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: overlay)).prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        // convert: a missing folder and an existing OUT are refused before the input is read.
        refused(["convert", broken, dir.appendingPathComponent("no/such/folder/z.tif").path], naming: "does not exist")
        refused(["convert", broken, overlay], naming: "exists")
    }

    @Test func demoAndSynthRefuseAnExistingFileBeforeGenerating() throws {
        let dir = try BatchTestFrames.tempDir("claim-synth")
        let demo = dir.appendingPathComponent("demo")
        try FileManager.default.createDirectory(at: demo, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: demo.appendingPathComponent("report.html"))
        refused(["demo", "--size", "128", "--out", demo.path], naming: "report.html")
        #expect(files(demo) == ["report.html"], "input.tif and truth.json are not written first")

        let single = dir.appendingPathComponent("single")
        try FileManager.default.createDirectory(at: single, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: single.appendingPathComponent("truth.json"))
        refused(["synth", "si7x7", "--seed", "1", "--size", "128", "--out", single.path], naming: "truth.json")
        #expect(files(single) == ["truth.json"])

        let series = dir.appendingPathComponent("series")
        try FileManager.default.createDirectory(at: series, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: series.appendingPathComponent("series.json"))
        refused(["synth", "si7x7", "--seed", "1", "--size", "128", "--series", "3", "--out", series.path], naming: "series.json")
        #expect(files(series) == ["series.json"], "no frame is written before the check")

        let om = dir.appendingPathComponent("om")
        try FileManager.default.createDirectory(at: om, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: om.appendingPathComponent("device.json"))
        refused(["synth", "om-pair", "--seed", "1", "--size", "200x150", "--out", om.path], naming: "device.json")
        #expect(files(om) == ["device.json"])
    }

    /// The mechanism itself: staged files appear only on commit; a failing body leaves no
    /// file and removes the folder it made.
    @Test func aFailedTransactionWritesNothing() throws {
        struct Failure: Error {}
        let dir = try BatchTestFrames.tempDir("claim-stage").appendingPathComponent("new")
        let files = OutputFiles(directory: dir.path, force: false)
        #expect(throws: Failure.self) {
            try files.transaction(["a.txt", "b.txt"]) { stage in
                try stage.write(text: "a", to: "a.txt")
                #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("a.txt").path))
                throw Failure()
            }
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path))
        let written = try files.transaction(["a.txt", "b.txt"]) { stage in
            try stage.write(text: "a", to: "a.txt")
            try stage.write(text: "b", to: "b.txt")
        }.written
        #expect(written.map { ($0 as NSString).lastPathComponent } == ["a.txt", "b.txt"])
        #expect(self.files(dir) == ["a.txt", "b.txt"])
    }

    /// A file streamed into the stage (`open`) appears only on commit, whole; a body that
    /// fails part way through leaves neither it nor its temporary.
    @Test func aStreamedFileAppearsOnlyOnCommit() throws {
        struct Failure: Error {}
        let dir = try BatchTestFrames.tempDir("claim-stream")
        let files = OutputFiles(directory: dir.path, force: false)
        let bytes: [UInt8] = Array(repeating: 7, count: 100_000)
        #expect(throws: Failure.self) {
            try files.transaction(["big.bin"]) { stage in
                let stream = try stage.open("big.bin")
                try bytes.withUnsafeBytes { try stream.write($0) }
                throw Failure()
            }
        }
        #expect(self.files(dir).isEmpty, "\(self.files(dir))")
        try files.transaction(["big.bin", "small.txt"]) { stage in
            let stream = try stage.open("big.bin")
            try bytes.withUnsafeBytes { try stream.write($0) }
            try bytes.withUnsafeBytes { try stream.write($0) }
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("big.bin").path))
            try stage.write(text: "s", to: "small.txt")
        }
        #expect(self.files(dir) == ["big.bin", "small.txt"])
        #expect(try Data(contentsOf: dir.appendingPathComponent("big.bin")) == Data(bytes + bytes))
    }
}
