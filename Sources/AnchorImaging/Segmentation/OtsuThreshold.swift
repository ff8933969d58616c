/// Otsu's threshold (N. Otsu, IEEE Trans. SMC 9, 62, 1979): the level that maximises the
/// between-class variance of the two classes it separates, computed from a histogram of the
/// image's finite samples over their range.
public struct OtsuThreshold: Sendable, Equatable {
    /// The threshold: foreground is `value > threshold`. Lies in the finite range of the image.
    public let threshold: Float
    /// Mean of the samples at or below / above the threshold (from the histogram).
    public let lowerMean: Double
    public let upperMean: Double
    /// Between-class variance divided by total variance (0…1): how bimodal the image is.
    public let separability: Double

    /// The level halfway between the two class means — the 50 % crossing of a blurred step
    /// edge between the classes, used for sub-pixel edge location.
    public var midLevel: Float { Float((lowerMean + upperMean) / 2) }

    /// - Parameters:
    ///   - image: samples; non-finite ones are ignored.
    ///   - bins: histogram bins over [min, max] of the finite samples (≥ 2). 256 matches the
    ///     8-bit behaviour of OpenCV and scikit-image; more bins resolve float data finer.
    /// - Throws: `ImageError.invalidParameter` for bins < 2, or when the image has fewer than
    ///   two distinct finite values (no threshold separates anything).
    /// - Complexity: O(pixels + bins).
    public init(_ image: Image, bins: Int = 256) throws {
        guard bins >= 2, bins <= 1 << 24 else {
            throw ImageError.invalidParameter(name: "bins", reason: "must be 2…2^24, got \(bins)")
        }
        guard let (lo, hi) = image.finiteRange, hi > lo else {
            throw ImageError.invalidParameter(name: "image", reason: "Otsu needs at least two distinct finite values")
        }
        var hist = [Double](repeating: 0, count: bins)
        let scale = Double(bins) / (Double(hi) - Double(lo))
        var sum = 0.0, sum2 = 0.0, total = 0.0
        for v in image.pixels where v.isFinite {
            let b = min(Int((Double(v) - Double(lo)) * scale), bins - 1)
            hist[b] += 1
        }
        let width = (Double(hi) - Double(lo)) / Double(bins)
        // Bin centres stand for the samples in the bin.
        func centre(_ b: Int) -> Double { Double(lo) + (Double(b) + 0.5) * width }
        for b in 0..<bins {
            total += hist[b]
            sum += hist[b] * centre(b)
            sum2 += hist[b] * centre(b) * centre(b)
        }
        var w0 = 0.0, s0 = 0.0
        var best = -1.0, bestBin = 0, lastBestBin = 0
        var bestMeans = (0.0, 0.0)
        for b in 0..<(bins - 1) {
            w0 += hist[b]
            s0 += hist[b] * centre(b)
            let w1 = total - w0
            guard w0 > 0, w1 > 0 else { continue }
            let m0 = s0 / w0, m1 = (sum - s0) / w1
            let between = w0 * w1 * (m0 - m1) * (m0 - m1)
            if between > best {
                best = between
                bestBin = b
                lastBestBin = b
                bestMeans = (m0, m1)
            } else if between == best && lastBestBin == b - 1 {
                // Empty bins between the classes leave the criterion flat: remember the run.
                lastBestBin = b
            }
        }
        let variance = sum2 / total - (sum / total) * (sum / total)
        // Upper edge of the lower class's last bin; when empty bins make the criterion flat,
        // the middle of that flat run, i.e. the middle of the gap between the classes.
        self.threshold = Float(Double(lo) + (Double(bestBin + lastBestBin) / 2 + 1) * width)
        self.lowerMean = bestMeans.0
        self.upperMean = bestMeans.1
        self.separability = variance > 0 ? min(max(best / (total * total) / variance, 0), 1) : 0
    }
}

extension Image {
    /// The foreground mask by Otsu's threshold (`value > threshold`; `brightForeground: false`
    /// takes the dark class instead).
    /// - Throws: as `OtsuThreshold.init`.
    public func otsuMask(bins: Int = 256, brightForeground: Bool = true) throws -> BinaryImage {
        let t = try OtsuThreshold(self, bins: bins)
        return thresholded(t.threshold, above: brightForeground)
    }
}
