import Foundation

/// A dense little-endian array in NumPy's `.npy` format (version 1.0), as `numpy.load` reads
/// it. Used to hand the validation study's samples to the Python benchmarks bit for bit.
public struct NPYArray: Sendable {
    /// Element type: `<f8` (float64) or `<i8` (int64).
    public enum DType: String, Sendable {
        case float64 = "<f8"
        case int64 = "<i8"
    }

    public let dtype: DType
    /// Shape, C (row-major) order.
    public let shape: [Int]
    /// The little-endian element bytes.
    public let payload: Data

    /// A float64 array of `shape` from `values` in C order.
    /// - Precondition: `values.count` equals the product of `shape`.
    public init(float64 values: [Double], shape: [Int]) {
        precondition(values.count == shape.reduce(1, *), "NPYArray: \(values.count) values for shape \(shape)")
        dtype = .float64
        self.shape = shape
        var data = Data(capacity: values.count * 8)
        for v in values {
            withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        payload = data
    }

    /// An int64 array of `shape` from `values` in C order.
    public init(int64 values: [Int], shape: [Int]) {
        precondition(values.count == shape.reduce(1, *), "NPYArray: \(values.count) values for shape \(shape)")
        dtype = .int64
        self.shape = shape
        var data = Data(capacity: values.count * 8)
        for v in values {
            withUnsafeBytes(of: Int64(v).littleEndian) { data.append(contentsOf: $0) }
        }
        payload = data
    }

    /// The complete file: magic, version, header dictionary padded to a multiple of 64 bytes,
    /// then the payload.
    public var fileData: Data {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = "{'descr': '\(dtype.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }"
        let preamble = 10  // magic (6) + version (2) + header length (2)
        let unpadded = preamble + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let length = UInt16(header.utf8.count)
        data.append(UInt8(length & 0xFF))
        data.append(UInt8(length >> 8))
        data.append(contentsOf: Array(header.utf8))
        data.append(payload)
        return data
    }
}
