import CZlib
import Foundation

/// Paths and small builders shared by the format tests.
enum FormatTestSupport {
    /// A PNG built chunk by chunk (so tests can make palette, low-bit and broken files).
    static func png(width: Int, height: Int, bitDepth: Int, colorType: Int, rows: [[UInt8]],
                    extraChunks: [(String, [UInt8])] = [], idat: [UInt8]? = nil) -> [UInt8] {
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
            let tb = Array(type.utf8) + body
            let crc = tb.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
            return be32(body.count) + tb + be32(Int(crc))
        }
        var raw: [UInt8] = []
        for r in rows { raw.append(0); raw += r }
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        out += chunk("IHDR", be32(width) + be32(height) + [UInt8(bitDepth), UInt8(colorType), 0, 0, 0])
        for (t, b) in extraChunks { out += chunk(t, b) }
        out += chunk("IDAT", idat ?? TIFFFixture.zlibCompress(raw))
        out += chunk("IEND", [])
        return out
    }
}
