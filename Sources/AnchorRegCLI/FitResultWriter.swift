import AnchorModels
import AnchorRegistration
import Foundation

/// Writes `fit` results as they come, chunk by chunk, to standard output (text, a JSON
/// document or JSON Lines) and to the `--out` file (a JSON document, or JSON Lines with
/// `--jsonl`), so a batch of any size never has to be held whole. The bytes are those of the
/// whole document encoded at once (`JSONOutput.encodeStreaming`), whatever the chunking.
/// The `--out` file is a stream of an `OutputStage`: it appears under its name only when
/// `finish` commits it, and a writer dropped before that removes its temporary.
final class FitResultWriter {
    /// `none`: nothing on that side (tests write only the file).
    enum Form { case none, text, json, jsonl }

    private let standardOutput: Form
    private let stage: OutputStage
    private let file: StagedStream?
    private let fileForm: Form
    private let batch: Bool
    private var entries = 0

    /// - Parameters:
    ///   - batch: the file has a `sample` column (a JSON document is `{"fits": […]}`).
    init(standardOutput: Form, out: String?, fileForm: Form, force: Bool, batch: Bool) throws {
        self.standardOutput = standardOutput
        self.fileForm = fileForm
        self.batch = batch
        let stage = OutputStage(OutputFiles(directory: nil, force: force))
        self.stage = stage
        file = try out.map { try stage.open($0) }
    }

    /// A writer that did not finish (an error while fitting) leaves no file behind.
    deinit { stage.discard() }

    private func append(_ data: Data) throws {
        try data.withUnsafeBytes { try file?.write($0) }
    }

    /// Writes the next fits, in order.
    func write(_ fits: [SampleFit]) throws {
        guard !fits.isEmpty else { return }
        let first = entries == 0
        entries += fits.count
        if standardOutput == .text {
            FileHandle.standardOutput.write(Data(FitTextReport.render(fits, batch: batch).utf8))
        } else if standardOutput != .none {
            FileHandle.standardOutput.write(try piece(fits, form: standardOutput, first: first))
        }
        try append(try piece(fits, form: fileForm, first: first))
    }

    /// Ends the JSON document and puts the `--out` file in place.
    func finish() throws {
        let end: String
        if !batch {
            end = ""
        } else if entries == 0 {
            end = "{\n  \"fits\" : []\n}"
        } else {
            end = "\n  ]\n}"
        }
        if standardOutput == .json { FileHandle.standardOutput.write(Data((end + "\n").utf8)) }
        if fileForm == .json { try append(Data(end.utf8)) }
        try stage.commit()
    }

    /// The bytes of `fits` in a JSON form: lines, or the document's entries.
    private func piece(_ fits: [SampleFit], form: Form, first: Bool) throws -> Data {
        // Bytes go into an array and become `Data` once: `Data.append` of one byte is a call
        // into Foundation with its own checks, and a 35 MB document has that many bytes.
        var out: [UInt8] = []
        switch form {
        case .none, .text:
            break
        case .jsonl:
            let encoder = StreamingJSONEncoder(pretty: false)
            for fit in fits {
                out.append(contentsOf: try encoder.encode(FitJSON.FitEntry(fit)))
                out.append(0x0A)
            }
        case .json:
            let encoder = StreamingJSONEncoder(pretty: true)
            guard batch else {
                if let only = fits.first { out.append(contentsOf: try encoder.encode(FitJSON.FitEntry(only))) }
                return Data(out)
            }
            if first { out.append(contentsOf: "{\n  \"fits\" : [\n".utf8) }
            let indent: [UInt8] = Array("    ".utf8)
            for (k, fit) in fits.enumerated() {
                if !(first && k == 0) { out.append(contentsOf: ",\n".utf8) }
                // An entry sits two levels deep in the document: each of its lines indented by
                // four more spaces (JSON strings hold no raw newline).
                let entry = try encoder.encode(FitJSON.FitEntry(fit))
                out.append(contentsOf: indent)
                var start = 0
                for i in entry.indices where entry[i] == 0x0A {
                    out.append(contentsOf: entry[start...i])
                    out.append(contentsOf: indent)
                    start = i + 1
                }
                out.append(contentsOf: entry[start...])
            }
        }
        return Data(out)
    }
}
