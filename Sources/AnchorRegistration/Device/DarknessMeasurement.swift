import AnchorGeometry
import AnchorImaging
import AnchorModels
import Foundation

// The dark fraction and integrated darkness of a region (DeviceAlignment, step 5).

/// Dark (reduced) fraction and integrated darkness of a region in every frame.
public struct DarknessMeasurement: Sendable, Codable, Hashable {
    public var region: String
    /// Area measured, model units² (after the inset), and the grid pixels in it.
    public var area: Double
    public var pixels: Int
    /// Pooled Otsu threshold separating dark from light, in the first frame's luminance units.
    public var threshold: Double
    /// Medians of the light and the dark class (the darkness scale's 0 and 1).
    public var lightLevel: Double
    public var darkLevel: Double
    /// Otsu separability of the pooled values (near 0.64 for a unimodal region: no dark phase).
    public var separability: Double
    /// Per frame: fraction of the region darker than `threshold` (0…1).
    public var darkFraction: [Double]
    /// Per frame: mean darkness, clamp((l − I)/(l − d), 0, 1) with l and d the inner edges of
    /// the light and dark classes' noise bands (median ∓ 2.5 σ).
    public var integratedDarkness: [Double]

    enum CodingKeys: String, CodingKey {
        case region, area, pixels, threshold, lightLevel = "light_level", darkLevel = "dark_level"
        case separability, darkFraction = "dark_fraction", integratedDarkness = "integrated_darkness"
    }
}

/// The change between the first and the last frame.
public struct DarknessChange: Sendable, Codable, Hashable {
    public var darkFractionBefore: Double
    public var darkFractionAfter: Double
    /// (after − before) × 100, percentage points.
    public var darkFractionChangePoints: Double
    /// (after − before) / before × 100 of the integrated darkness, %.
    public var integratedDarknessChangePct: Double

    enum CodingKeys: String, CodingKey {
        case darkFractionBefore = "dark_fraction_before", darkFractionAfter = "dark_fraction_after"
        case darkFractionChangePoints = "dark_fraction_change_points"
        case integratedDarknessChangePct = "integrated_darkness_change_pct"
    }
}

extension DeviceAlignment {
    static func measure(_ frames: [Image], _ sel: [Int], region: String, pixelArea: Double) throws -> DarknessMeasurement {
        var pooled: [Float] = []
        for f in frames { for i in sel { pooled.append(f.pixels[i]) } }
        let pooledImage = try Image(width: pooled.count, height: 1, pixels: pooled)
        let otsu = try OtsuThreshold(pooledImage)
        let t = otsu.threshold
        let lightValues = pooled.filter { $0 > t }, darkValues = pooled.filter { $0 <= t }
        let light = median(lightValues), dark = median(darkValues)
        // The darkness scale runs between the classes' noise bands (median ∓ 2.5 σ, σ from the
        // MAD), so uniformly light or dark pixels count exactly 0 or 1 and only mixed pixels
        // count in between; without this, noise and shading would add an offset to both frames.
        let lightEdge = light - 2.5 * 1.4826 * median(lightValues.map { abs($0 - light) })
        let darkEdge = dark + 2.5 * 1.4826 * median(darkValues.map { abs($0 - dark) })
        let lo = min(darkEdge, lightEdge), hi = max(darkEdge, lightEdge)
        var fractions: [Double] = [], integrated: [Double] = []
        for f in frames {
            var nd = 0, s = 0.0
            for i in sel {
                let v = f.pixels[i]
                if v <= t { nd += 1 }
                s += min(max(Double(hi - v) / Double(max(hi - lo, 1e-6)), 0), 1)
            }
            fractions.append(Double(nd) / Double(sel.count))
            integrated.append(s / Double(sel.count))
        }
        return DarknessMeasurement(region: region, area: Double(sel.count) * pixelArea, pixels: sel.count,
                                   threshold: Double(t), lightLevel: Double(light), darkLevel: Double(dark),
                                   separability: otsu.separability, darkFraction: fractions, integratedDarkness: integrated)
    }

    /// Median of at most ~65 k evenly spread samples of `v` (exact for shorter arrays).
    static func median(_ v: [Float]) -> Float {
        guard !v.isEmpty else { return .nan }
        let stride = max(1, v.count / 65_536)
        let s = Swift.stride(from: 0, to: v.count, by: stride).map { v[$0] }.sorted()
        return s[s.count / 2]
    }
}
