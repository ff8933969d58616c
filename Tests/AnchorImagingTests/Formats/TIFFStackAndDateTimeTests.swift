import Testing
import Foundation
@testable import AnchorImaging

@Suite struct TIFFStackAndDateTimeTests {
    @Test func civilTimeRoundTrips() throws {
        let t = try #require(CivilDateTime(year: 2026, month: 2, day: 28, hour: 23, minute: 59, second: 58))
        #expect(t.tiffText == "2026:02:28 23:59:58")
        #expect(CivilDateTime(tiff: t.tiffText) == t)
        let leap = try #require(CivilDateTime(year: 2024, month: 2, day: 29))
        #expect(leap.tiffText == "2024:02:29 00:00:00")
        #expect(try #require(CivilDateTime(year: 1970, month: 1, day: 1)).secondsSinceEpoch == 0)
        #expect(CivilDateTime(nanonisDate: "22.01.2018", time: "12:15:11")?.tiffText == "2018:01:22 12:15:11")
        #expect(CivilDateTime(tiff: "not a date") == nil)
    }

    @Test func stackPagesReadBackWithCalibrationAndTime() throws {
        var pages: [Image] = []
        for k in 0..<3 {
            pages.append(try Image(width: 5, height: 4, pixels: (0..<20).map { Float($0 + 100 * k) },
                                   pixelSize: PixelSize(x: 0.05, y: 0.05), unit: .nanometre))
        }
        let times = (0..<3).map { CivilDateTime(secondsSinceEpoch: 1_780_000_000 + 60 * Double($0)) }
        let data = try TIFFWriter.encodePages(pages, dateTimes: times)
        for k in 0..<3 {
            let doc = try ImageFile.read(data: data, fileExtension: "tif", options: ImageReadOptions(page: k))
            let img = try doc.defaultChannel().image
            #expect(img.pixels == pages[k].pixels)
            #expect(abs((img.pixelSize?.x ?? 0) - 0.05) < 1e-9)
            #expect(doc.metadata["tiff.pages"] == "3")
            #expect(AcquisitionTiming.fromHeader(of: doc)?.start == times[k])
        }
        #expect(throws: ImageError.self) { try TIFFWriter.encodePages([]) }
    }
}
