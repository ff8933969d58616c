import Foundation
import TestData
import Testing
import AnchorGeometry
@testable import AnchorImaging

@Suite struct ISO28600SPMTests {
    @Test func realGraphiteFile() throws {
        let doc = try ISO28600SPM.read(data: TestData.realData("graphite-driftcorrection/graphiteterrace.spm"))
        #expect(doc.format == .iso28600)
        #expect(doc.channels.map(\.name) == ["Z (Forward)"])
        let img = doc.channels[0].image
        #expect(img.width == 512 && img.height == 512)
        #expect(img.unit == .nanometre && img.valueUnit == "m")
        let ps = try #require(img.pixelSize)
        #expect(abs(ps.x - 11.4807 / 512) < 1e-9 && abs(ps.y - 11.4807 / 512) < 1e-9)
        // First and last stored values (row-major, as stored).
        #expect(img[0, 0] == Float(1.5579461e-10))
        #expect(img[511, 511] == Float(9.3093692e-10))
        #expect(doc.metadata["slow_axis"] == "Y top to bottom")
    }

    /// A minimal file with the standard's line positions, built from scratch.
    static func file(nx: String = "3", ny: String = "2", size: String = "3e-9", values: [String]? = nil,
                     end: Bool = true) -> Data {
        var lines = ["ISO/TC 201 SPM data transfer format", "general information"]
        while lines.count < 23 { lines.append("") }
        lines += [nx, ny, "m", "m", size, size]
        lines += ["single-channel mapping description", "Height", "nm", "end of header"]
        lines += values ?? (0..<6).map { "\(Double($0) * 0.5)" }
        if end { lines.append("end of experiment") }
        return Data((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    @Test func syntheticFileAsStored() throws {
        let img = try ISO28600SPM.read(data: Self.file()).channels[0].image
        #expect(img.width == 3 && img.height == 2)
        #expect(img.pixels == [0, 0.5, 1, 1.5, 2, 2.5])
        #expect(img.valueUnit == "nm")
        let ps = try #require(img.pixelSize)
        #expect(abs(ps.x - 1) < 1e-12 && abs(ps.y - 1.5) < 1e-12)
    }

    @Test func brokenFiles() throws {
        let good = Self.file()
        // Every cut before the final "end of experiment" is complete fails (a cut in the
        // trailing CR LF leaves a complete file).
        for n in 0..<(good.count - 2) {
            #expect(throws: FormatError.self) { try ISO28600SPM.read(data: good.prefix(n)) }
        }
        #expect { try ISO28600SPM.read(data: Self.file(values: ["1", "2"])) } throws: {
            if case FormatError.truncated(format: .iso28600, _) = $0 { return true } else { return false }
        }
        #expect { try ISO28600SPM.read(data: Self.file(values: ["1", "2", "x3", "4", "5", "6"])) } throws: {
            if case FormatError.corrupt(format: .iso28600, _) = $0 { return true } else { return false }
        }
        #expect { try ISO28600SPM.read(data: Self.file(nx: "65536", ny: "65536")) } throws: {
            if case FormatError.unsupported(format: .iso28600, _) = $0 { return true } else { return false }
        }
        #expect { try ISO28600SPM.read(data: Self.file(nx: "three")) } throws: {
            if case FormatError.corrupt(format: .iso28600, _) = $0 { return true } else { return false }
        }
        #expect { try ISO28600SPM.read(data: Data("some other text\n".utf8)) } throws: {
            if case FormatError.badMagic(format: .iso28600, _) = $0 { return true } else { return false }
        }
        // Without the closing line the file counts as cut; extra values are corrupt.
        #expect { try ISO28600SPM.read(data: Self.file(end: false)) } throws: {
            if case FormatError.truncated(format: .iso28600, _) = $0 { return true } else { return false }
        }
        #expect { try ISO28600SPM.read(data: Self.file(values: (0..<7).map(String.init))) } throws: {
            if case FormatError.corrupt(format: .iso28600, _) = $0 { return true } else { return false }
        }
    }
}
