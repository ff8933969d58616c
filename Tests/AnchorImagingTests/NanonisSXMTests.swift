import Foundation
import TestData
import Testing
import AnchorGeometry
@testable import AnchorImaging

@Suite struct NanonisSXMTests {
    @Test(arguments: [("Si_7x7_028.sxm", 50.0), ("Si_7x7_012.sxm", 200.0)])
    func realFilesReadWithSourcesDimensions(file: String, rangeNM: Double) throws {
        let doc = try NanonisSXM.read(data: TestData.realData("si7x7-ethz-nanolib/" + file))
        #expect(doc.format == .sxm)
        #expect(doc.channels.map(\.name) == ["Z (forward)", "Z (backward)", "Current (forward)", "Current (backward)"])
        for ch in doc.channels {
            #expect(ch.image.width == 256 && ch.image.height == 256)
            #expect(ch.image.unit == .nanometre)
            let ps = try #require(ch.image.pixelSize)
            #expect(abs(ps.x - rangeNM / 256) < 1e-9 && abs(ps.y - rangeNM / 256) < 1e-9)
        }
        let z = doc.channels[0].image
        #expect(z.valueUnit == "m")
        let r = try #require(z.finiteRange)
        // Topography of a few nm, stored in metres.
        #expect(r.max - r.min > 1e-11 && r.max - r.min < 1e-6)
        #expect(doc.channels[2].image.valueUnit == "A")
        #expect(doc.metadata["bias"] == "-0.4 V")
        #expect(doc.metadata["setpoint"] == "2.500E-10 A")
        #expect(doc.metadata["date"] == "07.01.2016")
        #expect(doc.metadata["SCAN_DIR"] == "down")
        #expect(doc.metadata["unfinished_rows"] == "0")
    }

    /// After the horizontal flip, forward and backward topography show the same surface:
    /// their per-line-levelled correlation (best over a few pixels of trace/retrace lag, which
    /// piezo hysteresis causes; measured 0.91 at a 2–3 px lag) is high, and near zero with the
    /// backward frame left mirrored.
    @Test func realBackwardFrameIsFlippedToMatchForward() throws {
        let doc = try NanonisSXM.read(data: TestData.realData("si7x7-ethz-nanolib/Si_7x7_028.sxm"))
        let f = doc.channels[0].image, b = doc.channels[1].image
        var mirrored = b.pixels
        NanonisSXM.flipHorizontally(&mirrored, width: b.width, height: b.height)
        let good = (-5...5).map { lineLevelledCorrelation(f.pixels, b.pixels, width: f.width, lag: $0) }.max()!
        let bad = (-5...5).map { lineLevelledCorrelation(f.pixels, mirrored, width: f.width, lag: $0) }.max()!
        #expect(good > 0.85)
        #expect(bad < 0.3)
    }

    @Test func orientationScanDownAndBackwardFlip() throws {
        let nx = 5, ny = 3
        // Physical content: value = x + 100·y (x right, y down).
        let forward = (0..<(nx * ny)).map { i in Float(i % nx + 100 * (i / nx)) }
        // Backward frames are stored right to left.
        let backward = (0..<(nx * ny)).map { i in Float((nx - 1 - i % nx) + 100 * (i / nx)) }
        let d = SPMFixtures.sxm(nx: nx, ny: ny, channels: [("Z", "m", "both")], frames: [forward, backward])
        let doc = try NanonisSXM.read(data: d)
        #expect(doc.channels.count == 2)
        for ch in doc.channels {
            #expect(ch.image.width == nx && ch.image.height == ny)
            #expect(ch.image.pixels == forward, "\(ch.name)")
        }
        let ps = try #require(doc.channels[0].image.pixelSize)
        #expect(abs(ps.x - 2.0) < 1e-12 && abs(ps.y - 5.0 / 3) < 1e-12)
    }

    @Test func orientationScanUpFlipsVertically() throws {
        let nx = 4, ny = 3
        let physical = (0..<(nx * ny)).map { i in Float(i % nx + 100 * (i / nx)) }
        // Scanning up, the first stored line is the bottom one.
        let storedF = (0..<(nx * ny)).map { i in Float(i % nx + 100 * (ny - 1 - i / nx)) }
        let storedB = (0..<(nx * ny)).map { i in Float((nx - 1 - i % nx) + 100 * (ny - 1 - i / nx)) }
        let d = SPMFixtures.sxm(nx: nx, ny: ny, dir: "up", channels: [("Z", "m", "both")], frames: [storedF, storedB])
        let doc = try NanonisSXM.read(data: d)
        #expect(doc.channels[0].image.pixels == physical)
        #expect(doc.channels[1].image.pixels == physical)
    }

    @Test func nonSquareReadsXThenY() throws {
        let nx = 6, ny = 2
        let f = (0..<(nx * ny)).map { Float($0) }
        let doc = try NanonisSXM.read(data: SPMFixtures.sxm(nx: nx, ny: ny, channels: [("Z", "m", "forward")], frames: [f]))
        #expect(doc.channels.map(\.name) == ["Z (forward)"])
        #expect(doc.channels[0].image.width == 6 && doc.channels[0].image.height == 2)
        #expect(doc.channels[0].image[5, 0] == 5 && doc.channels[0].image[0, 1] == 6)
    }

    @Test func littleEndianFloatAndNaNFillerRows() throws {
        let nx = 3, ny = 4
        var f = (0..<(nx * ny)).map { Float($0) }
        for i in 6..<12 { f[i] = .nan }  // scan stopped after two lines
        let d = SPMFixtures.sxm(nx: nx, ny: ny, channels: [("Z", "m", "forward")], frames: [f],
                                type: "FLOAT LSBFIRST", bigEndian: false)
        let doc = try NanonisSXM.read(data: d)
        let img = doc.channels[0].image
        #expect(img[2, 1] == 5)
        #expect(img[0, 3].isNaN)
        #expect(doc.metadata["unfinished_rows"] == "2")
        #expect(img.finiteRange! == (0, 5))
    }

