import AnchorImaging
import ArgumentParser

/// Options every command that reads an image shares: `--channel`, `--page`, `--raw`.
/// Use with `@OptionGroup var input: ImageInputOptions`.
public struct ImageInputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Channel to use, by name (\"Z (forward)\", or a unique prefix such as \"Current (b\"; an ambiguous prefix lists the candidates) or index (0 = first).",
        valueName: "NAME|INDEX"))
    public var channel: String?

    @Option(name: .long, help: "Page (TIFF directory) to read, 0 = first.")
    public var page: Int = 0

    @Option(name: .long, help: ArgumentHelp(
        "Read headerless binary data: ROWS,COLS,TYPE,OFFSET with TYPE one of u8, u16le/be, i16le/be, u32le/be, i32le/be, f32le/be, f64le/be (e.g. 256,256,f64le,8).",
        valueName: "ROWS,COLS,TYPE,OFFSET"))
    public var raw: String?

    public init() {}

    /// The read options these flags describe.
    public func readOptions() throws -> ImageReadOptions {
        ImageReadOptions(page: page, raw: try raw.map { try RawLayout(parsing: $0) })
    }

    /// Reads `path` with these options.
    public func document(_ path: String) throws -> ImageDocument {
        try ImageFile.read(path: path, options: readOptions())
    }

    /// The selected channel of `document` (the first when `--channel` is not given).
    public func selectedChannel(of document: ImageDocument) throws -> ImageChannel {
        guard let channel else { return try document.defaultChannel() }
        return try document.channel(named: channel)
    }

    /// Reads `path` and returns the selected channel's image.
    public func image(_ path: String) throws -> Image {
        try selectedChannel(of: document(path)).image
    }
}
