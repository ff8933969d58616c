/// Undoing the TIFF predictors (TIFF 6.0 section 14; Adobe's floating-point predictor,
/// TIFF Technical Note 3).
enum TIFFPredictor {
    /// Predictor 2: each sample is stored as the difference from the same sample of the pixel
    /// to its left; differences wrap modulo 2^bits, in the file's byte order.
    static func undoHorizontal(_ buf: inout [UInt8], rows: Int, rowSamples: Int, stride: Int,
                               bytesPerSample: Int, bigEndian: Bool) {
        buf.withUnsafeMutableBytes { b in
            for r in 0..<rows {
                let row = r * rowSamples * bytesPerSample
                switch bytesPerSample {
                case 1:
                    for i in stride..<max(stride, rowSamples) { b[row + i] = b[row + i] &+ b[row + i - stride] }
                case 2:
                    for i in stride..<max(stride, rowSamples) {
                        let p = row + 2 * i, q = row + 2 * (i - stride)
                        let cur = b.loadUnaligned(fromByteOffset: p, as: UInt16.self), prev = b.loadUnaligned(fromByteOffset: q, as: UInt16.self)
                        let v = bigEndian ? UInt16(bigEndian: cur) &+ UInt16(bigEndian: prev) : UInt16(littleEndian: cur) &+ UInt16(littleEndian: prev)
                        b.storeBytes(of: bigEndian ? v.bigEndian : v.littleEndian, toByteOffset: p, as: UInt16.self)
                    }
                case 4:
                    for i in stride..<max(stride, rowSamples) {
                        let p = row + 4 * i, q = row + 4 * (i - stride)
                        let cur = b.loadUnaligned(fromByteOffset: p, as: UInt32.self), prev = b.loadUnaligned(fromByteOffset: q, as: UInt32.self)
                        let v = bigEndian ? UInt32(bigEndian: cur) &+ UInt32(bigEndian: prev) : UInt32(littleEndian: cur) &+ UInt32(littleEndian: prev)
                        b.storeBytes(of: bigEndian ? v.bigEndian : v.littleEndian, toByteOffset: p, as: UInt32.self)
                    }
                default:
                    for i in stride..<max(stride, rowSamples) {
                        let p = row + 8 * i, q = row + 8 * (i - stride)
                        let cur = b.loadUnaligned(fromByteOffset: p, as: UInt64.self), prev = b.loadUnaligned(fromByteOffset: q, as: UInt64.self)
                        let v = bigEndian ? UInt64(bigEndian: cur) &+ UInt64(bigEndian: prev) : UInt64(littleEndian: cur) &+ UInt64(littleEndian: prev)
                        b.storeBytes(of: bigEndian ? v.bigEndian : v.littleEndian, toByteOffset: p, as: UInt64.self)
                    }
                }
            }
        }
    }

    /// Predictor 3: each row holds the samples' bytes split into planes by significance (most
    /// significant first), byte-wise differenced with step `stride`. Leaves each sample
    /// big-endian, whatever the file's byte order.
    static func undoFloatingPoint(_ buf: inout [UInt8], rows: Int, rowSamples: Int, stride: Int, bytesPerSample: Int) {
        let rowBytes = rowSamples * bytesPerSample
        var tmp = [UInt8](repeating: 0, count: rowBytes)
        buf.withUnsafeMutableBufferPointer { b in
            for r in 0..<rows {
                let row = r * rowBytes
                for i in stride..<max(stride, rowBytes) { b[row + i] = b[row + i] &+ b[row + i - stride] }
                for j in 0..<rowSamples {
                    for k in 0..<bytesPerSample { tmp[j * bytesPerSample + k] = b[row + k * rowSamples + j] }
                }
                for i in 0..<rowBytes { b[row + i] = tmp[i] }
            }
        }
    }
}
