import AnchorRegistration
import Foundation
import Testing
@testable import AnchorRegBench

@Suite("anchorreg-bench export-samples")
struct ExportSamplesCommandTests {
    @Test func exportedSamplesAreNumPyFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var c = try AnchorRegBenchCommand.parseAsRoot(["export-samples", "--points", "9", "--noise", "0.05", "--samples", "3",
                                                  "--out", dir.path])
        try c.run()
        let folder = dir.appendingPathComponent("n9_sigma0.05")
        let image = try Data(contentsOf: folder.appendingPathComponent("image.npy"))
        #expect(image.prefix(6) == Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]))
        let headerLength = Int(image[8]) | Int(image[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: image[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.contains("'shape': (3, 9, 2)"))
        #expect(image.count == 10 + headerLength + 3 * 9 * 2 * 8)
        // The first exported point is the study's own sample, bit for bit.
        let config = ValidationConfiguration(pointCounts: [9], noiseLevels: [0.05], samplesPerCondition: 3)
        let sample = ValidationSampleGenerator(configuration: config).sample(ValidationCondition(noise: 0.05, points: 9), index: 0)
        let bits = image[(10 + headerLength)..<(18 + headerLength)].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        #expect(Double(bitPattern: bits) == sample.image[0].x)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("manifest.json").path))
    }
}
