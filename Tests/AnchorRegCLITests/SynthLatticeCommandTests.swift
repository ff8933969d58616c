import Testing
import Foundation
import AnchorModels
import AnchorImaging
@testable import AnchorRegCLI

@Suite struct SynthLatticeCommandTests {
    @Test func writesCalibratedFrameAndTruth() throws {
        let dir = NSTemporaryDirectory() + "anchorreg-synth-lattice-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var cmd = try AnchorRegCommand.parseAsRoot(
            ["synth", "lattice", "--model", "mos2:0.315", "--contrast", "abf", "--seed", "2", "--size", "128",
             "--vacancies", "0.05", "--substitutions", "0.02", "--dose", "500", "--drift", "0.1,0", "--out", dir])
        try cmd.run()
        for name in ["frame.tiff", "frame.png", "truth.json"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + name), "\(name) missing")
        }
        let object = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: dir + "/truth.json"))) as? [String: Any])
        #expect(object["model"] as? String == "mos2:0.315")
        let sites = try #require(object["sites"] as? [[String: Any]])
        #expect(sites.contains { $0["state"] as? String == "vacancy" })
        #expect(sites.allSatisfy { ($0["image"] as? [Double])?.count == 2 && ($0["model"] as? [Double])?.count == 2 })
        // 24 lattice constants over 128 px, recorded in the TIFF.
        let image = try #require(try ImageFile.read(path: dir + "/frame.tiff").channels.first?.image)
        #expect(image.unit == .nanometre)
        #expect(abs((image.pixelSize?.x ?? 0) - 24 * 0.315 / 128) < 1e-6)
    }

    @Test func refusesNonMaterialsAndBadLatticeConstants() throws {
        let dir = NSTemporaryDirectory() + "anchorreg-synth-lattice-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (model, errorIsModel) in [("si111-7x7", false), ("graphene:-1", true), ("graphene:nan", true), ("graphene:1e12", true)] {
            let cmd = try AnchorRegCommand.parseAsRoot(["synth", "lattice", "--model", model, "--contrast", "stm",
                                                        "--seed", "1", "--out", dir])
            do {
                var c = cmd
                try c.run()
                Issue.record("\(model) accepted")
            } catch is ModelError {
                #expect(errorIsModel, "\(model)")
            } catch {
                #expect(!errorIsModel, "\(model): \(error)")
            }
        }
        #expect(throws: (any Error).self) {
            try AnchorRegCommand.parseAsRoot(["synth", "lattice", "--model", "graphene", "--contrast", "tem",
                                              "--seed", "1", "--out", dir])
        }
    }
}
