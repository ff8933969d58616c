/// Options every reader takes. Readers ignore the fields that do not apply to them.
public struct ImageReadOptions: Sendable, Equatable {
    /// Page (TIFF directory) to read, 0-based.
    public var page: Int
    /// Largest pixel count of one channel a reader accepts before refusing the file
    /// (default 2^28, `Image.defaultMaxPixels`), so a corrupt header cannot make it
    /// allocate gigabytes.
    public var maxPixels: Int
    /// Layout for headerless binary files; required to read `.raw`, and when set the
    /// content sniffing is skipped and the bytes are read with this layout.
    public var raw: RawLayout?

    public init(page: Int = 0, maxPixels: Int = Image.defaultMaxPixels, raw: RawLayout? = nil) {
        self.page = page
        self.maxPixels = maxPixels
        self.raw = raw
    }

    /// Defaults: first page, 2^28 pixels at most, no raw layout.
    public static let `default` = ImageReadOptions()
}
