import CZlib
import Foundation

/// The TIFF compression schemes AnchorReg decodes. Each decoder fills exactly `expected`
/// bytes or throws; it never reads outside its input nor writes outside its output.
enum TIFFDecompression {
    /// A decoder's failure, turned into a `FormatError` naming the strip or tile by the caller.
    struct Failure: Error { let message: String; let truncated: Bool }

    /// TIFF LZW (codes MSB-first, 9–12 bits, "early change"), as in TIFF 6.0 section 13.
    /// Output beyond `expected` bytes is dropped (some writers pad); fewer bytes is an error.
    ///
    /// Every table entry is "an earlier string plus one byte", and that string plus the byte
    /// already sit next to each other in the output: the entry made after emitting code `old`
    /// at position p is `output[p ..< p + len(old) + 1]`. So the table holds (start, length)
    /// into the output and emitting a code is one memory copy — no prefix chains to walk.
    static func lzw(_ input: UnsafeBufferPointer<UInt8>, expected: Int) throws -> [UInt8] {
        if input.count >= 2, input[0] == 0, input[1] & 1 == 1 {
            throw Failure(message: "old-style (pre-1992, bit-reversed) LZW is not supported", truncated: false)
        }
        var out = [UInt8](repeating: 0, count: expected)
        guard expected > 0 else { return out }
        let startOf = UnsafeMutablePointer<Int>.allocate(capacity: 4096)
        let lengthOf = UnsafeMutablePointer<Int>.allocate(capacity: 4096)
        defer { startOf.deallocate(); lengthOf.deallocate() }
        var written = 0
        try out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            var bitBuffer: UInt64 = 0, bitCount = 0, pos = 0
            var width = 9, next = 258
            var haveOld = false, oldStart = 0, oldLength = 0
            while written < expected {
                if bitCount < width {
                    // Refill up to 7 bytes at once.
                    while bitCount <= 56 && pos < input.count {
                        bitBuffer = bitBuffer << 8 | UInt64(input[pos]); pos += 1; bitCount += 8
                    }
                    guard bitCount >= width else { return }
                }
                let code = Int(truncatingIfNeeded: bitBuffer >> UInt64(bitCount - width)) & ((1 << width) - 1)
                bitCount -= width
                if code == 256 { width = 9; next = 258; haveOld = false; continue }
                if code == 257 { return }
                let start = written
                var length: Int
                if code < 256 {
                    if haveOld && next < 4096 { startOf[next] = oldStart; lengthOf[next] = oldLength + 1; next += 1 }
                    o[written] = UInt8(truncatingIfNeeded: code)
                    length = 1
                    written += 1
                } else if !haveOld {
                    throw Failure(message: "LZW code \(code) follows a clear code", truncated: false)
                } else if code < next {
                    let from = startOf[code]
                    length = lengthOf[code]
                    if next < 4096 { startOf[next] = oldStart; lengthOf[next] = oldLength + 1; next += 1 }
                    let n = min(length, expected - written)
                    // from + length <= written: no overlap. Short strings (the common case on
                    // noisy data) are cheaper to copy inline than through memmove.
                    if n <= 16 {
                        for k in 0..<n { o[written + k] = o[from + k] }
                    } else {
                        (o + written).update(from: o + from, count: n)
                    }
                    written += n
                } else if code == next && next < 4096 {
                    // The code being defined: old's string plus its own first byte. Copying
                    // forward byte by byte reproduces that first byte at the end.
                    startOf[next] = oldStart; lengthOf[next] = oldLength + 1; next += 1
                    length = oldLength + 1
                    let n = min(length, expected - written)
                    for k in 0..<n { o[written + k] = o[oldStart + k] }
                    written += n
                } else {
                    throw Failure(message: "LZW code \(code) is not yet defined (next is \(next))", truncated: false)
                }
                haveOld = true; oldStart = start; oldLength = length
                if next + 1 >= (1 << width) && width < 12 { width += 1 }
            }
        }
        guard written == expected else {
            throw Failure(message: "LZW data decodes to \(written) bytes, expected \(expected)", truncated: true)
        }
        return out
    }

    /// PackBits (Apple's run-length scheme, TIFF compression 32773).
    static func packBits(_ input: UnsafeBufferPointer<UInt8>, expected: Int) throws -> [UInt8] {
        // Strict: a run that passes the end of the strip, or data left over after the strip
        // is full, means the bytes are not PackBits (an uncompressed strip tagged 32773 would
        // otherwise decode to scrambled pixels without complaint).
        let notPackBits = "the strip is probably not PackBits-compressed (wrong Compression tag)"
        var out = [UInt8](repeating: 0, count: expected)
        var i = 0, o = 0
        while o < expected && i < input.count {
            let n = Int(Int8(bitPattern: input[i])); i += 1
            if n >= 0 {
                let run = n + 1
                guard i + run <= input.count else {
                    throw Failure(message: "PackBits literal run of \(run) bytes passes the end of the data", truncated: true)
                }
                guard run <= expected - o else {
                    throw Failure(message: "PackBits literal run of \(run) bytes passes the end of the strip (\(expected) bytes): \(notPackBits)", truncated: false)
                }
                for k in 0..<run { out[o + k] = input[i + k] }
                i += run; o += run
            } else if n != -128 {
                guard i < input.count else { throw Failure(message: "PackBits repeat without its byte", truncated: true) }
                guard 1 - n <= expected - o else {
                    throw Failure(message: "PackBits repeat of \(1 - n) bytes passes the end of the strip (\(expected) bytes): \(notPackBits)", truncated: false)
                }
                let b = input[i]; i += 1
                for k in 0..<(1 - n) { out[o + k] = b }
                o += 1 - n
            }
        }
        guard o == expected else {
            throw Failure(message: "PackBits data decodes to \(o) bytes, expected \(expected)", truncated: true)
        }
        // One pad byte (even-length strips) or no-op codes (0x80) may follow; anything else
        // is data the strip does not hold.
        let rest = input.count - i
        if rest > 1 && !(i..<input.count).allSatisfy({ input[$0] == 0x80 }) {
            throw Failure(message: "PackBits strip full after \(i) of \(input.count) bytes: \(notPackBits)", truncated: false)
        }
        return out
    }

    /// zlib/Deflate (TIFF compression 8 and 32946), through the system zlib.
    static func deflate(_ input: UnsafeBufferPointer<UInt8>, expected: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: expected)
        guard expected > 0 else { return out }
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(message: "zlib could not start", truncated: false)
        }
        defer { inflateEnd(&stream) }
        var produced = 0
        var status: Int32 = Z_OK
        out.withUnsafeMutableBufferPointer { o in
            // zlib's counts are 32-bit: feed and drain in chunks.
            var consumed = 0
            repeat {
                let inChunk = min(input.count - consumed, Int(UInt32.max))
                let outChunk = min(expected - produced, Int(UInt32.max))
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0 + consumed })
                stream.avail_in = UInt32(inChunk)
                stream.next_out = o.baseAddress! + produced
                stream.avail_out = UInt32(outChunk)
                status = inflate(&stream, Z_NO_FLUSH)
                consumed += inChunk - Int(stream.avail_in)
                produced += outChunk - Int(stream.avail_out)
            } while status == Z_OK && produced < expected && (consumed < input.count || stream.avail_out == 0)
        }
        if produced == expected && (status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR) {
            return out
        }
        if status == Z_DATA_ERROR || status == Z_NEED_DICT || status == Z_STREAM_ERROR {
            let msg = stream.msg.map { String(cString: $0) } ?? "invalid data"
            throw Failure(message: "Deflate data is corrupt (zlib: \(msg))", truncated: false)
        }
        throw Failure(message: "Deflate data decodes to \(produced) bytes, expected \(expected)", truncated: true)
    }
}
