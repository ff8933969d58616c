import AnchorGeometry
import Foundation
import Testing
@testable import AnchorRegistration

/// The byte-level streaming reader must read a file in any chunking exactly as the whole
/// text: line breaks (\n, \r\n, \r) and quoted fields may fall across chunk boundaries.
@Suite struct PointCSVStreamTests {
    static let text = "\u{FEFF}Sample, image_x ,image_y,model_x,model_y,note\r"
        + "# comment\r\n"
        + "s1,10,20,0,0,\"a, b\"\n"
        + "\n"
        + "s1,11.5,20,1,0,x\r\n"
        + "  # indented comment\n"
        + "s2,1e2,-3.25e-1,0,1,\"say \"\"hi\"\"\"\r\n"
        + "s1,\t7 ,8,2,0,\r"
        + "s2,0x1p3,9,1,1,last"

    func rows(_ text: String, chunk: Int) throws -> [[String]] {
        var reader = CSVRowStream(required: ["model_x", "model_y", "image_x", "image_y"], optional: ["sample", "note"])
        var out: [[String]] = []
        let bytes = Array(text.utf8)
        var k = 0
        let collect: (inout CSVRowStream.Row) throws -> Void = { row in
            var fields = [String(row.line)]
            for name in ["sample", "note"] { fields.append(row.text(row.column[name]!)) }
            for name in ["model_x", "model_y", "image_x", "image_y"] { fields.append(String(try row.number(row.column[name]!, name))) }
            out.append(fields)
        }
        while k < bytes.count {
            let piece = Array(bytes[k..<min(k + chunk, bytes.count)])
            try piece.withUnsafeBytes { try reader.feed($0, row: collect) }
            k += chunk
        }
        try reader.finish(row: collect)
        return out
    }

    @Test func anyChunkingReadsTheSameRows() throws {
        let whole = try rows(Self.text, chunk: 1 << 20)
        #expect(whole.count == 5)
        #expect(whole[0] == ["3", "s1", "a, b", "0.0", "0.0", "10.0", "20.0"])
        #expect(whole[2] == ["7", "s2", "say \"hi\"", "0.0", "1.0", "100.0", "-0.325"])
        #expect(whole[3] == ["8", "s1", "", "2.0", "0.0", "7.0", "8.0"])
        #expect(whole[4] == ["9", "s2", "last", "1.0", "1.0", "8.0", "9.0"])
        for chunk in 1...13 { #expect(try rows(Self.text, chunk: chunk) == whole, "chunk \(chunk)") }
    }

    @Test func aFileReadsAsItsText() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pairs-\(UUID().uuidString).csv")
        var csv = "sample,model_x,model_y,image_x,image_y\n"
        for s in 0..<300 { for p in 0..<9 { csv += "\(s % 7 == 3 ? "x\(s)" : "\(s)"),\(p),\(Double(p) * 0.5),\(Double(s) + 0.125),\(-Double(p))\n" } }
        try csv.write(to: url, atomically: true, encoding: .utf8)
        let fromFile = try PointCSV.readPairs(contentsOfFile: url.path)
        #expect(fromFile == (try PointCSV.readPairs(csv)))
        #expect(fromFile.count == 300 && fromFile.allSatisfy { $0.model.count == 9 })
        #expect(fromFile[4].image[2] == Point2(4.125, -2) && fromFile[3].sample == "x3")
        #expect(throws: PointCSVError.self) { try PointCSV.readPairs(contentsOfFile: url.path + ".missing") }
        // Numbers must fill their field: trailing junk or a lone sign is not a number.
        #expect(throws: PointCSVError.notANumber(line: 2, column: "model_y", text: "1.5x")) {
            try PointCSV.readPairs("model_x,model_y,image_x,image_y\n1,1.5x,2,3\n")
        }
        #expect(throws: PointCSVError.notANumber(line: 2, column: "model_x", text: "-")) {
            try PointCSV.readPairs("model_x,model_y,image_x,image_y\n-,1,2,3\n")
        }
        #expect(throws: PointCSVError.notFinite(line: 2, column: "image_y", text: "inf")) {
            try PointCSV.readPairs("model_x,model_y,image_x,image_y\n1,1,2,inf\n")
        }
    }
}
