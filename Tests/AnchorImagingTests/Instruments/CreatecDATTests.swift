import AnchorGeometry
import Foundation
import Testing
@testable import AnchorImaging

/// Createc `.dat`: the shared LT-STM file (256×256, 4 channels, Length x[A] = 215.2566) and
/// broken copies of it.
@Suite struct CreatecDATTests {
    static let path = "createc/py_createc_A200621.161352.dat"

    @Test func realFileChannelsScaleAndTopographyUnits() throws {
        let doc = try ImageFile.read(path: SPMFixtures.formatPath(Self.path))
        #expect(doc.format == .createc)
        // Channelselectval = 3 (topography + current), 4 frames: forward then backward.
        #expect(doc.channels.map(\.name) == ["Topography (forward)", "Current (forward)",
                                             "Topography (backward)", "Current (backward)"])
        for c in doc.channels {
            #expect(c.image.width == 256 && c.image.height == 256)
            #expect(abs(c.image.pixelSize!.x - 21.52566 / 256) < 1e-9 && abs(c.image.pixelSize!.y - 21.52566 / 256) < 1e-9)
        }
        let z = doc.channels[0].image
        #expect(z.valueUnit == "m")
        #expect(doc.channels[1].image.valueUnit == nil)
        // Z per DAC unit: 20 V / 2^20 · GainZ 3 · ZPiezoconst 8.79 Å/V (header Dacto[A]z = 0.00017 Å
        // is the same without the gain, rounded). The Cu(111) terrace spans a few ångström.
        let r = try #require(z.finiteRange)
        let span = Double(r.max - r.min)
        #expect(span > 1e-10 && span < 2e-9, "\(span)")
        #expect(doc.metadata["bias"] == "100.0 mV")
        // Forward and backward topography show the same surface (stored in the same
        // left-to-right order): strongly correlated.
        let a = doc.channels[0].image.pixels.map(Double.init), b = doc.channels[2].image.pixels.map(Double.init)
        let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb) }
        #expect(sab / (saa * sbb).squareRoot() > 0.9)
    }

    @Test func brokenFilesAreTypedErrors() throws {
        let file = try SPMFixtures.formatFile(Self.path)
        var bytes = [UInt8](file)
        // Num.X made absurd: refused before inflating.
        let text = String(decoding: bytes.prefix(4000), as: UTF8.self)
        let r = try #require(text.range(of: "Num.X / Num.X=256"))
        let at = text.utf8.distance(from: text.startIndex, to: r.upperBound) - 3
        bytes[at] = UInt8(ascii: "9"); bytes[at + 1] = UInt8(ascii: "9"); bytes[at + 2] = UInt8(ascii: "9")
        #expect { _ = try CreatecDAT.read(data: Data(bytes)) } throws: { e in
            guard case FormatError.truncated(.createc, let m) = e else { return false }
            return m.contains("compressed data")
        }
        #expect(throws: FormatError.truncated(format: .createc, "100 bytes, the header alone takes 16384")) {
            _ = try CreatecDAT.read(data: file.prefix(100))
        }
        SPMFixtures.mutations(of: file, fileExtension: "dat", cuts: 30, flips: 40, "createc real")
    }
}
