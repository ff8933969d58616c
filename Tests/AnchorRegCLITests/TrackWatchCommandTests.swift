import Testing
import Foundation
import ArgumentParser
import AnchorImaging
import AnchorRegistration
@testable import AnchorRegCLI

@Suite(.serialized) struct TrackWatchCommandTests {
    func tempDir() -> String {
        NSTemporaryDirectory() + "anchorreg-track-test-\(UUID().uuidString)"
    }

    /// Every example of a command's help (continuation lines joined, a trailing comment
    /// dropped), as arguments after `anchorreg`.
    static func examples(_ command: any ParsableCommand.Type) -> [[String]] {
        HelpExamplesTests.examples(of: command).map { Array($0.shell.split(separator: " ").dropFirst().map(String.init)) }
    }

    @Test func trackHelpExamplesRunAndJSONIsTheContract() throws {
        let dir = tempDir()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let cwd = FileManager.default.currentDirectoryPath
        #expect(FileManager.default.changeCurrentDirectoryPath(dir))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(cwd) }
        let lines = Self.examples(TrackCommand.self)
        #expect(lines.count == 3)
        for args in lines.dropLast() {
            var cmd = try AnchorRegCommand.parseAsRoot(args)
            try cmd.run()
        }
        for name in TrackOutputs.names {
            #expect(FileManager.default.fileExists(atPath: dir + "/track6/" + name), "\(name) missing")
        }
        // The stack: one calibrated page per frame.
        let stack = try ImageFile.read(path: dir + "/track6/stack.tif")
        #expect(stack.metadata["tiff.pages"] == "5")
        #expect(try stack.defaultChannel().image.unit == .nanometre)
        // track.json writes every key of every frame, null where it does not apply (frame 0
        // has no drift yet).
        let raw = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/track6/track.json"))) as? [String: Any])
        let rawFrames = try #require(raw["frames"] as? [[String: Any]])
        let frameKeys: Set = ["index", "file", "time_s", "start_civil_s", "timing_source", "frame_time_s", "quality", "error",
                              "decomposition", "cell_offset", "cell_check", "lattice_position_nm", "lattice_sigma_nm", "drift_nm",
                              "drift_velocity_nm_per_s", "drift_velocity_sigma_nm_per_s", "in_frame_velocity_nm_per_s",
                              "forecast_next_drift_nm", "coded_halves"]
        for f in rawFrames { #expect(Set(f.keys) == frameKeys, "\(Set(f.keys).symmetricDifference(frameKeys))") }
        #expect(rawFrames[0]["drift_nm"] is NSNull && rawFrames[0]["error"] is NSNull)
        #expect(raw.keys.contains("stack"))
        // The --json example runs; the contract it prints, rebuilt from track.json's frames.
        var cmd = try AnchorRegCommand.parseAsRoot(lines.last!)
        try cmd.run()
        struct Full: Decodable { var frames: [TrackedFrame] }
        let full = try JSONDecoder().decode(Full.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/track6/track.json")))
        let contract = try JSONOutput.encode(TrackContract(frames: full.frames.map(TrackContract.Frame.init)))
        let obj = try #require(try JSONSerialization.jsonObject(with: contract) as? [String: Any])
        let frames = try #require(obj["frames"] as? [[String: Any]])
        #expect(frames.count == 5)
        let keys: Set = ["file", "time_s", "quality", "drift_nm", "drift_velocity_nm_per_s", "drift_velocity_sigma_nm_per_s",
                         "forecast_next_drift_nm", "cell_offset"]
        for f in frames { #expect(Set(f.keys) == keys) }
        #expect(frames[0]["drift_nm"] is NSNull)
        #expect(frames[0]["forecast_next_drift_nm"] is NSNull)
        #expect((frames[0]["cell_offset"] as? [Int]) == [0, 0])
        #expect((frames[1]["drift_nm"] as? [Double])?.count == 2)
        #expect(((frames[1]["quality"] as? [String: Any])?["status"] as? String) == "ok")
        // Refuses to overwrite.
        cmd = try AnchorRegCommand.parseAsRoot(lines[1])
        #expect(throws: CLIError.self) { try cmd.run() }
    }

    /// Good frames, a truncated frame and a text file in a folder: every good frame gives one
    /// ok line, every bad one an error line; a second run adds nothing; a new frame is taken.
    @Test func watchProcessesEachFrameOnceAndReportsBadFiles() throws {
        let dir = tempDir(), series = tempDir()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var cmd = try AnchorRegCommand.parseAsRoot(["synth", "si7x7", "--seed", "9", "--size", "192", "--fov-nm", "10",
                                                    "--series", "4", "--interval", "30", "--out", series])
        try cmd.run()
        for k in 0..<3 {
            try FileManager.default.copyItem(atPath: series + String(format: "/frame_%03d.tiff", k),
                                             toPath: dir + String(format: "/frame_%03d.tiff", k))
        }
        let whole = try Data(contentsOf: URL(fileURLWithPath: series + "/frame_003.tiff"))
        try whole.prefix(whole.count / 3).write(to: URL(fileURLWithPath: dir + "/truncated.tiff"))
        try Data("not an image\n".utf8).write(to: URL(fileURLWithPath: dir + "/notes.txt"))
        let log = tempDir() + ".jsonl"
        let args = ["watch", dir, "--model", "si111-7x7", "--log", log, "--settle", "0.1", "--poll", "0.05", "--idle-exit", "0.6"]
        cmd = try AnchorRegCommand.parseAsRoot(args)
        try cmd.run()
        func lines() throws -> [[String: Any]] {
            try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
                .map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        }
        var got = try lines()
        #expect(got.count == 5)
        let status = Dictionary(uniqueKeysWithValues: got.map { (($0["file"] as! NSString).lastPathComponent, $0["status"] as! String) })
        #expect(status == ["frame_000.tiff": "ok", "frame_001.tiff": "ok", "frame_002.tiff": "ok",
                           "truncated.tiff": "error", "notes.txt": "error"])
        #expect(got.filter { $0["status"] as? String == "error" }.allSatisfy { ($0["error"] as? [String: Any])?["type"] != nil })
        // Restart: nothing again; a new frame once, its cells in the same numbering.
        cmd = try AnchorRegCommand.parseAsRoot(args)
        try cmd.run()
        #expect(try lines().count == 5)
        try FileManager.default.copyItem(atPath: series + "/frame_003.tiff", toPath: dir + "/frame_003.tiff")
        cmd = try AnchorRegCommand.parseAsRoot(args)
        try cmd.run()
        got = try lines()
        #expect(got.count == 6)
        let last = try #require(got.last)
        #expect((last["file"] as? NSString)?.lastPathComponent == "frame_003.tiff" && last["status"] as? String == "ok")
        #expect((last["drift_nm"] as? [Double])?.count == 2)
        #expect(FileManager.default.fileExists(atPath: dir + "/.anchorreg-watch.json"))
    }
}
