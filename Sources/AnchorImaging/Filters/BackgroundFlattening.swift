/// How `backgroundFlattened` removes a smooth background.
public enum BackgroundRemoval: String, Sendable, Hashable, Codable, CaseIterable {
    /// image − background + mean(background): for additive backgrounds (SPM bow, offsets).
    case subtract
    /// image / background · mean(background): for multiplicative ones (uneven illumination
    /// of a photograph or an optical micrograph).
    case divide
}

extension Image {
    /// Removes a smooth background estimated by a wide Gaussian blur of σ = `sigma` pixels
    /// (choose σ several times the size of the features to keep). The overall level is kept
    /// (the background's mean is added back / multiplied back). Calibration is kept.
    ///
    /// Non-finite samples are replaced by the image's finite mean for the background estimate
    /// and stay non-finite in the result.
    /// - Throws: `ImageError.invalidParameter` for an invalid σ, or, with `.divide`, when the
    ///   background is not positive everywhere (division would flip or explode the image).
    public func backgroundFlattened(sigma: Double, mode: BackgroundRemoval = .subtract) throws -> Image {
        var filled = self
        var sum = 0.0, n = 0
        for v in pixels where v.isFinite { sum += Double(v); n += 1 }
        guard n > 0 else { return self }
        let mean = Float(sum / Double(n))
        for i in 0..<count where !pixels[i].isFinite { filled.pixels[i] = mean }
        let bg = try filled.gaussianBlurred(sigma: sigma, border: .reflect101)
        var bsum = 0.0
        for v in bg.pixels { bsum += Double(v) }
        let bmean = Float(bsum / Double(bg.count))
        var out = self
        switch mode {
        case .subtract:
            for i in 0..<count where pixels[i].isFinite { out.pixels[i] = pixels[i] - bg.pixels[i] + bmean }
        case .divide:
            guard let lo = bg.finiteRange?.min, lo > 0 else {
                throw ImageError.invalidParameter(
                    name: "mode", reason: "divide needs a positive background; it reaches \(bg.finiteRange?.min ?? .nan)")
            }
            for i in 0..<count where pixels[i].isFinite { out.pixels[i] = pixels[i] / bg.pixels[i] * bmean }
        }
        return out
    }
}
