/// A binary mask (foreground / background), row-major like `Image`: the sample at column x,
/// row y is `pixels[y * width + x]`, 1 for foreground and 0 for background.
public struct BinaryImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// One byte per pixel, 0 or 1.
    public var pixels: [UInt8]

    /// An all-background (or all-foreground) mask.
    /// - Throws: `ImageError.invalidDimensions` for a bad size.
    public init(width: Int, height: Int, value: Bool = false) throws {
        try Image.validate(width: width, height: height)
        self.width = width
        self.height = height
        self.pixels = [UInt8](repeating: value ? 1 : 0, count: width * height)
    }

    /// A mask from row-major booleans.
    /// - Throws: `ImageError.invalidDimensions` unless `values.count == width * height`.
    public init(width: Int, height: Int, values: [Bool]) throws {
        try Image.validate(width: width, height: height)
        guard values.count == width * height else {
            throw ImageError.invalidDimensions(width: width, height: height,
                                               reason: "\(values.count) values given, \(width * height) expected")
        }
        self.width = width
        self.height = height
        self.pixels = values.map { $0 ? 1 : 0 }
    }

    init(uncheckedWidth width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Foreground at column x, row y.
    @inlinable
    public subscript(x: Int, y: Int) -> Bool {
        get { pixels[y * width + x] != 0 }
        set { pixels[y * width + x] = newValue ? 1 : 0 }
    }

    /// Number of foreground pixels.
    public var foregroundCount: Int {
        var n = 0
        for p in pixels { n &+= Int(p) }
        return n
    }

    /// Foreground and background swapped.
    public func inverted() -> BinaryImage {
        BinaryImage(uncheckedWidth: width, height: height, pixels: pixels.map { 1 - $0 })
    }

    /// The mask as a 0/1 float image (e.g. to blur or render it).
    public func asImage() -> Image {
        // Dimensions were validated at construction.
        try! Image(width: width, height: height, pixels: pixels.map { Float($0) })
    }
}

extension Image {
    /// The mask of samples strictly above `threshold` (or at or below it when `above` is false).
    /// Non-finite samples are background either way.
    public func thresholded(_ threshold: Float, above: Bool = true) -> BinaryImage {
        let px: [UInt8] = pixels.map { v in
            guard v.isFinite else { return 0 }
            return (above ? v > threshold : v <= threshold) ? 1 : 0
        }
        return BinaryImage(uncheckedWidth: width, height: height, pixels: px)
    }
}
