import AnchorGeometry
import Foundation
import Testing
@testable import AnchorImaging

/// Files that used to give a silent wrong result or a misleading error (issue 14, "Hostile
/// input").
@Suite struct HostileFileTests {
    @Test("an uncompressed strip tagged PackBits is an error, not scrambled pixels")
    func uncompressedStripTaggedPackBits() throws {
        var g = SeededGenerator(seed: 11)
        let values = (0..<(64 * 48)).map { _ in Double(g.next() % 256) }
        var tiff = TIFFFixture(width: 64, height: 48, values: [values])
        tiff.kind = .u8
        tiff.rowsPerStrip = 8
        tiff.compressionTag = 32773
        #expect(throws: FormatError.self) { _ = try ImageFile.read(data: Data(tiff.build())) }
        // The same pixels really PackBits-compressed still read exactly.
        tiff.compressionTag = nil
        tiff.compression = 32773
        let doc = try ImageFile.read(data: Data(tiff.build()))
        #expect(doc.channels[0].image.pixels.map(Double.init) == values)
    }

    @Test("an .sxm scan range beyond 1 m is a typed error, not a pixel size of inf nm")
    func hugeScanRange() throws {
        for range in [(1e308, 1e308), (2.0, 1e-8)] {
            let file = SPMFixtures.sxm(nx: 4, ny: 4, rangeM: range, channels: [("Z", "m", "forward")],
                                       frames: [[Float](repeating: 1, count: 16)])
            #expect(throws: FormatError.self) { _ = try NanonisSXM.read(data: file) }
        }
        let ok = SPMFixtures.sxm(nx: 4, ny: 4, rangeM: (1e-8, 1e-8), channels: [("Z", "m", "forward")],
                                 frames: [[Float](repeating: 1, count: 16)])
        let ps = try #require(try NanonisSXM.read(data: ok).channels[0].image.pixelSize)
        #expect(abs(ps.x - 2.5) < 1e-12)
    }

    @Test("a FIFO and a device are refused by kind, before anything blocks")
    func specialFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("anchorreg-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("frame.sxm").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect { try ImageFile.read(path: fifo) } throws: { "\($0)".contains("FIFO") }
        #expect { try ImageFile.read(path: "/dev/zero") } throws: { "\($0)".contains("character device") }
        #expect { try ImageFile.read(path: dir.path) } throws: { "\($0)".contains("directory") }
        #expect(throws: FormatError.io("\(dir.path)/missing.tif: no such file")) {
            try ImageFile.read(path: dir.path + "/missing.tif")
        }
    }
}
