import AnchorImaging
import Foundation
import Testing
import AnchorRegCLI
@testable import AnchorRegBench

@Suite("anchorreg-bench imaging")
struct BenchImagingCommandTests {
    private func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-imaging-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("AR32 round trip; outputs equal the library's blur and warp")
    func runs() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let img = try Image(width: 21, height: 17, pixels: (0..<(21 * 17)).map { Float($0 % 7) })
        let input = dir.appendingPathComponent("in.ar32")
        try BenchImagingCommand.ar32(img).write(to: input)
        #expect(try BenchImagingCommand.readAR32(input.path) == img)
        var cmd = try AnchorRegBenchCommand.parseAsRoot([
            "imaging", "--input", input.path, "--out-dir", dir.path, "--sigma", "1.5",
            "--inverse-map", "1,0,0.5,0,1,0.25,0,0,1", "--repeat", "1",
        ])
        try cmd.run()
        let blur = try BenchImagingCommand.readAR32(dir.appendingPathComponent("blur.ar32").path)
        #expect(blur == (try img.gaussianBlurred(sigma: 1.5)))
        let lin = try BenchImagingCommand.readAR32(dir.appendingPathComponent("warp_bilinear.ar32").path)
        #expect(lin == (try img.warped(inverseMap: .translation(0.5, 0.25), width: 21, height: 17)))
        // Outputs exist now: a second run without --force refuses to overwrite.
        var again = try AnchorRegBenchCommand.parseAsRoot([
            "imaging", "--input", input.path, "--out-dir", dir.path,
            "--inverse-map", "1,0,0,0,1,0,0,0,1", "--repeat", "1",
        ])
        #expect(throws: CLIError.self) { try again.run() }
    }

    @Test("bad input files and maps are errors, and the shipped anchorreg does not offer the command")
    func errors() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.ar32")
        try Data("XXXX0000000000000000".utf8).write(to: bad)
        #expect(throws: CLIError.self) { try BenchImagingCommand.readAR32(bad.path) }
        var short = BenchImagingCommand.ar32(try Image(width: 4, height: 4))
        short.removeLast(3)
        try short.write(to: bad)
        #expect(throws: CLIError.self) { try BenchImagingCommand.readAR32(bad.path) }
        var cmd = try AnchorRegBenchCommand.parseAsRoot([
            "imaging", "--input", bad.path, "--out-dir", dir.path, "--inverse-map", "1,2,3",
        ])
        #expect(throws: (any Error).self) { try cmd.run() }
        #expect(!AnchorRegCommand.helpMessage().contains("bench-imaging"))
    }
}
