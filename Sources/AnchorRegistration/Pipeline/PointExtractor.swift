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

/// The paper's extraction (Fig. 5b): difference-of-Gaussians keypoints kept where the image
/// is darker than its mean — plus the rule that makes it work on Si(111)-7×7.
///
/// Taken literally the mean filter keeps every dark keypoint between adatoms (hundreds per
/// frame) and the vote filter, which expects neighbours at the anchor spacing only, then
/// scores the corner holes negative too. The lattice estimate has already told us the anchor
/// spacing L, so the scale-space search of SIFT is not needed: one DoG band at the anchor's
/// scale does the detection. With g_σ the image blurred by σ,
///
///     D = g_σ₂ − g_σ₁,   σ₁ = max(0.7 px, 0.06 L) (the registrar's `smoothed`),  σ₂ = 0.16 L,
///
/// responds most to a dark blob of σ ≈ 0.1 L, the corner hole: a Gaussian blob of depth A and
/// width σ_b gives D = A σ_b² (σ₂² − σ₁²) / ((σ_b² + σ₁²)(σ_b² + σ₂²)) at its centre, largest
/// at σ_b = √(σ₁σ₂) ≈ 0.098 L.
/// Keypoints are the local maxima of D above 0 (minima of the image for dark anchors), refined
/// by a 3-point parabola, kept where the image is darker than its mean (the paper's filter),
/// and of keypoints closer than half a spacing only the strongest stays: one candidate per
/// corner hole, and the vote filter works as the paper describes.
///
/// Speed: D is computed on `smoothed` binned by f (a power of two keeping L ≥ 16 binned px;
/// the blur σ₁ ≥ 0.06 L already removed what binning would alias), so the second blur costs
/// about 1/f³ of a full-resolution one; keypoints are mapped back to full-resolution pixels.
/// On the 512² frames of `Benchmarks/run_si7x7_benchmark.sh` the extract stage (the
/// anchor-scale smoothing included) went from 4.0 to 1.5 ms median against the four-octave
/// DoG pyramid used before; on 100 random frames the registrations and accuracy were the same.
public struct DarkKeypointExtractor: PointExtractor {
    public var kind: ExtractorKind { .darkKeypoints }
    public init() {}

    public func extract(from image: Image, smoothed: Image, spacingPixels: Double, dark: Bool) throws -> [Point2] {
        guard spacingPixels.isFinite, spacingPixels > 0 else {
            throw RegistrationError.invalidParameter(name: "spacing", reason: "\(spacingPixels) px is not a lattice spacing")
        }
        var factor = 1
        while spacingPixels / Double(2 * factor) >= 16, min(image.width, image.height) / (2 * factor) >= 64 {
            factor *= 2
        }
        let low = try smoothed.binned(by: factor)
        let sigma1 = max(0.7, 0.06 * spacingPixels), sigma2 = 0.16 * spacingPixels
        let high = try low.gaussianBlurred(sigma: (sigma2 * sigma2 - sigma1 * sigma1).squareRoot() / Double(factor), truncate: 3)
        let w = low.width, h = low.height
        let f = Double(factor), shift = (f - 1) / 2
        var points: [DetectedPoint] = []
        guard w >= 3, h >= 3 else { return [] }
        low.pixels.withUnsafeBufferPointer { lo in
            high.pixels.withUnsafeBufferPointer { hi in
                // D > 0 where the neighbourhood is brighter than the point: dark blobs.
                @inline(__always) func d(_ i: Int) -> Float { dark ? hi[i] - lo[i] : lo[i] - hi[i] }
                for y in 1..<(h - 1) {
                    for x in 1..<(w - 1) {
                        let i = y * w + x
                        let c = d(i)
                        // NaN fails every comparison and is never a keypoint.
                        guard c > 0 else { continue }
                        let l = d(i - 1), r = d(i + 1), u = d(i - w), dn = d(i + w)
                        guard c > l, c >= r, c > u, c >= dn,
                              c > d(i - w - 1), c >= d(i - w + 1), c > d(i + w - 1), c >= d(i + w + 1) else { continue }
                        let ox = parabolaVertexOffset(Double(l), Double(c), Double(r))
                        let oy = parabolaVertexOffset(Double(u), Double(c), Double(dn))
                        points.append(DetectedPoint(
                            position: Point2((Double(x) + ox) * f + shift, (Double(y) + oy) * f + shift),
                            strength: Double(c), scale: 0.1 * spacingPixels, polarity: dark ? .dark : .bright))
                    }
                }
            }
        }
        let meanFiltered = dark ? points.darkerThanMean(in: image) : points
        return meanFiltered.suppressingNeighbours(within: 0.5 * spacingPixels).map(\.position)
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

/// The paper's extraction over a scale band instead of one scale: DoG keypoints of a SIFT
/// pyramid (octaves up to 0.25 L, on a binned copy while an anchor of σ ≈ 0.1 L stays ≥ 2.5
/// binned px), darker than the mean, scale between 0.04 L and 0.25 L, one per half spacing.
///
/// The tolerant path (`registerTolerant`) uses it for `dark-keypoints`: on the frames it is
/// for (steps, shifted domains, strong creep) the single-band `DarkKeypointExtractor` missed
/// the second domain of a spliced test frame (34 of 69 anchors fitted instead of two domains),
/// while the pyramid finds it. Its extract stage takes 2–3 times as long as the single band.
struct DarkKeypointPyramidExtractor: PointExtractor {
    public var kind: ExtractorKind { .darkKeypoints }
    public init() {}

    public func extract(from image: Image, smoothed: Image, spacingPixels: Double, dark: Bool) throws -> [Point2] {
        var detector = DoGDetector()
        detector.polarity = dark ? .dark : .bright
        detector.contrastThreshold = 0.01
        let all = try detector.detect(in: image.normalizedToUnitRange())
        let meanFiltered = dark ? all.darkerThanMean(in: image) : all
        let band = (0.04 * spacingPixels)...(0.25 * spacingPixels)
        return meanFiltered.filter { band.contains($0.scale) }
            .suppressingNeighbours(within: 0.5 * spacingPixels)
            .map(\.position)
    }
}

