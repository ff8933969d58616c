import Foundation
import TestData
import Testing
import AnchorGeometry
@testable import AnchorImaging

/// The content-sniffing dispatcher (`ImageFile`) reaches the scanning-probe readers.
@Suite struct SPMDispatchTests {
    @Test(arguments: [
        ("si7x7-ethz-nanolib/Si_7x7_028.sxm", ImageFormat.sxm, 256, 256),
        ("afm-chip-scifi/GwiddionReader_chip.gsf", .gsf, 300, 300),
        ("graphite-driftcorrection/graphiteterrace.spm", .iso28600, 512, 512),
        ("srtio3-haadf-atomap/test_ADF_cropped.npy", .npy, 380, 400),
    ])
    func realFilesByContent(path: String, format: ImageFormat, width: Int, height: Int) throws {
        let doc = try ImageFile.read(path: TestData.realPath(path))
        #expect(doc.format == format)
        #expect(doc.channels[0].image.width == width && doc.channels[0].image.height == height)
    }

    @Test func writtenFilesAreRecognised() throws {
        let img = try SPMFixtures.image()
        #expect(try ImageFile.read(data: GwyddionGWY.write(img, title: "a")).format == .gwy)
        #expect(try ImageFile.read(data: GwyddionGSF.write(img)).format == .gsf)
        #expect(try ImageFile.read(data: NumPyNPY.write(img)).format == .npy)
    }

    @Test func rawThroughOptions() throws {
        let path = try TestData.realPath("si7x7-spiepy/image_with_defects.dat")
        let doc = try ImageFile.read(path: path, options: ImageReadOptions(raw: RawLayout(parsing: "256,256,f64le,8")))
        #expect(doc.format == .raw && doc.channels[0].image.width == 256)
        #expect(throws: FormatError.self) { try ImageFile.read(path: path) }
    }

    @Test func onlyPageZero() throws {
        let d = GwyddionGSF.write(try SPMFixtures.image())
        #expect(throws: FormatError.self) { try ImageFile.read(data: d, options: ImageReadOptions(page: 1)) }
    }
}
