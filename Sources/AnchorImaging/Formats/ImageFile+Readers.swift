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
        .sxm: { data, options in try NanonisSXM.read(data: data, options: options) },
        .gwy: { data, options in try GwyddionGWY.read(data: data, options: options) },
        .gsf: { data, options in try GwyddionGSF.read(data: data, options: options) },
        .npy: { data, options in try NumPyNPY.read(data: data, options: options) },
        .iso28600: { data, options in try ISO28600SPM.read(data: data, options: options) },
        .raw: { data, options in try RawImport.read(data: data, options: options) },
        .nanoscope: { data, options in try BrukerNanoScope.read(data: data, options: options) },
        .dm3: { data, options in try GatanDM.read(data: data, options: options) },
        .dm4: { data, options in try GatanDM.read(data: data, options: options) },
        .ibw: { data, options in try IgorIBW.read(data: data, options: options) },
        .createc: { data, options in try CreatecDAT.read(data: data, options: options) },
        .sm4: { data, options in try RHKSM4.read(data: data, options: options) },
    ]
}
