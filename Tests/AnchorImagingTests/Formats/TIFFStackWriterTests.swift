import Testing
import Foundation
@testable import AnchorImaging

/// `TIFFStackWriter` writes, page by page, the very bytes `TIFFWriter.encodePages` writes.
@Suite struct TIFFStackWriterTests {
    /// Three small pages with calibration, a value unit, NaNs and odd sizes.
    static func pages(width: Int, height: Int, count: Int = 3) throws -> [Image] {
        try (0..<count).map { k in
            var px = (0..<(width * height)).map { Float($0) * 0.25 - Float(7 * k) }
            px[k % px.count] = .nan
            return try Image(width: width, height: height, pixels: px, pixelSize: PixelSize(x: 0.05, y: 0.07),
                             unit: .nanometre, valueUnit: "µm")
        }
    }

    /// Streams `pages` through the writer into one byte array.
    static func streamed(_ pages: [Image], as type: TIFFWriter.GraySampleType = .float32,
                         dateTimes: [CivilDateTime?]? = nil) throws -> Data {
        var out = Data()
        let writer = try TIFFStackWriter(pageCount: pages.count, as: type) { out.append(contentsOf: $0) }
        for (k, page) in pages.enumerated() { try writer.append(page, dateTime: dateTimes?[k]) }
        try writer.finish()
        return out
    }

    @Test(arguments: [(5, 4, 3), (3, 3, 1), (7, 5, 2), (300, 250, 2)])
    func float32StackIsByteIdenticalToEncodePages(size: (Int, Int, Int)) throws {
        let pages = try Self.pages(width: size.0, height: size.1, count: size.2)
        let times = (0..<pages.count).map { CivilDateTime(secondsSinceEpoch: 1_780_000_000 + 60 * Double($0)) }
        #expect(try Self.streamed(pages, dateTimes: times) == TIFFWriter.encodePages(pages, dateTimes: times))
        #expect(try Self.streamed(pages) == TIFFWriter.encodePages(pages))
    }

    @Test func uint16StackIsByteIdentical() throws {
        let pages = try Self.pages(width: 3, height: 5, count: 4)
        #expect(try Self.streamed(pages, as: .uint16) == TIFFWriter.encodePages(pages, as: .uint16))
    }

    @Test func stackReadsBackPageByPage() throws {
        let pages = try Self.pages(width: 6, height: 4)
        let data = try Self.streamed(pages)
        for k in pages.indices {
            let doc = try ImageFile.read(data: data, fileExtension: "tif", options: ImageReadOptions(page: k))
            let img = try doc.defaultChannel().image
            #expect(img.pixels.elementsEqual(pages[k].pixels) { $0 == $1 || ($0.isNaN && $1.isNaN) })
            #expect(doc.metadata["tiff.pages"] == "3")
        }
    }

    @Test func refusesWrongCountsAndSizes() throws {
        let pages = try Self.pages(width: 4, height: 4, count: 2)
        #expect(throws: ImageError.self) { try TIFFStackWriter(pageCount: 0) { _ in } }
        let short = try TIFFStackWriter(pageCount: 2) { _ in }
        try short.append(pages[0])
        #expect(throws: ImageError.self) { try short.finish() }
        #expect(throws: ImageError.self) { try short.append(Self.pages(width: 5, height: 4, count: 1)[0]) }
        try short.append(pages[1])
        #expect(throws: ImageError.self) { try short.append(pages[0]) }
        try short.finish()
    }

    @Test func sinkErrorsPropagate() throws {
        struct Full: Error {}
        let writer = try TIFFStackWriter(pageCount: 1) { _ in throw Full() }
        #expect(throws: Full.self) { try writer.append(Self.pages(width: 2, height: 2, count: 1)[0]) }
    }
}
