import Foundation

/// `batch merge`: the frame records of one or more batch output folders (shards of one
/// batch, on one machine or a cluster) gathered into one table, one row per frame sorted by
/// name.
///
/// Columns: `file, status, verdict, anchors, inliers, pixel_size_x, pixel_size_y, unit,
/// rotation_deg, spread, defects, message`, then the timings `read_ms, analysis_ms,
/// analysis_cpu_ms, frame_ms`, last so that two runs compare equal on everything before
/// them. `status` is ok / doubtful / refused; `verdict` the verdict's reason codes (`;`
/// separated, empty when ok) and `message` their texts.
public struct BatchTable: Sendable {
    public var records: [BatchFrameRecord]
    public var manifests: [BatchManifest]
    /// Gaps found while merging (a shard without manifest, frames not yet done).
    public var notes: [String]

    /// The column names, timings last.
    public static let columns = ["file", "status", "verdict", "anchors", "inliers", "pixel_size_x", "pixel_size_y", "unit",
                                 "rotation_deg", "spread", "defects", "message",
                                 "read_ms", "analysis_ms", "analysis_cpu_ms", "frame_ms"]
    /// How many leading columns do not depend on the run (everything but the timings).
    public static let stableColumns = 12

    /// Reads `DIR/frames/**/frame.json` and `DIR/manifests/*.json` of every folder.
    /// - Throws: `BatchError.merge` when a folder is not a batch output, a record cannot be
    ///   read, shards ran with different options or versions, or one frame has two different
    ///   records.
    public static func gather(_ folders: [String]) throws -> BatchTable {
        let fm = FileManager.default
        var byName: [String: BatchFrameRecord] = [:]
        var manifests: [BatchManifest] = []
        for folder in folders {
            let root = URL(fileURLWithPath: folder, isDirectory: true)
            let frames = root.appendingPathComponent("frames", isDirectory: true)
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: frames.path, isDirectory: &isDir), isDir.boolValue else {
                throw BatchError.merge("\(folder) is not a batch output folder (it has no frames/ folder)")
            }
            let manifestFolder = root.appendingPathComponent("manifests", isDirectory: true)
            for name in ((try? fm.contentsOfDirectory(atPath: manifestFolder.path)) ?? []).sorted() where name.hasSuffix(".json") {
                let url = manifestFolder.appendingPathComponent(name)
                do {
                    manifests.append(try JSONDecoder().decode(BatchManifest.self, from: Data(contentsOf: url)))
                } catch {
                    throw BatchError.merge("cannot read the manifest \(url.path): \(error)")
                }
            }
            guard let walker = fm.enumerator(at: frames, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walker where url.lastPathComponent == "frame.json" {
                let record: BatchFrameRecord
                do {
                    record = try JSONDecoder().decode(BatchFrameRecord.self, from: Data(contentsOf: url))
                } catch {
                    throw BatchError.merge("cannot read the frame record \(url.path): \(error)")
                }
                if let other = byName[record.file] {
                    var a = other, b = record
                    a.timings_ms = [:]; b.timings_ms = [:]
                    guard a == b else {
                        throw BatchError.merge("frame \(record.file) has two different results (in \(folder) and an earlier folder)")
                    }
                    continue
                }
                byName[record.file] = record
            }
        }
        let digests = Set(manifests.map(\.options_sha256))
        guard digests.count <= 1 else {
            let lines = manifests.map { "shard \($0.shard) (version \($0.version)): \($0.options.joined(separator: " "))" }
            throw BatchError.merge("the shards ran with different options or versions:\n  " + lines.joined(separator: "\n  "))
        }
        var notes: [String] = []
        if let first = manifests.first {
            let n = first.shard.count
            let have = Set(manifests.filter { $0.shard.count == n }.map(\.shard.index))
            let missing = (0..<n).filter { !have.contains($0) }
            if !missing.isEmpty {
                notes.append("no manifest for shard\(missing.count == 1 ? "" : "s") \(missing.map { "\($0)/\(n)" }.joined(separator: ", ")) (not run or not finished)")
            }
            if byName.count < first.batch_frames {
                notes.append("\(byName.count) of \(first.batch_frames) frames have results")
            }
        } else {
            notes.append("no manifest found: no shard has finished")
        }
        let records = byName.values.sorted { $0.file < $1.file }
        return BatchTable(records: records, manifests: manifests, notes: notes)
    }

    /// The table as CSV (header line, one line per frame).
    public func csv() -> String {
        var out = Self.columns.joined(separator: ",") + "\n"
        for r in records {
            let fields: [String] = [
                Self.quote(r.file), r.status.rawValue, Self.quote(r.verdict.reasons.map(\.code).joined(separator: ";")),
                Self.number(r.anchors), Self.number(r.inliers),
                Self.number(r.pixel_size?.first), Self.number(r.pixel_size.flatMap { $0.count > 1 ? $0[1] : nil }),
                Self.quote(r.unit ?? ""), Self.number(r.rotation_deg), Self.number(r.spread), Self.number(r.defects),
                Self.quote(r.verdict.reasons.map(\.message).joined(separator: "; ")),
                Self.number(r.timings_ms["read"]), Self.number(r.timings_ms["total"]),
                Self.number(r.timings_ms["cpu_total"]), Self.number(r.timings_ms["frame"]),
            ]
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    static func number(_ v: Int?) -> String { v.map(String.init) ?? "" }

    /// Shortest round-trip text, so the same Double always gives the same bytes.
    static func number(_ v: Double?) -> String {
        guard let v else { return "" }
        return v.isFinite ? v.description : (v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf"))
    }

    /// A CSV field: quoted when it holds a comma, quote or line break (quotes doubled).
    static func quote(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
