import AnchorGeometry
import AnchorImaging
import Foundation
import TestData
import Testing
@testable import AnchorRegCLI

@Suite struct InfoConvertCommandTests {
    func tempDir() throws -> URL {
        try TestData.temporaryDirectory("cli")
    }

    @Test func infoReportsSizeCalibrationAndRange() throws {
        let cmd = try #require(try AnchorRegCommand.parseAsRoot(["info", TestData.realPath("tio2-hrtem/TiO2_0eV.tif"), "--json"]) as? InfoCommand)
        let r = try cmd.report()
        #expect(r.format == "tiff" && r.width == 256 && r.height == 256 && r.channels == ["gray"])
        #expect(r.pixel_size == nil && r.unit == "")
        #expect(r.min! >= 0 && r.max! <= 255 && r.min! < r.max!)
        let encoded = String(decoding: try JSONOutput.encode(r), as: UTF8.self)
        for key in ["\"format\"", "\"width\"", "\"height\"", "\"channels\"", "\"unit\"", "\"min\"", "\"max\""] {
            #expect(encoded.contains(key))
        }
        #expect(encoded.contains("\"pixel_size\" : null"))
    }

    @Test func infoReadsRawWithLayoutAndRefusesItWithout() throws {
        let path = try TestData.realPath("si7x7-spiepy/image_with_defects.dat")
        let cmd = try #require(try AnchorRegCommand.parseAsRoot(["info", path, "--raw", "256,256,f64le,8"]) as? InfoCommand)
        let r = try cmd.report()
        #expect(r.width == 256 && r.height == 256 && r.format == "raw")
        let bare = try #require(try AnchorRegCommand.parseAsRoot(["info", path]) as? InfoCommand)
        #expect(throws: FormatError.self) { _ = try bare.report() }
        let badLayout = try #require(try AnchorRegCommand.parseAsRoot(["info", path, "--raw", "256,256,f65le,8"]) as? InfoCommand)
        #expect(throws: FormatError.self) { _ = try badLayout.report() }
    }

    /// convert --json writes every key, null where absent, and the value unit when known.
    @Test func convertSummaryKeepsEveryKey() throws {
        let bare = ConvertCommand.Summary(input: "a.png", output: "b.gwy", format: "gwy", channel: "gray", width: 2, height: 1,
                                          pixel_size: nil, unit: "", value_unit: nil)
        let text = String(decoding: try JSONOutput.encode(bare), as: UTF8.self)
        #expect(text.contains("\"pixel_size\" : null") && text.contains("\"value_unit\" : null"))
        let height = ConvertCommand.Summary(input: "a.sxm", output: "b.gwy", format: "gwy", channel: "Z (forward)", width: 2, height: 1,
                                            pixel_size: [0.2, 0.2], unit: "nm", value_unit: "m")
        #expect(String(decoding: try JSONOutput.encode(height), as: UTF8.self).contains("\"value_unit\" : \"m\""))
    }

    @Test func convertWritesCalibratedTIFFAndPNGAndRefusesOverwrite() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A calibrated source: a float TIFF written by the library.
        let src = try Image(width: 6, height: 4, pixels: (0..<24).map { Float($0) * 0.5 - 3 },
                            pixelSize: PixelSize(x: 0.25, y: 0.5), unit: .nanometre)
        let srcPath = dir.appendingPathComponent("src.tif").path
        try TIFFWriter.encode(src).write(to: URL(fileURLWithPath: srcPath))

        let tif = dir.appendingPathComponent("out.tif").path
        var cmd = try AnchorRegCommand.parseAsRoot(["convert", srcPath, tif])
        try cmd.run()
        let back = try ImageFile.read(path: tif).channels[0].image
        #expect(back == src)

        let png = dir.appendingPathComponent("out.png").path
        cmd = try AnchorRegCommand.parseAsRoot(["convert", srcPath, png])
        try cmd.run()
        let preview = try ImageFile.read(path: png).channels[0].image
        #expect(preview.pixels.first == 0 && preview.pixels.last == 65535)
        #expect(preview.unit == .nanometre && abs(preview.pixelSize!.x - 0.25) < 1e-3)

        // A height frame in nm: .gsf keeps ZUnits = nm, .gwy stores metres (SI base units),
        // both titled with the file and channel; the TIFF carries vunit=nm.
        var height = src
        height.valueUnit = "nm"
        let heightPath = dir.appendingPathComponent("height.tif").path
        try TIFFWriter.encode(height).write(to: URL(fileURLWithPath: heightPath))
        for ext in ["gsf", "gwy", "tif"] {
            let path = dir.appendingPathComponent("height-out.\(ext)").path
            cmd = try AnchorRegCommand.parseAsRoot(["convert", heightPath, path])
            try cmd.run()
            let doc = try ImageFile.read(path: path)
            let img = doc.channels[0].image
            #expect(img.unit == .nanometre && abs(img.pixelSize!.x - 0.25) < 1e-9 && abs(img.pixelSize!.y - 0.5) < 1e-9)
            if ext == "gwy" {
                #expect(img.valueUnit == "m" && doc.channels[0].name == "height.tif — gray")
                for (a, b) in zip(img.pixels, height.pixels) { #expect(abs(Double(a) - Double(b) * 1e-9) < 1e-15) }
            } else {
                #expect(img.valueUnit == "nm" && img.pixels == height.pixels)
            }
            if ext == "gsf" { #expect(doc.metadata["ZUnits"] == "nm" && doc.channels[0].name == "height.tif — gray") }
        }

        // Existing output without --force: refused, file untouched.
        let before = try Data(contentsOf: URL(fileURLWithPath: tif))
        cmd = try AnchorRegCommand.parseAsRoot(["convert", png, tif])
        #expect(throws: CLIError.self) { try cmd.run() }
        #expect(try Data(contentsOf: URL(fileURLWithPath: tif)) == before)
        cmd = try AnchorRegCommand.parseAsRoot(["convert", png, tif, "--force"])
        try cmd.run()
        #expect(try ImageFile.read(path: tif).channels[0].image.pixels == preview.pixels)

        cmd = try AnchorRegCommand.parseAsRoot(["convert", srcPath, dir.appendingPathComponent("x.bmp").path])
        #expect(throws: CLIError.self) { try cmd.run() }
    }

    @Test func convertPhotographKeepsColourUnlessAChannelIsChosen() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let jpg = try TestData.realPath("optical-snake-hackerfab/snakesmall2.jpg")
        let out = dir.appendingPathComponent("photo.png").path
        var cmd = try AnchorRegCommand.parseAsRoot(["convert", jpg, out])
        try cmd.run()
        let a = try ImageFile.read(path: jpg), b = try ImageFile.read(path: out)
        #expect(a.rgb == b.rgb)
        let red = dir.appendingPathComponent("red.tif").path
        cmd = try AnchorRegCommand.parseAsRoot(["convert", jpg, red, "--channel", "red"])
        try cmd.run()
        #expect(try ImageFile.read(path: red).channels[0].image.pixels == a.channels[1].image.pixels)
    }

}
