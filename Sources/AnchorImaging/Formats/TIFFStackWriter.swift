import Foundation

/// Writes a gray multi-page TIFF (a stack) one page at a time, so that only one page is held
/// in memory: the bytes handed to the sink, in order, are exactly those
/// `TIFFWriter.encodePages` returns for the same pages, page count, sample type and
/// DateTimes.
///
/// The file is written strictly forward (a pipe or a file handle will do): each page's
/// directory is held back until the next page, or `finish()`, fixes its next-directory link.
/// Because the first page's description carries ImageJ's `images=N`, the page count is
/// given up front, and every page must have the first page's size.
public final class TIFFStackWriter {
    /// Receives the file's bytes, in order.
    public typealias Sink = (UnsafeRawBufferPointer) throws -> Void

    /// The number of pages the file will hold.
    public let pageCount: Int
    /// The sample type of every page.
    public let sampleType: TIFFWriter.GraySampleType
    private let sink: Sink
    /// Bytes handed to the sink so far.
    private var offset = 0
    /// The header (before the first page) or the last page's directory, not yet written.
    private var pending: [UInt8] = [0x49, 0x49, 42, 0, 0, 0, 0, 0]
    /// Index in `pending` of the link to the next directory.
    private var pendingLink = 4
    private var size: (width: Int, height: Int)?
    /// Pages appended so far.
    public private(set) var pagesWritten = 0
    private var finished = false

    /// - Throws: `ImageError.invalidParameter` when `pageCount` is not positive.
    public init(pageCount: Int, as type: TIFFWriter.GraySampleType = .float32, sink: @escaping Sink) throws {
        guard pageCount > 0 else { throw ImageError.invalidParameter(name: "pageCount", reason: "no page to write") }
        self.pageCount = pageCount
        self.sampleType = type
        self.sink = sink
    }

    /// Writes `image` as the next page, with its calibration and an optional DateTime.
    /// - Throws: `ImageError.invalidParameter` when all `pageCount` pages were written, the
    ///   writer is finished, or the image's size is not the first page's; the sink's error
    ///   when it fails.
    public func append(_ image: Image, dateTime: CivilDateTime? = nil) throws {
        guard !finished, pagesWritten < pageCount else {
            throw ImageError.invalidParameter(name: "pages", reason: "more than the \(pageCount) pages announced")
        }
        if let size, size.width != image.width || size.height != image.height {
            throw ImageError.invalidParameter(
                name: "pages", reason: "page \(pagesWritten) is \(image.width)×\(image.height), the stack \(size.width)×\(size.height)")
        }
        size = (image.width, image.height)
        var page = TIFFWriter.grayPageHeader(image, as: sampleType)
        if pagesWritten == 0 && pageCount > 1 {
            page.extraDescription.insert(contentsOf: ["images=\(pageCount)", "slices=\(pageCount)"], at: 0)
        }
        page.dateTime = dateTime
        let pixelCount = image.count * (sampleType == .float32 ? 4 : 2)
        let dataOffset = offset + pending.count
        link(to: dataOffset + pixelCount + (pixelCount & 1))
        try emit(pending)
        try emitSamples(image)
        if pixelCount & 1 == 1 { try emit([0]) }
        (pending, pendingLink) = TIFFWriter.directory(page, pixelCount: pixelCount, dataOffset: dataOffset)
        pagesWritten += 1
    }

    /// Writes the last page's directory.
    /// - Throws: `ImageError.invalidParameter` when fewer than `pageCount` pages were
    ///   appended; the sink's error when it fails.
    public func finish() throws {
        guard !finished else { return }
        guard pagesWritten == pageCount else {
            throw ImageError.invalidParameter(name: "pages", reason: "\(pagesWritten) of the \(pageCount) pages announced were written")
        }
        try emit(pending)
        pending = []
        finished = true
    }

    /// Sets the pending link field to `target` (little-endian).
    private func link(to target: Int) {
        for k in 0..<4 { pending[pendingLink + k] = UInt8(target >> (8 * k) & 0xFF) }
    }

    private func emit(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try sink($0) }
        offset += bytes.count
    }

    /// The page's samples: float32 straight from the image on little-endian hosts, else
    /// through one page's conversion buffer.
    private func emitSamples(_ image: Image) throws {
        if sampleType == .float32 && 1.littleEndian == 1 {
            try image.pixels.withUnsafeBytes { try sink($0) }
            offset += image.count * 4
        } else {
            try emit(TIFFWriter.graySamples(image, as: sampleType))
        }
    }
}
