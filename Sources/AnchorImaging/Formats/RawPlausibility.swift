import Foundation

/// Whether the samples of a headerless file read with a given floating-point type look like
/// a measurement, and which other type would make them look like one. Bytes read with the
/// wrong type or byte order give NaN/Inf, denormals or a dynamic range no instrument has
/// (1e30 and more); real frames have none of these (a few NaN gaps at most).
enum RawPlausibility {
    /// Why `pixels` are implausible as measured values, or nil when they look plausible.
    static func problem(_ pixels: [Float]) -> String? {
        guard !pixels.isEmpty else { return nil }
        var nonFinite = 0, denormal = 0
        var smallest = Float.infinity, largest: Float = 0
        for v in pixels {
            guard v.isFinite else { nonFinite += 1; continue }
            let a = abs(v)
            guard a != 0 else { continue }
            if a < Float.leastNormalMagnitude { denormal += 1 }
            smallest = min(smallest, a)
            largest = max(largest, a)
        }
        let n = Double(pixels.count)
        func pct(_ k: Int) -> String { String(format: "%.1f %%", 100 * Double(k) / n) }
        if Double(nonFinite) > 0.5 * n { return "\(pct(nonFinite)) of the values are NaN or Inf" }
        if Double(denormal) > 0.01 * n { return "\(pct(denormal)) of the values are denormal (below 1e-38)" }
        if largest > 0, largest / smallest > 1e30 || largest > 1e30 {
            return String(format: "the values span %.0e to %.0e", Double(smallest), Double(largest))
        }
        return nil
    }

    /// The floating-point types (of any size, either byte order) under which the same bytes
    /// and sample count give plausible values, in declaration order.
    static func plausibleFloatTypes(_ data: Data, layout: RawLayout) -> [RawSampleType] {
        let n = layout.rows * layout.cols
        return [RawSampleType.f32le, .f32be, .f64le, .f64be].filter { t in
            t != layout.sampleType
                && SampleDecoding.decode(data, offset: layout.offset, count: n, type: t).map { problem($0) == nil } == true
        }
    }
}
