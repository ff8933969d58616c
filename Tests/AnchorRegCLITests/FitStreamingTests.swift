import AnchorGeometry
import AnchorRegistration
import Foundation
import TestData
import Testing
@testable import AnchorRegCLI

/// `fit` writes a batch chunk by chunk: the bytes are those of the whole document whatever
/// the chunking, and a large file is read in chunks only when its samples come together.
@Suite struct FitStreamingTests {
    func tempDir() throws -> URL {
        try TestData.temporaryDirectory("fitstream")
    }

    /// Seven samples, one of them (3) too short to fit, so an error entry is in the stream.
    func fits() throws -> [SampleFit] {
        var text = "sample,model_x,model_y,image_x,image_y\n"
        for s in 0..<7 {
            for r in 0..<(s == 3 ? 2 : 9) {
                let x = Double(r % 3), y = Double(r / 3)
                text += "\(s),\(x),\(y),\(3 * x + 0.5 * y + Double(s)),\(2 * y + 0.1 * x * x)\n"
            }
        }
        return try PointCSV.readPairs(text).map { PairedFitting.fit($0, estimator: .lmeds, options: .init()) }
    }

    func written(_ fits: [SampleFit], chunks: [Int], form: FitResultWriter.Form, batch: Bool = true) throws -> Data {
        let path = try tempDir().appendingPathComponent("fits").path
        let writer = try FitResultWriter(standardOutput: .none, out: path, fileForm: form, force: false, batch: batch)
        var start = 0
        for n in chunks {
            try writer.write(Array(fits[start..<min(fits.count, start + n)]))
            start += n
        }
        try writer.finish()
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    @Test func chunkedDocumentIsTheWholeDocument() throws {
        let fits = try fits()
        #expect(fits.contains { $0.error != nil } && fits.contains { $0.error == nil })
        let whole = try JSONOutput.encodeStreaming(FitJSON(fits: fits, batch: true))
        #expect(try written(fits, chunks: [7], form: .json) == whole)
        #expect(try written(fits, chunks: [3, 3, 1], form: .json) == whole)
        #expect(try written(fits, chunks: [1, 1, 1, 1, 1, 1, 1], form: .json) == whole)
        let single = try JSONOutput.encodeStreaming(FitJSON(fits: [fits[0]], batch: false))
        #expect(try written([fits[0]], chunks: [1], form: .json, batch: false) == single)
        #expect(try written([], chunks: [], form: .json) == JSONOutput.encodeStreaming(FitJSON(fits: [], batch: true)))
        let lines = try written(fits, chunks: [7], form: .jsonl)
        #expect(try written(fits, chunks: [2, 5], form: .jsonl) == lines)
        #expect(String(decoding: lines, as: UTF8.self).split(separator: "\n").count == 7)
    }

    @Test func largeFilesAreChunkedOnlyWhenSamplesComeTogether() throws {
        let dir = try tempDir()
        let together = dir.appendingPathComponent("together.csv").path
        let apart = dir.appendingPathComponent("apart.csv").path
        var a = "sample,model_x,model_y,image_x,image_y\n", b = a
        for s in 0..<6 { for r in 0..<5 { a += "\(s),\(r),\(r * r),\(r),\(r * r)\n" } }
        // Every sample's rows come in two runs, the second after all the others' first.
        for pass in 0..<2 { for s in 0..<6 { for r in 0..<3 { b += "\(s),\(r + 3 * pass),\(r * r),\(r),\(r * r)\n" } } }
        try a.write(toFile: together, atomically: true, encoding: .utf8)
        try b.write(toFile: apart, atomically: true, encoding: .utf8)
        let t = try FitCommand.chunking(file: together, unpaired: false, streamingBytes: 0, chunkRows: 7)
        #expect(t.rowsPerChunk == 7 && t.samples == 6)
        let p = try FitCommand.chunking(file: apart, unpaired: false, streamingBytes: 0, chunkRows: 7)
        #expect(p.rowsPerChunk == .max && p.samples == nil)
        // Small files are read whole without a first pass.
        let small = try FitCommand.chunking(file: together, unpaired: false)
        #expect(small.rowsPerChunk == .max)
    }

    /// A writer that is not finished leaves neither the `--out` file nor its temporary; a
    /// finished one puts the whole document in place.
    @Test func unfinishedWriterLeavesNothing() throws {
        let fits = try fits()
        let dir = try tempDir()
        let target = dir.appendingPathComponent("out.json")
        do {
            let writer = try FitResultWriter(standardOutput: .none, out: target.path, fileForm: .json, force: false, batch: true)
            try writer.write(Array(fits[0..<3]))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        let writer = try FitResultWriter(standardOutput: .none, out: target.path, fileForm: .json, force: false, batch: true)
        try writer.write(fits)
        try writer.finish()
        #expect(try Data(contentsOf: target) == JSONOutput.encodeStreaming(FitJSON(fits: fits, batch: true)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.json"])
        // An existing --out is refused before any work without --force.
        #expect(throws: CLIError.self) { try OutputFiles.checkPaths([target.path], force: false) }
    }
}
