import Foundation

extension ImageFile {
    /// A format reader: the whole file's bytes and the read options in, every channel out.
    public typealias Reader = @Sendable (Data, ImageReadOptions) throws -> ImageDocument

    /// The reader of each format, assembled in this one place. A format missing from the table
    /// has no reader; `read` then says so.
    public static let readers: [ImageFormat: Reader] = [
        .png: { data, options in try PNGCodec.read(data: data, options: options) },
        .jpeg: { data, options in try JPEGReader.read(data: data, options: options) },
        .tiff: { data, options in try TIFFReader.read(data: data, options: options) },
    ]
}
