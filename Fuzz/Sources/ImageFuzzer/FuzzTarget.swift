import AnchorImaging
import Foundation

/// Which decoder this run exercises: `FUZZ_FORMAT` = png, jpeg, tiff or any (detect by
/// content, i.e. the dispatcher; the default).
let fuzzFormat: ImageFormat? = {
    switch ProcessInfo.processInfo.environment["FUZZ_FORMAT"] {
    case "png": return .png
    case "jpeg": return .jpeg
    case "tiff": return .tiff
    default: return nil
    }
}()

/// One input: decode it, and require that the decoder either returns a consistent document or
/// throws a `FormatError`. Anything else (a trap, an untyped error, a wrong-sized channel) is
/// a bug; a trap is caught by libFuzzer itself, the rest abort here.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Data(bytes: data, count: size)
    // Small limit: hostile headers must be refused, not allocated; and small images keep the
    // run fast under AddressSanitizer (512 × 512 still exercises every code path).
    let options = ImageReadOptions(maxPixels: 1 << 18)
    do {
        let doc: ImageDocument
        switch fuzzFormat {
        case .png: doc = try PNGCodec.read(data: bytes, options: options)
        case .jpeg: doc = try JPEGReader.read(data: bytes, options: options)
        case .tiff: doc = try TIFFReader.read(data: bytes, options: options)
        default: doc = try ImageFile.read(data: bytes, options: options)
        }
        for c in doc.channels where c.image.pixels.count != c.image.width * c.image.height {
            fatalError("channel \(c.name) has \(c.image.pixels.count) samples for \(c.image.width)×\(c.image.height)")
        }
    } catch is FormatError {
    } catch {
        fatalError("untyped error: \(error)")
    }
    return 0
}
