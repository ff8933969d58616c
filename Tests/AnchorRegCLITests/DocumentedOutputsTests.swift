import Foundation
import TestData
import Testing
@testable import AnchorRegCLI
import AnchorRegistration

/// docs/outputs.md lists every key of result.json and evaluation.json and every column of
/// the CSV files. These tests run the real commands on a synthetic frame and compare what
/// they write with the document, both ways: a key written but not documented fails, and so
/// does a documented key that is no longer written.
@Suite struct DocumentedOutputsTests {
    /// The names in the first column of each table of docs/outputs.md, by the first word of
    /// the section heading ("result.json", "sites.csv", "detect", …), in order.
    static func documented() throws -> [String: [String]] {
        let text = try String(contentsOf: TestData.packageRoot.appendingPathComponent("docs/outputs.md"), encoding: .utf8)
        var sections: [String: [String]] = [:]
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") {
                current = line.dropFirst(3).split(separator: " ").first.map(String.init)
            } else if let current, line.hasPrefix("| `"), let end = line.dropFirst(3).firstIndex(of: "`") {
                sections[current, default: []].append(String(line[line.index(line.startIndex, offsetBy: 3)..<end]))
            }
        }
        return sections
    }

    /// Key paths of a JSON value: object members joined by ".", array elements as "[]"
    /// (the union over all elements); a path documented as a map (`path.*`) is not entered.
    /// `unobserved` collects paths whose value is null or an empty array, whose members this
    /// file cannot show.
    static func paths(_ value: Any, _ prefix: String, maps: Set<String>, into out: inout Set<String>, unobserved: inout Set<String>) {
        if let object = value as? [String: Any] {
            for (key, member) in object {
                let path = prefix.isEmpty ? key : prefix + "." + key
                out.insert(path)
                if member is NSNull { unobserved.insert(path) }
                if maps.contains(path) {
                    if member is [String: Any] { out.insert(path + ".*") }
                    continue
                }
                paths(member, path, maps: maps, into: &out, unobserved: &unobserved)
            }
        } else if let array = value as? [Any] {
            if array.isEmpty { unobserved.insert(prefix) }
            for element in array where element is [String: Any] {
                paths(element, prefix + "[]", maps: maps, into: &out, unobserved: &unobserved)
            }
        }
    }

    /// Compares the keys of a JSON file with its documented keys, both ways.
    static func compare(json url: URL, documented: [String], file: String) throws {
        compare(values: [try JSONSerialization.jsonObject(with: Data(contentsOf: url))], documented: documented, file: file)
    }

    /// The same over several JSON values of one kind (e.g. the lines of a log): the union of
    /// their keys against the document.
    static func compare(values: [Any], documented: [String], file: String) {
        let doc = Set(documented)
        let maps = Set(doc.filter { $0.hasSuffix(".*") }.map { String($0.dropLast(2)) })
        var written = Set<String>(), unobserved = Set<String>()
        for value in values { paths(value, "", maps: maps, into: &written, unobserved: &unobserved) }
        // A key seen null in one value and filled in another was observed.
        unobserved = unobserved.filter { key in !written.contains { $0.hasPrefix(key + ".") || $0.hasPrefix(key + "[]") } }
        let undocumented = written.subtracting(doc)
        #expect(undocumented.isEmpty, "\(file) writes keys docs/outputs.md does not list: \(undocumented.sorted())")
        // A documented key must be written, unless it lies under a null or empty value.
        let missing = doc.subtracting(written).filter { key in
            !unobserved.contains { key.hasPrefix($0 + ".") || key.hasPrefix($0 + "[]") }
        }
        #expect(missing.isEmpty, "docs/outputs.md lists keys \(file) no longer writes: \(missing.sorted())")
        #expect(documented.count == doc.count, "docs/outputs.md lists a key of \(file) twice")
    }

    /// The verdict's evidence keys (`quality.evidence.*`, documented in docs/registration.md's
    /// evidence table, several names to a row) against those a registration writes, both ways.
    static func compareEvidence(result url: URL) throws {
        let text = try String(contentsOf: TestData.packageRoot.appendingPathComponent("docs/registration.md"), encoding: .utf8)
        var documented = Set<String>(), inTable = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("| evidence key |") { inTable = true; continue }
            guard inTable else { continue }
            guard line.hasPrefix("|") else { if !documented.isEmpty { break }; continue }
            let first = line.split(separator: "|", omittingEmptySubsequences: true).first ?? ""
            for (k, part) in first.split(separator: "`", omittingEmptySubsequences: false).enumerated() where k % 2 == 1 {
                documented.insert(String(part))
            }
        }
        #expect(documented.count >= 15, "the evidence table of docs/registration.md was not found")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let evidence = try #require((json["quality"] as? [String: Any])?["evidence"] as? [String: Any])
        let written = Set(evidence.keys)
        #expect(written.subtracting(documented).isEmpty,
                "evidence keys docs/registration.md does not list: \(written.subtracting(documented).sorted())")
        #expect(documented.subtracting(written).isEmpty,
                "evidence keys docs/registration.md lists but a calibrated frame does not write: \(documented.subtracting(written).sorted())")
    }

    static func header(_ url: URL) throws -> [String] {
        let text = try String(contentsOf: url, encoding: .utf8)
        let first = text.split(separator: "\n").first { !$0.hasPrefix("#") } ?? ""
        return first.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func locateAndDetectWriteTheDocumentedKeysAndColumns() throws {
        let doc = try Self.documented()
        let dir = try BatchTestFrames.tempDir("documented")
        defer { try? FileManager.default.removeItem(at: dir) }
        try BatchTestFrames.write(count: 1, into: dir)
        let input = dir.appendingPathComponent("frame-00.tif").path
        let out = dir.appendingPathComponent("locate")
        var cmd = try AnchorRegCommand.parseAsRoot(["locate", input, "--model", "si111-7x7", "--out", out.path, "--outputs", "json,csv"])
        try cmd.run()

        try Self.compare(json: out.appendingPathComponent("result.json"), documented: try #require(doc["result.json"]), file: "result.json")
        try Self.compareEvidence(result: out.appendingPathComponent("result.json"))
        #expect(try Self.header(out.appendingPathComponent("sites.csv")) == doc["sites.csv"])
        #expect(try Self.header(out.appendingPathComponent("cells.csv")) == doc["cells.csv"])

        let csv = dir.appendingPathComponent("points.csv").path
        cmd = try AnchorRegCommand.parseAsRoot(["detect", input, "--csv", csv])
        try cmd.run()
        #expect(try Self.header(URL(fileURLWithPath: csv)) == doc["detect"])
    }

    @Test func demoWritesTheDocumentedEvaluation() throws {
        let doc = try Self.documented()
        let dir = try BatchTestFrames.tempDir("documented-demo")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("demo")
        var cmd = try AnchorRegCommand.parseAsRoot(["demo", "--out", out.path, "--size", "256"])
        try cmd.run()
        try Self.compare(json: out.appendingPathComponent("evaluation.json"), documented: try #require(doc["evaluation.json"]),
                         file: "evaluation.json")
        // The demo's result.json is the frame report: the same documented keys.
        try Self.compare(json: out.appendingPathComponent("result.json"), documented: try #require(doc["result.json"]), file: "demo result.json")
    }

    @Test func alignWritesTheDocumentedKeys() throws {
        let doc = try Self.documented()
        let dir = try BatchTestFrames.tempDir("documented-align")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pair = dir.appendingPathComponent("pair").path
        var cmd = try AnchorRegCommand.parseAsRoot(["synth", "om-pair", "--seed", "5", "--size", "400x300", "--truth-grid", "128", "--out", pair])
        try cmd.run()
        let out = dir.appendingPathComponent("run")
        cmd = try AnchorRegCommand.parseAsRoot(["align", pair + "/before.png", pair + "/after.png", "--model", pair + "/device.json",
                                                "--region", "active", "--profile", "0,20,40,20", "--out", out.path, "--outputs", "json,csv"])
        try cmd.run()
        try Self.compare(json: out.appendingPathComponent("result.json"), documented: try #require(doc["align/result.json"]),
                         file: "align result.json")
        // profiles.csv: a comment line, then distance/x/y in the model unit and one column per frame.
        #expect(try Self.header(out.appendingPathComponent("profiles.csv")) == ["distance_um", "x_um", "y_um", "\"before.png\"", "\"after.png\""])
    }

    @Test func validateWritesTheDocumentedConditions() throws {
        let doc = try Self.documented()
        let dir = try BatchTestFrames.tempDir("documented-validate")
        defer { try? FileManager.default.removeItem(at: dir) }
        var cmd = try AnchorRegCommand.parseAsRoot(["validate", "--points", "4", "--noise", "0", "--samples", "5", "--out", dir.path + "/v"])
        try cmd.run()
        #expect(try Self.header(dir.appendingPathComponent("v/conditions.csv")) == doc["conditions.csv"])
    }

    @Test func batchWritesTheDocumentedRecords() throws {
        let doc = try Self.documented()
        let (dir, done) = try BatchTestFrames.batchOfOne("documented-batch", outputs: "json")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.compare(json: done.appendingPathComponent("frame.json"), documented: try #require(doc["frame.json"]), file: "frame.json")
        try Self.compare(json: done.appendingPathComponent("result.json"), documented: try #require(doc["result.json"]), file: "batch result.json")
        // The refused file's record has every key too, null where nothing was measured.
        let refused = try JSONSerialization.jsonObject(with: Data(contentsOf: done.deletingLastPathComponent().appendingPathComponent("broken.tif/frame.json"))) as! [String: Any]
        for key in ["anchors", "inliers", "pixel_size", "unit", "rotation_deg", "spread", "defects"] {
            #expect(refused[key] is NSNull, "\(key) of a refused frame")
        }
        #expect(Set(refused.keys) == Set(try #require(doc["frame.json"]).filter { !$0.contains(".") }))
        // A record written before these keys were always present still reads.
        var old = refused
        for key in ["anchors", "inliers", "pixel_size", "unit", "rotation_deg", "spread", "defects"] { old[key] = nil }
        let record = try JSONDecoder().decode(BatchFrameRecord.self, from: JSONSerialization.data(withJSONObject: old))
        #expect(record.anchors == nil && record.unit == nil && record.status == .refused)
    }

    /// track.json (with the stack), the `track --json` contract and watch's JSON lines (ok
    /// and error), from real runs on a synthetic series.
    @Test func trackAndWatchWriteTheDocumentedKeys() throws {
        let doc = try Self.documented()
        let dir = try BatchTestFrames.tempDir("documented-track")
        defer { try? FileManager.default.removeItem(at: dir) }
        let series = dir.appendingPathComponent("series").path
        var cmd = try AnchorRegCommand.parseAsRoot(["synth", "si7x7", "--seed", "9", "--size", "192", "--fov-nm", "10",
                                                    "--series", "3", "--interval", "30", "--out", series])
        try cmd.run()
        let out = dir.appendingPathComponent("track")
        cmd = try AnchorRegCommand.parseAsRoot(["track", series, "--model", "si111-7x7", "--out", out.path, "--outputs", "json,tiff"])
        try cmd.run()
        let trackJSON = out.appendingPathComponent("track.json")
        try Self.compare(json: trackJSON, documented: try #require(doc["track.json"]), file: "track.json")
        // `track --json` prints `TrackContract` of the same frames through `JSONOutput`.
        struct Full: Decodable { var frames: [TrackedFrame] }
        let frames = try JSONDecoder().decode(Full.self, from: Data(contentsOf: trackJSON)).frames
        #expect(frames.count == 3)
        let contract = try JSONOutput.encode(TrackContract(frames: frames.map(TrackContract.Frame.init)))
        Self.compare(values: [try JSONSerialization.jsonObject(with: contract)], documented: try #require(doc["track-contract"]),
                     file: "track --json")
        // watch: two frames and a truncated one give ok and error lines.
        let watched = dir.appendingPathComponent("watched").path
        try FileManager.default.createDirectory(atPath: watched, withIntermediateDirectories: true)
        for k in 0..<2 {
            try FileManager.default.copyItem(atPath: series + String(format: "/frame_%03d.tiff", k), toPath: watched + String(format: "/frame_%03d.tiff", k))
        }
        let whole = try Data(contentsOf: URL(fileURLWithPath: series + "/frame_002.tiff"))
        try whole.prefix(whole.count / 3).write(to: URL(fileURLWithPath: watched + "/truncated.tiff"))
        let log = dir.appendingPathComponent("watch.jsonl").path
        cmd = try AnchorRegCommand.parseAsRoot(["watch", watched, "--model", "si111-7x7", "--log", log, "--settle", "0.1",
                                                "--poll", "0.05", "--idle-exit", "0.6"])
        try cmd.run()
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) }
        let status = lines.compactMap { ($0 as? [String: Any])?["status"] as? String }
        #expect(status.sorted() == ["error", "ok", "ok"])
        Self.compare(values: lines, documented: try #require(doc["watch"]), file: "watch lines")
    }

    /// Tables whose header is fixed in code: compared with the code's own header line.
    @Test func fixedTablesMatchTheDocument() throws {
        let doc = try Self.documented()
        #expect(TrackOutputs.csv([]).split(separator: "\n").first.map { $0.split(separator: ",").map(String.init) } == doc["track.csv"])
        #expect(BatchTable.columns == doc["batch-merge.csv"])
    }

    /// The comparison itself: a key added on either side is reported.
    @Test func comparisonSeesBothDirections() throws {
        let dir = try BatchTestFrames.tempDir("documented-self")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("x.json")
        try Data(#"{"a": 1, "b": {"c": null}, "d": [{"e": 2}], "m": {"k1": 1}}"#.utf8).write(to: url)
        var written = Set<String>(), unobserved = Set<String>()
        let value = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        Self.paths(value, "", maps: ["m"], into: &written, unobserved: &unobserved)
        #expect(written == ["a", "b", "b.c", "d", "d[].e", "m", "m.*"])
        #expect(unobserved == ["b.c"])
    }
}
