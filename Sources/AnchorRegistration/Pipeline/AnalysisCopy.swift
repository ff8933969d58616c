import AnchorImaging

/// The image a frame's analysis works on: the file's own image, or a block-averaged copy of it
/// when the file has more pixels than the analysis needs.
///
/// The registration's cost grows a little faster than the pixel count (levelling, lattice
/// search and extraction each pass over the whole frame several times), so a frame at the
/// readers' 2²⁸-pixel cap would run for many minutes and need gigabytes. No lattice needs that
/// many pixels: at the default budget of 2²⁴ pixels (4096 × 4096) a frame that shows a few
/// hundred unit cells across still gives each cell tens of pixels. A larger frame is binned by
/// the smallest integer factor k that brings it under the budget (`Image.binned(by:)`), and
/// every pixel coordinate of the result refers to that copy: file pixel = k · copy pixel +
/// (k − 1)/2 along each axis. The calibration scales with k, so lengths in nm are unchanged.
///
/// - Complexity: O(width · height) to bin; nothing when the frame is within the budget.
public struct AnalysisCopy: Sendable {
    /// Largest pixel count analysed as it is (2²⁴), chosen so that the largest frames
    /// instruments usually write (4096², a 4k STEM frame) are never reduced.
    public static let defaultMaxPixels = 1 << 24

    /// The image to analyse (the file's image when `binning` is 1).
    public let image: Image
    /// Block size k of the reduction, 1 when the frame was within the budget.
    public let binning: Int
    /// Width and height of the file's image, pixels.
    public let fileSize: (width: Int, height: Int)
    /// The budget the copy was made for, pixels.
    public let maxPixels: Int

    /// Makes the copy of `image` to analyse.
    /// - Parameter maxPixels: the budget; must be positive.
    /// - Throws: `ImageError.invalidParameter` for a budget below 1, or when reaching the budget
    ///   would leave a side shorter than 64 pixels (a 1 × 10⁸ strip is not a frame to register).
    public init(of image: Image, maxPixels: Int = AnalysisCopy.defaultMaxPixels) throws {
        guard maxPixels >= 1 else {
            throw ImageError.invalidParameter(name: "maxPixels", reason: "must be ≥ 1, got \(maxPixels)")
        }
        fileSize = (image.width, image.height)
        self.maxPixels = maxPixels
        var k = 1
        while (image.width / k) * (image.height / k) > maxPixels { k += 1 }
        guard k > 1 else {
            self.image = image
            binning = 1
            return
        }
        guard image.width / k >= 64, image.height / k >= 64 else {
            throw ImageError.invalidParameter(
                name: "image",
                reason: "\(image.width)×\(image.height) px would have to be binned \(k)×\(k) to fit the analysis budget of "
                    + "\(maxPixels) px, leaving a side under 64 px; crop it first")
        }
        self.image = try image.binned(by: k)
        binning = k
    }

    /// Refuses a frame beyond the budget, for the commands whose outputs re-read the file at
    /// its own resolution (`track` stacks its frames; `watch` feeds drift back to the scanner in
    /// file pixels), where a silently binned analysis would not line up with them.
    /// - Throws: `ImageError.invalidDimensions` naming the size and the budget.
    public static func requireWithinBudget(_ image: Image, maxPixels: Int = AnalysisCopy.defaultMaxPixels) throws {
        let (n, overflow) = image.width.multipliedReportingOverflow(by: image.height)
        guard overflow || n > maxPixels else { return }
        throw ImageError.invalidDimensions(
            width: image.width, height: image.height,
            reason: "more than the \(maxPixels) px a series frame is analysed at; bin or crop the series first "
                + "(register and locate analyse such a frame on a binned copy)")
    }

    /// One sentence for people when the frame was reduced, nil otherwise.
    public var note: String? {
        guard binning > 1 else { return nil }
        return "\(fileSize.width)×\(fileSize.height) px is more than the analysis needs "
            + "(\(maxPixels) px); analysed on a \(binning)×\(binning)-binned copy of "
            + "\(image.width)×\(image.height) px, and pixel coordinates in the outputs refer to that copy "
            + "(file pixel = \(binning) · copy pixel + \(Double(binning - 1) / 2))"
    }
}
