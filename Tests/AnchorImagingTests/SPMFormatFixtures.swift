import Foundation
import Testing
import AnchorGeometry
import TestData
@testable import AnchorImaging

/// Shared helpers for the scanning-probe / scientific format tests: where the real files
/// live, and builders for small synthetic files with known content.
enum SPMFixtures {
    /// Path of `shared/data/formats/<path>`: files written by instrument software, one folder
    /// per format (see its SOURCES.md for what independent readers found in them).
    static func formatPath(_ path: String) throws -> String { try TestData.formatsPath(path) }

    static func formatFile(_ path: String) throws -> Data { try TestData.formatsData(path) }

    /// Every outcome of reading `data` except a typed `FormatError` or a consistent
    /// document is recorded as an issue; used by the broken-file tests of each reader.
    static func expectTypedOutcome(_ data: Data, fileExtension: String? = nil, _ label: String) {
        do {
            let doc = try ImageFile.read(data: data, fileExtension: fileExtension, options: ImageReadOptions(maxPixels: 1 << 22))
            for c in doc.channels where c.image.pixels.count != c.image.width * c.image.height {
                Issue.record("\(label): inconsistent channel \(c.name)")
            }
        } catch is FormatError {
        } catch {
            Issue.record("\(label): untyped error \(error)")
        }
    }

    /// Cuts `file` at ~`cuts` offsets and flips bytes at `flips` random places (seeded);
    /// each result must read as a typed error or a consistent document.
    static func mutations(of file: Data, fileExtension: String? = nil, cuts: Int = 40, flips: Int = 60, seed: UInt64 = 7,
                          _ label: String) {
        let bytes = [UInt8](file)
        let step = max(1, bytes.count / cuts)
        for cut in stride(from: 0, to: bytes.count - 1, by: step) {
            expectTypedOutcome(Data(bytes.prefix(cut)), fileExtension: fileExtension, "\(label) cut at \(cut)")
        }
        var g = SeededGenerator(seed: seed)
        for t in 0..<flips {
            var broken = bytes
            for _ in 0..<(1 + Int(g.next() % 4)) {
                // Half of the flips land in the first 4 KiB, where the headers are.
                let range = t % 2 == 0 ? min(4096, broken.count) : broken.count
                let at = Int(g.next() % UInt64(range))
                broken[at] ^= UInt8(truncatingIfNeeded: 1 + g.next() % 255)
            }
            expectTypedOutcome(Data(broken), fileExtension: fileExtension, "\(label) flip #\(t)")
        }
    }

    /// A Nanonis `.sxm` with the given frames, already in *stored* order and orientation.
    static func sxm(nx: Int, ny: Int, dir: String = "down", rangeM: (Double, Double) = (10e-9, 5e-9),
                    channels: [(name: String, unit: String, direction: String)],
                    frames: [[Float]], pixelsLine: String? = nil, type: String = "FLOAT            MSBFIRST",
                    marker: [UInt8] = [0x1A, 0x04], bigEndian: Bool = true) -> Data {
        var h = ":NANONIS_VERSION:\n2\n:SCANIT_TYPE:\n              \(type)\n"
        h += ":REC_DATE:\n 07.01.2016\n:REC_TIME:\n12:10:04\n"
        h += ":SCAN_PIXELS:\n" + (pixelsLine ?? "       \(nx)       \(ny)") + "\n"
        h += ":SCAN_RANGE:\n           \(rangeM.0)           \(rangeM.1)\n"
        h += ":SCAN_DIR:\n\(dir)\n:BIAS:\n            -4.000E-1\n"
        h += ":Z-CONTROLLER:\n\tName\ton\tSetpoint\tP-gain\n\tlog Current\t1\t2.500E-10 A\t2.984E-16 m\n"
        h += ":COMMENT:\n\n:DATA_INFO:\n\tChannel\tName\tUnit\tDirection\tCalibration\tOffset\n"
        for (i, c) in channels.enumerated() { h += "\t\(i)\t\(c.name)\t\(c.unit)\t\(c.direction)\t1.000E+0\t0.000E+0\n" }
        h += "\n:SCANIT_END:\n\n\n"
        var d = Data(h.utf8)
        d.append(contentsOf: marker)
        for f in frames {
            for v in f {
                let b = bigEndian ? v.bitPattern.bigEndian : v.bitPattern.littleEndian
                withUnsafeBytes(of: b) { d.append(contentsOf: $0) }
            }
        }
        return d
    }

    /// A valid 8×6 two-channel SXM used as the base of broken-file tests.
    static func smallSXM() -> Data {
        let nx = 8, ny = 6
        let f = (0..<(nx * ny)).map { Float($0) }
        return sxm(nx: nx, ny: ny, channels: [("Z", "m", "both"), ("Current", "A", "forward")], frames: [f, f, f])
    }

    /// A small deterministic image with a calibration.
    static func image(width: Int = 7, height: Int = 5, pixelSize: Double? = 0.25) throws -> Image {
        let px = (0..<(width * height)).map { i in Float(i % width) * 1.5 - Float(i / width) * 0.75 + 0.125 }
        return try Image(width: width, height: height, pixels: px,
                         pixelSize: pixelSize.map { PixelSize(x: $0, y: $0 * 2) },
                         unit: pixelSize == nil ? .none : .nanometre, valueUnit: "m")
    }

    /// An `.npy` file built by hand (so the reader is not only tested against our writer).
    static func npy(descr: String, shape: [Int], fortran: Bool = false, version: UInt8 = 1, payload: [UInt8]) -> Data {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dict = "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shapeText), }"
        let prefix = version == 1 ? 10 : 12
        dict += String(repeating: " ", count: (64 - (prefix + dict.utf8.count + 1) % 64) % 64) + "\n"
        var d = Data([0x93] + Array("NUMPY".utf8) + [version, 0])
        let n = dict.utf8.count
        if version == 1 { d.append(contentsOf: [UInt8(n & 0xFF), UInt8(n >> 8)]) }
        else { d.append(contentsOf: [UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), 0, 0]) }
        d.append(contentsOf: Array(dict.utf8))
        d.append(contentsOf: payload)
        return d
    }

    static func bytes<T: FixedWidthInteger>(_ values: [T], bigEndian: Bool) -> [UInt8] {
        var out: [UInt8] = []
        for v in values {
            withUnsafeBytes(of: bigEndian ? v.bigEndian : v.littleEndian) { out.append(contentsOf: $0) }
        }
        return out
    }
}

/// Runs `body` and reports whether it returned or threw a `FormatError` (the only
/// acceptable outcomes for hostile input); any other error is returned for the test to flag.
func outcomeIsTyped(_ body: () throws -> Void) -> Bool {
    do { try body(); return true } catch is FormatError { return true } catch { return false }
}
