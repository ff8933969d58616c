import AnchorGeometry

/// Physical size of one pixel along x (columns) and y (rows), in the image's `unit`.
public struct PixelSize: Hashable, Sendable, Codable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A grayscale image of `Float` samples — the analysis type of AnchorReg.
///
/// Samples are stored row-major: the sample at column x, row y is `pixels[y * width + x]`.
/// Pixel centres sit at integer (x, y), x to the right, y down, and (0, 0) is the first pixel
/// of the file's first row (after any orientation fix-up the format requires, e.g. a Nanonis
/// scan taken upwards).
///
/// `pixelSize` and `unit` calibrate the image: pixel (x, y) lies at
/// (x · pixelSize.x, y · pixelSize.y) `unit` from the first pixel's centre. `valueUnit`
/// names the unit of the samples themselves (e.g. "m" for a topography channel), when known.
public struct Image: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [Float]
    public var pixelSize: PixelSize?
    public var unit: LengthUnit
    public var valueUnit: String?

    /// Largest pixel count accepted by default (2^28), so that a corrupt header cannot make
    /// a reader allocate gigabytes.
    public static let defaultMaxPixels = 1 << 28

    /// Creates an image from row-major samples.
    /// - Throws: `ImageError.invalidDimensions` when a side is not positive, the product
    ///   overflows or exceeds `maxPixels`, or `pixels.count != width * height`.
    public init(
        width: Int, height: Int, pixels: [Float],
        pixelSize: PixelSize? = nil, unit: LengthUnit = .none, valueUnit: String? = nil,
        maxPixels: Int = Image.defaultMaxPixels
    ) throws {
        try Image.validate(width: width, height: height, maxPixels: maxPixels)
        guard pixels.count == width * height else {
            throw ImageError.invalidDimensions(
                width: width, height: height,
                reason: "\(pixels.count) samples given, \(width * height) expected")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
        self.pixelSize = pixelSize
        self.unit = unit
        self.valueUnit = valueUnit
    }

    /// Creates an image filled with `value`.
    public init(width: Int, height: Int, fill value: Float = 0,
                pixelSize: PixelSize? = nil, unit: LengthUnit = .none) throws {
        try Image.validate(width: width, height: height, maxPixels: Image.defaultMaxPixels)
        self.width = width
        self.height = height
        self.pixels = [Float](repeating: value, count: width * height)
        self.pixelSize = pixelSize
        self.unit = unit
        self.valueUnit = nil
    }

    /// Checks that `width × height` is a sane, allocatable size.
    public static func validate(width: Int, height: Int, maxPixels: Int = defaultMaxPixels) throws {
        guard width > 0, height > 0 else {
            throw ImageError.invalidDimensions(width: width, height: height, reason: "sides must be positive")
        }
        let (n, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, n <= maxPixels else {
            throw ImageError.invalidDimensions(
                width: width, height: height,
                reason: "more than \(maxPixels) pixels; refused to protect memory")
        }
    }

    /// Sample at column `x`, row `y` (unchecked beyond Swift's array bounds check).
    @inlinable
    public subscript(x: Int, y: Int) -> Float {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }

    /// Number of samples.
    public var count: Int { width * height }

    /// Smallest and largest finite sample (`nil` when no sample is finite).
    public var finiteRange: (min: Float, max: Float)? {
        var lo = Float.infinity, hi = -Float.infinity
        for v in pixels where v.isFinite {
            if v < lo { lo = v }
            if v > hi { hi = v }
        }
        return lo <= hi ? (lo, hi) : nil
    }
}

/// An 8-bit RGB image (photographs and rendered output), interleaved R, G, B per pixel,
/// row-major, same coordinate convention as `Image`.
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `width * height * 3` bytes: R, G, B of pixel (0, 0), then (1, 0), …
    public var samples: [UInt8]
    public var pixelSize: PixelSize?
    public var unit: LengthUnit

    public init(width: Int, height: Int, samples: [UInt8],
                pixelSize: PixelSize? = nil, unit: LengthUnit = .none) throws {
        try Image.validate(width: width, height: height)
        guard samples.count == width * height * 3 else {
            throw ImageError.invalidDimensions(
                width: width, height: height,
                reason: "\(samples.count) RGB bytes given, \(width * height * 3) expected")
        }
        self.width = width
        self.height = height
        self.samples = samples
        self.pixelSize = pixelSize
        self.unit = unit
    }

    /// A black image.
    public init(width: Int, height: Int) throws {
        try Image.validate(width: width, height: height)
        self.width = width
        self.height = height
        self.samples = [UInt8](repeating: 0, count: width * height * 3)
        self.pixelSize = nil
        self.unit = .none
    }

    /// Luminance Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, the weights OpenCV's
    /// `cvtColor(…, COLOR_RGB2GRAY)` uses, so results compare), in 0…255, carrying the
    /// calibration over.
    public func luminance() -> Image {
        var out = [Float](repeating: 0, count: width * height)
        samples.withUnsafeBufferPointer { s in
            for i in 0..<(width * height) {
                out[i] = 0.299 * Float(s[3 * i]) + 0.587 * Float(s[3 * i + 1]) + 0.114 * Float(s[3 * i + 2])
            }
        }
        // Dimensions were validated at construction.
        return try! Image(width: width, height: height, pixels: out, pixelSize: pixelSize, unit: unit)
    }
}

/// Errors about image values and shapes (format readers have their own error type).
public enum ImageError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidDimensions(width: Int, height: Int, reason: String)
    case sizeMismatch(String)
    case invalidParameter(name: String, reason: String)

    public var description: String {
        switch self {
        case .invalidDimensions(let w, let h, let reason):
            return "invalid image size \(w)×\(h): \(reason)"
        case .sizeMismatch(let s):
            return "image sizes differ: \(s)"
        case .invalidParameter(let name, let reason):
            return "invalid parameter \(name): \(reason)"
        }
    }
}
