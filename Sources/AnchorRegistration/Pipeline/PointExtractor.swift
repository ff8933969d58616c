import RealModule
import AnchorGeometry
import AnchorImaging

/// A point-extraction strategy: finds candidate anchors P_e in an image (paper Fig. 1a,
/// "point extraction"). Strategies differ per kind of image; each model names its default.
public protocol PointExtractor: Sendable {
    var kind: ExtractorKind { get }
    /// Candidate anchor positions in image pixels (x right, y down).
    ///
    /// - Parameters:
    ///   - image: the (levelled) image.
    ///   - smoothed: the same image blurred at about the anchor's scale.
    ///   - spacingPixels: the anchor lattice constant in pixels (sets the detector's scale).
    ///   - dark: anchors are intensity minima (corner holes) rather than maxima.
    func extract(from image: Image, smoothed: Image, spacingPixels: Double, dark: Bool) throws -> [Point2]
}

public enum PointExtractors {
    /// The extractor for `kind`.
    public static func make(_ kind: ExtractorKind) throws -> any PointExtractor {
        switch kind {
        case .darkKeypoints: return DarkKeypointExtractor()
        case .blobs: return BlobExtractor()
        case .rectangle:
            throw RegistrationError.unsupportedModel("the rectangle extractor finds one device outline, not lattice anchors")
        }
    }
}

/// The paper's extraction (Fig. 5b): scale-space DoG keypoints (SIFT's detector) kept where the
/// image is darker than its mean — plus the rule that makes it work on Si(111)-7×7.
///
/// Taken literally the mean filter keeps every dark keypoint between adatoms (hundreds per
/// frame) and the vote filter, which expects neighbours at the anchor spacing only, then
/// scores the corner holes negative too. We keep dark keypoints whose scale matches an anchor
/// (σ between 4 % and 25 % of the spacing) and, of keypoints closer than half a spacing, only
/// the strongest: one candidate per corner hole, and the vote filter works as the paper
/// describes.
///
/// Speed: only that scale band is searched. The octaves above it are not built, and when the
/// anchors are large the pyramid starts on a binned copy (factor f, a power of two, while an
/// anchor of σ ≈ 0.1 spacing stays ≥ 2.5 binned pixels, in the first octave's middle; at 2 px
/// the real SPIEPy frame kept 5 vote-filtered candidates instead of 27):
/// a quarter of the work per factor 2. Keypoints are mapped back to full-resolution pixels.
public struct DarkKeypointExtractor: PointExtractor {
    public var kind: ExtractorKind { .darkKeypoints }
    public init() {}

    public func extract(from image: Image, smoothed: Image, spacingPixels: Double, dark: Bool) throws -> [Point2] {
        let band = (0.04 * spacingPixels)...(0.25 * spacingPixels)
        var factor = 1
        while 0.1 * spacingPixels / Double(2 * factor) >= 2.5, min(image.width, image.height) / (2 * factor) >= 64 {
            factor *= 2
        }
        var detector = DoGDetector()
        detector.polarity = dark ? .dark : .bright
        detector.contrastThreshold = 0.01
        // Octave o finds σ up to about σ₀·2^(o + 7/6) (binned pixels): stop at the band's top.
        let top = band.upperBound / Double(factor) / detector.sigma0
        detector.maxOctaves = max(1, Int((Double.log2(max(top, 1)) - 1.0 / 6).rounded(.up)) + 1)
        let source = try image.binned(by: factor)
        let f = Double(factor), shift = (f - 1) / 2
        let all = try detector.detect(in: source.normalizedToUnitRange()).map { p in
            var q = p
            q.position = Point2(p.position.x * f + shift, p.position.y * f + shift)
            q.scale = p.scale * f
            return q
        }
        let meanFiltered = dark ? all.darkerThanMean(in: image) : all
        return meanFiltered.filter { band.contains($0.scale) }
            .suppressingNeighbours(within: 0.5 * spacingPixels)
            .map(\.position)
    }
}

/// Laplacian-of-Gaussian blobs of the anchors' polarity at the anchors' scale, sub-pixel, one
/// per half spacing (the strongest).
public struct BlobExtractor: PointExtractor {
    public var kind: ExtractorKind { .blobs }
    public init() {}

    public func extract(from image: Image, smoothed: Image, spacingPixels: Double, dark: Bool) throws -> [Point2] {
        let detector = LoGBlobDetector(
            minSigma: max(0.7, 0.05 * spacingPixels), maxSigma: max(1.5, 0.2 * spacingPixels), numSigma: 6,
            threshold: 0.02, polarity: dark ? .dark : .bright)
        return try detector.detect(in: image.normalizedToUnitRange())
            .suppressingNeighbours(within: 0.5 * spacingPixels)
            .map(\.position)
    }
}

extension Image {
    /// The image scaled to 0…1 over its 0.5–99.5 percentile range (detector thresholds are
    /// relative to that range, as OpenCV's are for 8-bit images).
    func normalizedToUnitRange() throws -> Image {
        let r = try percentileRange(low: 0.5, high: 99.5)
        return contrastStretched(to: r)
    }
}
