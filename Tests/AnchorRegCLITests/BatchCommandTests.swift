import AnchorGeometry
import AnchorImaging
import AnchorRegistration
import Foundation
import TestData
import Testing
import ArgumentParser
@testable import AnchorRegCLI

/// Small synthetic Si(111)-7×7 frames with known content for the batch tests.
enum BatchTestFrames {
    static func tempDir(_ tag: String) throws -> URL {
        try TestData.temporaryDirectory(tag)
    }

    /// Runs `batch` with `--outputs outputs` on one frame in a new folder; returns the folder
    /// (for the caller to remove) and the frame's result folder.
    static func batchOfOne(_ tag: String, outputs: String) throws -> (dir: URL, frame: URL) {
        let dir = try tempDir(tag)
        let frames = dir.appendingPathComponent("frames")
        try FileManager.default.createDirectory(at: frames, withIntermediateDirectories: true)
        try write(count: 1, into: frames)
        let out = dir.appendingPathComponent("out")
        var cmd = try AnchorRegCommand.parseAsRoot(["batch", frames.path, "--model", "si111-7x7", "--out", out.path, "--outputs", outputs])
        try cmd.run()
        return (dir, out.appendingPathComponent("frames/frame-00.tif"))
    }

    /// `count` frames (different seeds, rotations, drifts) and one file that is not an image.
    static func write(count: Int, into dir: URL) throws {
        for k in 0..<count {
            var p = Si7x7SceneParameters(seed: UInt64(20 + k), size: 192, fieldOfView: 10.5, rotationDegrees: Double(3 * k),
                                         drift: Point2(0.2 * Double(k % 3), 0.1), defectFraction: 0.04, noise: 0.1)
            p.creepAmplitude = 0
            let scene = try Si7x7SceneGenerator().generate(p)
            try TIFFWriter.encode(scene.image).write(to: dir.appendingPathComponent(String(format: "frame-%02d.tif", k)))
        }
        try Data("not an image".utf8).write(to: dir.appendingPathComponent("broken.tif"))
    }

    /// The rows of a merged table without the timing columns.
    static func stableRows(_ csv: String) -> [String] {
        csv.split(separator: "\n").map { line in
            // No field of these tables before the timings holds a quoted comma except `message`,
            // which comes last among the stable columns: cut from the right.
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields.removeLast(BatchTable.columns.count - BatchTable.stableColumns)
            return fields.joined(separator: ",")
        }
    }
}

@Suite struct BatchCommandTests {
    func run(_ args: [String]) throws {
        var cmd = try AnchorRegCommand.parseAsRoot(args)
        try cmd.run()
    }

