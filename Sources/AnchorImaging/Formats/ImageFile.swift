import Foundation

/// Entry point for reading image files of any supported format.
///
/// The format is recognised by the file's content (its magic number), never by its name alone:
/// a `.tif` that is really a PNG is read as a PNG. The file extension only decides when the
/// content matches no known signature, so that the reader for the format the user meant can
/// name what is wrong with the file.
public enum ImageFile {
    /// Formats recognised by their first bytes, in the order they are tried.
    static let signatures: [(ImageFormat, [UInt8])] = [
        (.png, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        (.jpeg, [0xFF, 0xD8, 0xFF]),
        (.tiff, Array("II*\0".utf8)),
        (.tiff, Array("MM\0*".utf8)),
        (.tiff, Array("II+\0".utf8)),   // BigTIFF: recognised so the reader can say it is unsupported
        (.tiff, Array("MM\0+".utf8)),
        (.sxm, Array(":NANONIS_VERSION:".utf8)),
        (.gwy, Array("GWYP".utf8)),
        (.gwy, Array("GWYO".utf8)),     // the old container; recognised so the reader can refuse it clearly
        (.gsf, Array("Gwyddion Simple Field 1.0".utf8)),
        (.npy, [0x93] + Array("NUMPY".utf8)),
        (.iso28600, Array("ISO/TC 201 SPM data transfer format".utf8)),
        (.nanoscope, BrukerNanoScope.magic),
        (.nanoscope, BrukerNanoScope.forceMagic),   // recognised so the reader can say it is not an image
        (.nanoscope, BrukerNanoScope.asciiMagic),
        (.createc, CreatecDAT.magics[0]),
        (.createc, CreatecDAT.magics[1]),
        (.mtrx, Array("ONTMATRX0101".utf8)),   // recognised so that it is refused by name (no reader)
    ]

    /// File-name extensions (lower case, without the dot) of each format.
    public static let extensions: [String: ImageFormat] = [
        "png": .png, "jpg": .jpeg, "jpeg": .jpeg, "jpe": .jpeg, "tif": .tiff, "tiff": .tiff,
        "sxm": .sxm, "gwy": .gwy, "gsf": .gsf, "npy": .npy, "spm": .iso28600,
        "dm3": .dm3, "dm4": .dm4, "ibw": .ibw, "sm4": .sm4,
    ]

    /// Recognises the format of `bytes` by its magic number.
    ///
    /// - Parameters:
    ///   - bytes: the file's content (only the first few dozen bytes are looked at).
    ///   - fileExtension: the file's extension (with or without the dot, any case), used only
    ///     when the content matches no known signature.
    /// - Returns: the format, or `nil` when neither content nor extension is recognised.
    ///   `.raw` is never returned: headerless data cannot be recognised, its layout must be given.
    public static func detectFormat<Bytes: Collection>(_ bytes: Bytes, fileExtension: String? = nil)
        -> ImageFormat? where Bytes.Element == UInt8
    {
        let head = Array(bytes.prefix(64))
        for (format, magic) in signatures where head.count >= magic.count {
            if head.starts(with: magic) { return format }
        }
        if let f = binaryHeaderFormat(head) { return f }
        if RHKSM4.hasSignature(bytes) { return .sm4 }
        if IgorIBW.looksLikeWave(bytes) { return .ibw }
        // Leading whitespace or a UTF-8 byte-order mark before a text header.
        var start = 0
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        while start < head.count, [0x20, 0x09, 0x0D, 0x0A].contains(head[start]) { start += 1 }
        if start > 0 {
            let rest = Array(head[start...])
            for (format, magic) in signatures where format == .iso28600 || format == .gsf || format == .sxm {
                if rest.starts(with: magic) { return format }
            }
        }
        guard var ext = fileExtension?.lowercased() else { return nil }
        if ext.hasPrefix(".") { ext.removeFirst() }
        // NanoScope numbers its files .000, .001, …
        if ext.count == 3, ext.allSatisfy(\.isNumber) { return .nanoscope }
        return extensions[ext]
    }

    /// Binary formats without a text signature, recognised by a header whose fields can
    /// only take a few values.
    static func binaryHeaderFormat(_ head: [UInt8]) -> ImageFormat? {
        // DM3: version 3, 4-byte root length, byte order 0 or 1 (all big endian).
        // DM4: version 4, 8-byte root length, byte order 0 or 1.
        if head.count >= 16, head[0] == 0, head[1] == 0, head[2] == 0 {
            if head[3] == 3, head[8...10].allSatisfy({ $0 == 0 }), head[11] <= 1 { return .dm3 }
            if head[3] == 4, head[12...14].allSatisfy({ $0 == 0 }), head[15] <= 1 { return .dm4 }
        }
        return nil
    }

    /// Reads the file at `path`.
    ///
    /// - Throws: `FormatError.io` when the file cannot be read, `FormatError.unrecognized`
    ///   when its format is unknown, and the reader's own `FormatError` for bad content.
    public static func read(path: String, options: ImageReadOptions = .init()) throws -> ImageDocument {
        let url = URL(fileURLWithPath: path)
        try requireRegularFile(path)
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            var isDir: ObjCBool = false
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
                throw FormatError.io("\(path): no such file")
            }
            if isDir.boolValue { throw FormatError.io("\(path) is a directory, not an image file") }
            throw FormatError.io("\(path): cannot read: \(error.localizedDescription)")
        }
        return try read(data: data, fileExtension: url.pathExtension, options: options)
    }

    /// Reads an image file held in memory.
    ///
    /// With `options.raw` set the bytes are read as headerless samples with that layout;
    /// otherwise the format is detected from the content (see `detectFormat`).
    public static func read(data: Data, fileExtension: String? = nil,
                            options: ImageReadOptions = .init()) throws -> ImageDocument {
        let format: ImageFormat
        if options.raw != nil {
            format = .raw
        } else if let f = detectFormat(data, fileExtension: fileExtension) {
            format = f
        } else {
            let head = data.prefix(8).map { String(format: "%02X", $0) }.joined(separator: " ")
            throw FormatError.unrecognized(
                "first bytes \(head.isEmpty ? "(empty file)" : head) match no supported format; "
                + "for headerless binary data give its layout (--raw ROWS,COLS,TYPE,OFFSET)")
        }
        guard let reader = readers[format] else {
            throw FormatError.unsupported(format: format, "no reader for this format")
        }
        return try reader(data, options)
    }
}
