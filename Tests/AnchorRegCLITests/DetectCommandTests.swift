import AnchorGeometry
import AnchorImaging
import Foundation
import TestData
import Testing
@testable import AnchorRegCLI

@Suite struct DetectCommandTests {
    func tempDir() throws -> URL {
        try TestData.temporaryDirectory("detect")
    }

    /// Two dark and one bright Gaussian blob (σ 3 px) on 0.5, saved as .npy.
    static let centres = [Point2(20.3, 22.6), Point2(60.7, 30.2), Point2(40.4, 60.9)]
    func writeImage(in dir: URL, tilt: Float = 0) throws -> String {
        let w = 80, h = 80
        var px = (0..<(w * h)).map { 0.5 + tilt * Float($0 % w) / Float(w) }
        for (k, c) in Self.centres.enumerated() {
            let amp: Float = k == 2 ? 0.4 : -0.4
            for y in 0..<h {
                for x in 0..<w {
                    let d2 = (Double(x) - c.x) * (Double(x) - c.x) + (Double(y) - c.y) * (Double(y) - c.y)
                    px[y * w + x] += amp * Float(exp(-d2 / 18))
                }
            }
        }
        let path = dir.appendingPathComponent("blobs.npy").path
        try NumPyNPY.write(Image(width: w, height: h, pixels: px)).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: ["dog", "log", "extrema"])
    func findsTheDarkBlobs(method: String) throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try writeImage(in: dir)
        var args = [path, "--method", method, "--polarity", "dark"]
        if method == "extrema" { args += ["--min-distance", "5", "--refinement", "gaussian", "--relative-threshold", "0.5"] }
        let cmd = try DetectCommand.parse(args)
        let pts = try cmd.detect(in: cmd.input.image(path))
        #expect(pts.count == 2)
        for c in Self.centres.prefix(2) {
            #expect(pts.contains { $0.position.distance(to: c) < 0.1 && $0.polarity == .dark }, "\(method): \(c)")
        }
    }

    @Test func writesCSVAndOverlayAndRefusesOverwrite() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try writeImage(in: dir)
        let csv = dir.appendingPathComponent("p.csv").path, png = dir.appendingPathComponent("o.png").path
        var cmd = try AnchorRegCommand.parseAsRoot(["detect", path, "--darker-than-mean", "--csv", csv, "--overlay", png])
        try cmd.run()
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "x_px,y_px,strength,scale_px,polarity")
        #expect(lines.count == 3 && lines.dropFirst().allSatisfy { $0.hasSuffix(",dark") })
        let overlay = try ImageFile.read(path: png)
        #expect(overlay.rgb?.width == 80 && overlay.rgb?.height == 80)
        let before = try Data(contentsOf: URL(fileURLWithPath: csv))
        cmd = try AnchorRegCommand.parseAsRoot(["detect", path, "--csv", csv])
        #expect(throws: CLIError.self) { try cmd.run() }
        #expect(try Data(contentsOf: URL(fileURLWithPath: csv)) == before)
        cmd = try AnchorRegCommand.parseAsRoot(["detect", path, "--csv", csv, "--force", "--json"])
        try cmd.run()
    }

    @Test func planeLevellingRecoversBlobsOnATiltedImage() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A tilt of 20× the blob contrast across the frame: relative to the whole range the
        // blobs fall below the contrast threshold until the plane is removed.
        let path = try writeImage(in: dir, tilt: 8)
        let raw = try DetectCommand.parse([path, "--polarity", "dark"])
        #expect(try raw.detect(in: raw.levelled(raw.input.image(path))).isEmpty)
        let level = try DetectCommand.parse([path, "--polarity", "dark", "--level", "plane"])
        let pts = try level.detect(in: level.levelled(level.input.image(path)))
        #expect(pts.count == 2)
        for c in Self.centres.prefix(2) { #expect(pts.contains { $0.position.distance(to: c) < 0.1 }) }
    }

    @Test func badOptionsAreErrors() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try writeImage(in: dir)
        #expect(throws: (any Error).self) { try AnchorRegCommand.parseAsRoot(["detect", path, "--method", "sift"]) }
        var cmd = try AnchorRegCommand.parseAsRoot(["detect", path, "--colormap", "jet"])
        #expect(throws: ImageError.self) { try cmd.run() }
        cmd = try AnchorRegCommand.parseAsRoot(["detect", path, "--method", "extrema", "--refinement", "cubic"])
        #expect(throws: CLIError.self) { try cmd.run() }
        cmd = try AnchorRegCommand.parseAsRoot(["detect", path, "--contrast-threshold=-1"])
        #expect(throws: ImageError.self) { try cmd.run() }
        #expect(DetectCommand.helpMessage().contains("anchorreg detect"))
    }
}
