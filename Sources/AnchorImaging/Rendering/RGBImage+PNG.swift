import Foundation

extension RGBImage {
    /// The image encoded as an 8-bit RGB PNG (through `PNGCodec.encode(rgb:)`, with the
    /// calibration as a `pHYs` chunk when the image has one) — for previews and overlays.
    /// - Throws: `FormatError` when libpng fails.
    public func pngData() throws -> Data {
        try PNGCodec.encode(rgb: self)
    }
}
