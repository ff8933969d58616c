/// Options for `ImageFile.read`.
public struct ImageReadOptions: Sendable, Equatable {
    /// Zero-based page (TIFF IFD) to read; formats with one image accept only 0.
    public var page: Int
    /// Largest pixel count a reader accepts before allocating (default 2^28), so a corrupt or
    /// hostile header cannot make it allocate gigabytes.
    public var maxPixels: Int
    /// Read the bytes as a headerless binary image with this layout instead of detecting the
    /// format.
    public var raw: RawLayout?

    public init(page: Int = 0, maxPixels: Int = Image.defaultMaxPixels, raw: RawLayout? = nil) {
        self.page = page
        self.maxPixels = maxPixels
        self.raw = raw
    }
}
