import Testing
import Foundation
import AnchorModels
import AnchorImaging
@testable import AnchorRegCLI

@Suite struct ModelsAndSynthCommandTests {
    func tempDir() -> String {
        NSTemporaryDirectory() + "anchorreg-models-test-\(UUID().uuidString)"
    }

    @Test func modelsParse() throws {
        let show = try AnchorRegCommand.parseAsRoot(["models", "show", "si111-7x7"])
        #expect(show is ModelsShowCommand)
        let list = try AnchorRegCommand.parseAsRoot(["models", "--json"])
        #expect((list as? ModelsListCommand)?.json == true)
    }

    @Test func showRejectsUnknownModelAndBadFile() throws {
        var cmd = try AnchorRegCommand.parseAsRoot(["models", "show", "nope"])
        #expect(throws: ModelError.self) { try cmd.run() }
        let dir = tempDir()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/bad.json"
        try Data(#"{"name": "x", "unit": "nm", "lattice": {"a1": [1, 0], "a2": [2, 0], "sites": []}}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        cmd = try AnchorRegCommand.parseAsRoot(["models", "show", path])
        #expect(throws: ModelError.parallelLatticeVectors) { try cmd.run() }
        cmd = try AnchorRegCommand.parseAsRoot(["models", "show", dir + "/missing.json"])
        #expect(throws: ModelError.self) { try cmd.run() }
    }

    @Test func synthWritesFilesAndRefusesToOverwrite() throws {
        let dir = tempDir()
        var cmd = try AnchorRegCommand.parseAsRoot(
            ["synth", "si7x7", "--seed", "4", "--size", "64", "--fov-nm", "8", "--drift", "0.2,0.1",
             "--creep", "0.2,0.1", "--pair", "--out", dir])
        try cmd.run()
        for name in ["frame1.tiff", "frame1.png", "truth1.json", "frame2.tiff", "frame2.png", "truth2.json", "pair.json"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + name), "\(name) missing")
        }
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/truth1.json")))
        let object = try #require(truth as? [String: Any])
        #expect((object["adatoms"] as? [Any])?.isEmpty == false)
        #expect(object["faulted_half"] as? String != nil)
        // The TIFF carries the heights and the nominal pixel size (8 nm / 64 px).
        let doc = try ImageFile.read(path: dir + "/frame1.tiff")
        let image = try #require(doc.channels.first?.image)
        #expect(image.width == 64 && image.unit == .nanometre)
        #expect(abs((image.pixelSize?.x ?? 0) - 0.125) < 1e-6)
        cmd = try AnchorRegCommand.parseAsRoot(
            ["synth", "si7x7", "--seed", "4", "--size", "64", "--fov-nm", "8", "--pair", "--out", dir])
        #expect(throws: CLIError.self) { try cmd.run() }
        #expect(throws: (any Error).self) {
            try AnchorRegCommand.parseAsRoot(["synth", "si7x7", "--seed", "1", "--drift", "0.2", "--out", dir])
        }
        try? FileManager.default.removeItem(atPath: dir)
    }

    @Test func omPairWritesPhotographsTruthAndModel() throws {
        let dir = tempDir()
        var cmd = try AnchorRegCommand.parseAsRoot(
            ["synth", "om-pair", "--seed", "2", "--size", "160x120", "--truth-grid", "64", "--out", dir])
        try cmd.run()
        for name in ["before.png", "after.png", "truth.json", "device.json", "darkness_before.tiff", "darkness_after.tiff"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + name), "\(name) missing")
        }
        let model = try AnchorModel.load(dir + "/device.json")
        #expect(model.region(named: "T3") != nil)
        let photo = try ImageFile.read(path: dir + "/before.png")
        #expect(photo.rgb?.width == 160 && photo.rgb?.height == 120)
        cmd = try AnchorRegCommand.parseAsRoot(["synth", "om-pair", "--seed", "2", "--size", "160", "--out", dir])
        #expect(throws: (any Error).self) { try cmd.run() }
        try? FileManager.default.removeItem(atPath: dir)
    }
}
