import AnchorGeometry
import Testing
@testable import AnchorRegistration

/// Reading a batch in chunks of whole samples gives the samples `readPairs` gives, in order,
/// and refuses a sample whose rows are split once a chunk has been handed on.
@Suite struct PointCSVChunkTests {
    /// `samples` samples of `rows` rows each, in sample order.
    static func batch(samples: Int, rows: Int, interleaved: Bool = false) -> String {
        var text = "sample,model_x,model_y,image_x,image_y\n"
        var lines: [(Int, String)] = []
        for s in 0..<samples {
            for r in 0..<rows {
                let x = Double(r % 4), y = Double(r / 4)
                lines.append((s, "\(s),\(x),\(y),\(2 * x + Double(s)),\(2 * y - 1)\n"))
            }
        }
        if interleaved { lines.sort { ($0.1.count, $0.0) < ($1.1.count, $1.0) } }
        for (_, l) in lines { text += l }
        return text
    }

    @Test func chunksHoldWholeSamplesInFileOrder() throws {
        let text = Self.batch(samples: 7, rows: 6)
        let whole = try PointCSV.readPairs(text)
        var chunks: [[PairedPointSet]] = []
        try PointCSV.forEachPairedChunk(.text(text), rowsPerChunk: 10) { chunks.append($0) }
        #expect(chunks.count == 4, "chunks of \(chunks.map(\.count))")
        #expect(chunks.allSatisfy { $0.reduce(0) { $0 + $1.model.count } >= 10 || $0 == chunks.last })
        let joined = chunks.flatMap { $0 }
        #expect(joined.map(\.sample) == whole.map(\.sample))
        #expect(joined.map(\.model) == whole.map(\.model))
        #expect(joined.map(\.image) == whole.map(\.image))
        #expect(joined.map(\.lines) == whole.map(\.lines))
    }

    @Test func splitSampleIsRefusedInChunksAndReadWhole() throws {
        // Rows sorted so that samples alternate: sample 0 reappears after sample 1.
        var text = "sample,model_x,model_y,image_x,image_y\n"
        for r in 0..<8 { for s in 0..<3 { text += "\(s),\(r),\(r % 3),\(2 * r),\(r % 3 + 1)\n" } }
        #expect {
            try PointCSV.forEachPairedChunk(.text(text), rowsPerChunk: 2) { _ in }
        } throws: { error in
            guard case PointCSVError.sampleSplit(let line, let sample) = error else { return false }
            return sample == "0" && line > 2
        }
        let whole = try PointCSV.readPairs(text)
        #expect(whole.map(\.sample) == ["0", "1", "2"] && whole.allSatisfy { $0.model.count == 8 })
    }

    @Test func unpairedChunksMatchTheWholeRead() throws {
        var text = "sample,set,x,y\n"
        for s in 0..<5 { for k in 0..<4 { text += "\(s),model,\(k),\(s)\n\(s),image,\(k + 1),\(s)\n" } }
        let whole = try PointCSV.readUnpaired(text)
        var joined: [UnpairedPointSet] = []
        try PointCSV.forEachUnpairedChunk(.text(text), rowsPerChunk: 9) { joined += $0 }
        #expect(joined.map(\.sample) == whole.map(\.sample))
        #expect(joined.map(\.model) == whole.map(\.model) && joined.map(\.image) == whole.map(\.image))
    }
}
