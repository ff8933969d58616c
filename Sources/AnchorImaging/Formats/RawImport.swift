import Foundation
import AnchorGeometry

/// Headerless binary import, as ImageJ's "Import Raw": the caller gives the shape, the
/// sample type with its byte order, and how many header bytes to skip.
///
/// Example: the SPIEPy `.dat` files store two uint32 (rows, cols) then float64 heights, so
/// `RawLayout(rows: 256, cols: 256, sampleType: .f64le, offset: 8)` reads them.
public enum RawImport {
    /// Reads `layout.rows × layout.cols` samples starting at byte `layout.offset`, row-major
    /// (row 0 = first stored row = top of the image, x fastest).
    ///
    /// The result has one channel named "raw", no pixel calibration (`unit == .none`) since
    /// raw bytes carry none, and the sample values converted to `Float` unscaled. Bytes after
    /// the last sample are ignored (a trailer is allowed).
    /// - Parameters:
    ///   - maxPixels: refuse layouts with more pixels than this (default 2^28).
    /// - Throws: `FormatError.truncated(.raw, …)` when the file is shorter than
    ///   `offset + rows·cols·bytesPerSample`; `.unsupported(.raw, …)` for non-positive or
    ///   oversized dimensions or a negative offset; `.corrupt(.raw, …)` when float samples are
    ///   implausible (mostly NaN/Inf, denormals, a range of 1e30), naming a type that fits.
    /// - Complexity: O(rows · cols).
    public static func read(data: Data, layout: RawLayout,
                            maxPixels: Int = Image.defaultMaxPixels) throws -> ImageDocument {
        guard layout.rows > 0, layout.cols > 0 else {
            throw FormatError.unsupported(
                format: .raw, "dimensions \(layout.rows)×\(layout.cols) must be positive")
        }
        guard layout.offset >= 0 else {
            throw FormatError.unsupported(format: .raw, "negative header offset \(layout.offset)")
        }
        let (n, overflow) = layout.rows.multipliedReportingOverflow(by: layout.cols)
        guard !overflow, n <= maxPixels else {
            throw FormatError.unsupported(
                format: .raw,
                "\(layout.rows)×\(layout.cols) is more than \(maxPixels) pixels; refused to protect memory")
        }
        guard let pixels = SampleDecoding.decode(data, offset: layout.offset, count: n, type: layout.sampleType)
        else {
            let needed = Double(layout.offset) + Double(n) * Double(layout.sampleType.byteCount)
            throw FormatError.truncated(
                format: .raw,
                "layout \(layout.rows)×\(layout.cols) \(layout.sampleType.rawValue) at offset \(layout.offset) "
                    + "needs \(SampleDecoding.byteCountText(needed)) bytes, file has \(data.count)")
        }
        // Floating-point samples that look like nothing measured mean a wrong type or byte
        // order: say so now, with the type that fits, rather than fail later in the analysis.
        if [.f32le, .f32be, .f64le, .f64be].contains(layout.sampleType), let problem = RawPlausibility.problem(pixels) {
            let fits = RawPlausibility.plausibleFloatTypes(data, layout: layout)
            let hint = fits.first.map {
                "; as \($0.rawValue) they look plausible — try --raw \(layout.rows),\(layout.cols),\($0.rawValue),\(layout.offset)"
            } ?? "; check the type, byte order, offset and shape"
            throw FormatError.corrupt(
                format: .raw,
                "read as \(layout.sampleType.rawValue), \(problem): the layout is probably wrong\(hint)")
        }
        let image = try Image(width: layout.cols, height: layout.rows, pixels: pixels, maxPixels: maxPixels)
        return ImageDocument(
            format: .raw, channels: [ImageChannel(name: "raw", image: image)],
            metadata: ["raw.layout": "\(layout.rows),\(layout.cols),\(layout.sampleType.rawValue),\(layout.offset)"])
    }

    /// Reads with `options.raw`, as the content-sniffing dispatcher calls it.
    /// - Throws: `FormatError.unsupported(.raw, …)` when `options.raw` is nil.
    public static func read(data: Data, options: ImageReadOptions) throws -> ImageDocument {
        try SampleDecoding.requireSinglePage(options, format: .raw)
        guard let layout = options.raw else {
            throw FormatError.unsupported(
                format: .raw, "a raw file needs a layout ROWS,COLS,TYPE,OFFSET (e.g. --raw 256,256,f64le,8)")
        }
        return try read(data: data, layout: layout, maxPixels: options.maxPixels)
    }
}