    @Test func brokenFilesGiveTypedErrors() throws {
        let good = SPMFixtures.smallSXM()
        _ = try NanonisSXM.read(data: good)
        // Truncated data block.
        #expect { try NanonisSXM.read(data: good.prefix(good.count - 1)) } throws: {
            if case FormatError.truncated(format: .sxm, _) = $0 { return true } else { return false }
        }
        // Header without data: cut just after :SCANIT_END:.
        let text = String(decoding: good, as: UTF8.self)
        let cut = text.utf8.count - (text.components(separatedBy: ":SCANIT_END:").last!.utf8.count)
        #expect { try NanonisSXM.read(data: good.prefix(cut + 1)) } throws: {
            if case FormatError.truncated(format: .sxm, _) = $0 { return true } else { return false }
        }
        // Wrong marker.
        let nx = 2, ny = 2, f: [Float] = [1, 2, 3, 4]
        #expect { try NanonisSXM.read(data: SPMFixtures.sxm(nx: nx, ny: ny, channels: [("Z", "m", "forward")], frames: [f], marker: [0x1A, 0x05])) } throws: {
            if case FormatError.corrupt(format: .sxm, _) = $0 { return true } else { return false }
        }
        // Absurd dimensions (2^34 pixels).
        #expect { try NanonisSXM.read(data: SPMFixtures.sxm(nx: nx, ny: ny, channels: [("Z", "m", "forward")], frames: [f], pixelsLine: "131072 131072")) } throws: {
            if case FormatError.unsupported(format: .sxm, _) = $0 { return true } else { return false }
        }
        // Corrupt SCAN_PIXELS, bad direction, unknown sample type, no magic.
        #expect(throws: FormatError.self) { try NanonisSXM.read(data: SPMFixtures.sxm(nx: nx, ny: ny, channels: [("Z", "m", "forward")], frames: [f], pixelsLine: "abc")) }
        #expect(throws: FormatError.self) { try NanonisSXM.read(data: SPMFixtures.sxm(nx: nx, ny: ny, channels: [("Z", "m", "sideways")], frames: [f])) }
        #expect(throws: FormatError.self) { try NanonisSXM.read(data: SPMFixtures.sxm(nx: nx, ny: ny, channels: [("Z", "m", "forward")], frames: [f], type: "COMPLEX MSBFIRST")) }
        #expect { try NanonisSXM.read(data: Data("hello".utf8)) } throws: {
            if case FormatError.badMagic(format: .sxm, _) = $0 { return true } else { return false }
        }
        // Every prefix fails with a typed error; none crashes.
        for n in stride(from: 0, to: good.count, by: 3) {
            #expect(throws: FormatError.self) { try NanonisSXM.read(data: good.prefix(n)) }
        }
    }

    /// Headers saved with CR LF line ends read the same.
    @Test func crlfHeader() throws {
        let good = SPMFixtures.smallSXM()
        let marker = try #require(good.firstIndex(of: 0x1A))
        let header = String(decoding: good[..<marker], as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n")
        let crlf = Data(header.utf8) + good[marker...]
        let a = try NanonisSXM.read(data: good), b = try NanonisSXM.read(data: crlf)
        #expect(a.channels == b.channels)
        #expect(b.metadata["bias"] == "-0.4 V" && b.metadata["setpoint"] == "2.500E-10 A")
    }

    @Test func refusesMoreThanMaxPixels() throws {
        let f = [Float](repeating: 1, count: 16)
        let d = SPMFixtures.sxm(nx: 4, ny: 4, channels: [("Z", "m", "forward")], frames: [f])
        #expect(throws: FormatError.self) { try NanonisSXM.read(data: d, options: ImageReadOptions(maxPixels: 15)) }
        _ = try NanonisSXM.read(data: d, options: ImageReadOptions(maxPixels: 16))
    }

    @Test func randomByteCorruptionNeverEscapesTypedErrors() {
        let good = SPMFixtures.smallSXM()
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<300 {
            var d = good
            for _ in 0..<3 {
                let i = Int(rng.next() % UInt64(d.count))
                d[i] = UInt8(truncatingIfNeeded: rng.next())
            }
            #expect(outcomeIsTyped { _ = try NanonisSXM.read(data: d) })
        }
    }
}

/// Correlation of two images after subtracting each line's mean (removes the line offsets
/// STM frames carry, which differ between trace and retrace).
/// `b` is compared shifted right by `lag` columns; 10 columns at each side are left out.
func lineLevelledCorrelation(_ a: [Float], _ b: [Float], width: Int, lag: Int = 0) -> Double {
    var sab = 0.0, saa = 0.0, sbb = 0.0
    let m = 10, w = width - 2 * m
    for r in 0..<(a.count / width) {
        let ra = (m..<(width - m)).map { Double(a[r * width + $0]) }
        let rb = (m..<(width - m)).map { Double(b[r * width + $0 - lag]) }
        let ma = ra.reduce(0, +) / Double(w), mb = rb.reduce(0, +) / Double(w)
        for i in 0..<w {
            sab += (ra[i] - ma) * (rb[i] - mb)
            saa += (ra[i] - ma) * (ra[i] - ma)
            sbb += (rb[i] - mb) * (rb[i] - mb)
        }
    }
    return sab / (saa * sbb).squareRoot()
}