    func records(_ out: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let frames = out.appendingPathComponent("frames")
        for name in try FileManager.default.contentsOfDirectory(atPath: frames.path) {
            // result.json without its timings, and frame.json without its timings.
            let folder = frames.appendingPathComponent(name)
            var json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("frame.json"))) as! [String: Any]
            json["timings_ms"] = nil
            result[name + "/frame.json"] = try JSONSerialization.data(withJSONObject: json, options: .sortedKeys)
            let r = folder.appendingPathComponent("result.json")
            if FileManager.default.fileExists(atPath: r.path) {
                var rj = try JSONSerialization.jsonObject(with: Data(contentsOf: r)) as! [String: Any]
                rj["timings_ms"] = nil
                result[name + "/result.json"] = try JSONSerialization.data(withJSONObject: rj, options: .sortedKeys)
            }
        }
        return result
    }

    @Test func shardsAndThreadsGiveTheSameResultsAndABatchResumes() throws {
        let dir = try BatchTestFrames.tempDir("batch")
        let frames = dir.appendingPathComponent("frames")
        try FileManager.default.createDirectory(at: frames, withIntermediateDirectories: true)
        try BatchTestFrames.write(count: 4, into: frames)
        let one = dir.appendingPathComponent("one"), three = dir.appendingPathComponent("three")
        try run(["batch", frames.path, "--model", "si111-7x7", "--out", one.path, "--threads", "1", "--quiet"])
        for i in 0..<3 {
            try run(["batch", frames.path, "--model", "si111-7x7", "--out", three.path, "--shard", "\(i)/3", "--threads", "2", "--quiet"])
        }
        // Every frame has a record; the broken file is refused, the frames are registered.
        let a = try records(one), b = try records(three)
        #expect(a.keys.filter { $0.hasSuffix("frame.json") }.count == 5)
        #expect(a == b, "N = 1 with one thread and N = 3 with two give the same records and result.json")
        let m1 = dir.appendingPathComponent("t1.csv").path, m3 = dir.appendingPathComponent("t3.csv").path
        try run(["batch", "merge", one.path, "--out", m1])
        try run(["batch", "merge", three.path, "--out", m3])
        let t1 = try String(contentsOfFile: m1, encoding: .utf8), t3 = try String(contentsOfFile: m3, encoding: .utf8)
        #expect(BatchTestFrames.stableRows(t1) == BatchTestFrames.stableRows(t3))
        let rows = BatchTestFrames.stableRows(t1)
        #expect(rows.count == 6)
        #expect(rows[1].hasPrefix("broken.tif,refused,unreadable,"))
        for row in rows.dropFirst(2) { #expect(row.contains(",ok,,"), "\(row)") }
        // Each shard's manifest lists its inputs with their hashes and the options.
        let manifest = try JSONDecoder().decode(BatchManifest.self, from: Data(contentsOf: three.appendingPathComponent("manifests/shard-1-of-3.json")))
        #expect(manifest.inputs.map(\.file) == ["frame-00.tif", "frame-03.tif"])
        #expect(manifest.inputs.allSatisfy { $0.sha256.count == 64 && $0.state == "done" })
        #expect(manifest.options.contains("model=si111-7x7") && manifest.version == AnchorRegVersion.string)

        // Resume: everything is skipped; a changed file and a frame cut off mid-way are redone.
        let recordPath = one.appendingPathComponent("frames/frame-01.tif/frame.json")
        let before = try Data(contentsOf: recordPath)
        try FileManager.default.removeItem(at: one.appendingPathComponent("frames/frame-02.tif/frame.json"))
        try FileManager.default.copyItem(at: frames.appendingPathComponent("frame-00.tif"), to: frames.appendingPathComponent("copy.tif"))
        try Data("still not an image".utf8).write(to: frames.appendingPathComponent("broken.tif"))
        try run(["batch", frames.path, "--model", "si111-7x7", "--out", one.path, "--quiet"])
        let again = try JSONDecoder().decode(BatchManifest.self, from: Data(contentsOf: one.appendingPathComponent("manifests/shard-0-of-1.json")))
        let states = Dictionary(uniqueKeysWithValues: again.inputs.map { ($0.file, $0.state) })
        #expect(states == ["broken.tif": "done", "copy.tif": "done", "frame-00.tif": "skipped", "frame-01.tif": "skipped",
                           "frame-02.tif": "done", "frame-03.tif": "skipped"])
        #expect(try Data(contentsOf: recordPath) == before, "a skipped frame's record is untouched")

        // Shards run with other options are not merged with these.
        let other = dir.appendingPathComponent("other")
        try run(["batch", frames.appendingPathComponent("frame-00.tif").path, "--model", "si111-7x7", "--out", other.path,
                 "--no-level", "--quiet"])
        #expect(throws: BatchError.self) { try run(["batch", "merge", one.path, other.path, "--out", dir.appendingPathComponent("x.csv").path]) }
        // The table is not overwritten without --force.
        #expect(throws: CLIError.self) { try run(["batch", "merge", one.path, "--out", m1]) }
    }

    @Test func badArgumentsAreRefusedBeforeAnyWork() throws {
        #expect(throws: (any Error).self) { try AnchorRegCommand.parseAsRoot(["batch", "x", "--model", "si111-7x7", "--out", "o", "--shard", "3/3"]) }
        #expect(throws: (any Error).self) { try AnchorRegCommand.parseAsRoot(["batch", "x", "--model", "si111-7x7", "--out", "o", "--outputs", "pdf"]) }
        #expect(throws: (any Error).self) { try AnchorRegCommand.parseAsRoot(["batch", "--model", "si111-7x7", "--out", "o"]) }
        #expect(throws: (any Error).self) { try AnchorRegCommand.parseAsRoot(["batch", "merge", "--out", "t.csv"]) }
        let missing = try AnchorRegCommand.parseAsRoot(["batch", "/nonexistent/frames", "--model", "si111-7x7", "--out", "/tmp/none"])
        var cmd = missing
        #expect(throws: BatchError.self) { try cmd.run() }
    }
}

@Suite struct BatchHelpTests {
    @Test func helpExamplesRun() throws {
        let dir = try BatchTestFrames.tempDir("batch-help")
        let frames = dir.appendingPathComponent("frames")
        try FileManager.default.createDirectory(at: frames, withIntermediateDirectories: true)
        try BatchTestFrames.write(count: 2, into: frames)
        let examples = HelpExamplesTests.examples(of: BatchCommand.self).map(\.shell)
        #expect(examples.count == 4)
        for line in examples {
            let words = line.split(separator: " ").dropFirst().map(String.init)
            var args: [String] = []
            for (k, w) in words.enumerated() {
                let isPath = w.hasPrefix("frames") || (k > 0 && words[k - 1] == "--out") || w == "results"
                args.append(isPath ? dir.appendingPathComponent(w).path : w)
            }
            var cmd = try AnchorRegCommand.parseAsRoot(args)
            try cmd.run()
        }
        let table = try String(contentsOf: dir.appendingPathComponent("table.csv"), encoding: .utf8)
        #expect(table.split(separator: "\n").count == 4, "header, broken.tif and two frames")
        for name in ["result.json", "sites.csv", "cells.csv", "corrected.png", "overlay.png", "frame.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("some/frames/frame-00.tif/\(name)").path), "\(name)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("some/frames/frame-00.tif/report.html").path))
    }

    /// `--outputs gwy` gives each frame a corrected.gwy in SI base units, titled by the frame.
    @Test func batchWritesGwyddionFilesWithUnits() throws {
        let (dir, folder) = try BatchTestFrames.batchOfOne("batch-gwy", outputs: "json,gwy,gsf")
        defer { try? FileManager.default.removeItem(at: dir) }
        let gwy = try ImageFile.read(path: folder.appendingPathComponent("corrected.gwy").path)
        #expect(gwy.channels[0].name == "frame-00.tif — gray" && gwy.channels[0].image.valueUnit == "m")
        let gsf = try ImageFile.read(path: folder.appendingPathComponent("corrected.gsf").path)
        #expect(gsf.metadata["ZUnits"] == "nm")
    }
}
