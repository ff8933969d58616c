/// Undoing the TIFF predictors (TIFF 6.0 section 14; Adobe's floating-point predictor,
/// TIFF Technical Note 3).
enum TIFFPredictor {
    /// Predictor 2: each sample is stored as the difference from the same sample of the pixel
    /// to its left; differences wrap modulo 2^bits, in the file's byte order.
    static func undoHorizontal(_ buf: inout [UInt8], rows: Int, rowSamples: Int, stride: Int,
                               bytesPerSample: Int, bigEndian: Bool) {
        guard rowSamples > stride else { return }
        buf.withUnsafeMutableBytes { b in
            guard let base = b.baseAddress else { return }
            for r in 0..<rows {
                let row = base + r * rowSamples * bytesPerSample
                switch bytesPerSample {
                case 1: accumulate(row, rowSamples, stride, bigEndian, UInt8.self)
                case 2: accumulate(row, rowSamples, stride, bigEndian, UInt16.self)
                case 4: accumulate(row, rowSamples, stride, bigEndian, UInt32.self)
                default: accumulate(row, rowSamples, stride, bigEndian, UInt64.self)
                }
            }
        }
    }

    @inline(__always)
    private static func accumulate<T: FixedWidthInteger>(
        _ row: UnsafeMutableRawPointer, _ n: Int, _ stride: Int, _ big: Bool, _ type: T.Type
    ) {
        let size = MemoryLayout<T>.size
        if big {
            var prev = (0..<stride).map { T(bigEndian: row.loadUnaligned(fromByteOffset: $0 &* size, as: T.self)) }
            for i in stride..<n {
                let k = i % stride
                let v = T(bigEndian: row.loadUnaligned(fromByteOffset: i &* size, as: T.self)) &+ prev[k]
                prev[k] = v
                row.storeBytes(of: v.bigEndian, toByteOffset: i &* size, as: T.self)
            }
        } else if stride == 1 {
            var prev = T(littleEndian: row.loadUnaligned(as: T.self))
            for i in 1..<n {
                prev = T(littleEndian: row.loadUnaligned(fromByteOffset: i &* size, as: T.self)) &+ prev
                row.storeBytes(of: prev.littleEndian, toByteOffset: i &* size, as: T.self)
            }
        } else {
            for i in stride..<n {
                let v = T(littleEndian: row.loadUnaligned(fromByteOffset: i &* size, as: T.self))
                    &+ T(littleEndian: row.loadUnaligned(fromByteOffset: (i &- stride) &* size, as: T.self))
                row.storeBytes(of: v.littleEndian, toByteOffset: i &* size, as: T.self)
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
