import Foundation
import Testing
import AnchorGeometry
import AnchorImaging
import AnchorModels
import AnchorRegistration
@testable import AnchorRegCLI

/// `track`'s stack.tif, now written page by page, holds the very bytes the whole-stack
/// encoder (`TIFFWriter.encodePages`) writes for the same pages; and `track` takes the shared
/// `--quiet` / `--progress` options.
@Suite(.serialized) struct TrackStackCommandTests {
    /// track.json's stack description and frames.
    struct Result: Decodable {
        struct Stack: Decodable { var pixels_per_unit: Double; var width: Int; var height: Int; var pages: [String] }
        var stack: Stack
        var frames: [TrackedFrame]
    }

    @Test func streamedStackIsByteIdenticalToTheWholeStackEncoder() throws {
        let dir = try BatchTestFrames.tempDir("track-stack")
        let series = dir.appendingPathComponent("series").path
        let out = dir.appendingPathComponent("out")
        var cmd = try AnchorRegCommand.parseAsRoot(["synth", "si7x7", "--seed", "9", "--size", "192", "--fov-nm", "10",
                                                    "--series", "3", "--interval", "30", "--out", series])
        try cmd.run()
        cmd = try AnchorRegCommand.parseAsRoot(["track", series, "--model", "si111-7x7", "--out", out.path,
                                                "--outputs", "json,tiff", "--quiet"])
        try cmd.run()
        let result = try JSONDecoder().decode(Result.self, from: Data(contentsOf: out.appendingPathComponent("track.json")))
        // The pages rebuilt from track.json, then encoded whole.
        let model = try AnchorModel.load("si111-7x7")
        let lattice = try #require(model.lattice)
        let grid = try SeriesStack.grid(covering: result.frames, lattice: lattice,
                                        pixelsPerUnit: result.stack.pixels_per_unit, unit: model.unit)
        #expect(grid.width == result.stack.width && grid.height == result.stack.height)
        let stacked = result.frames.filter { $0.cellOffset != nil }
        #expect(stacked.count == 3 && stacked.map(\.file) == result.stack.pages)
        let pages = try stacked.map { t in
            try SeriesStack.page(ImageFile.read(path: t.file).defaultChannel().image, frame: t, grid: grid, lattice: lattice)
        }
        let whole = try TIFFWriter.encodePages(pages, dateTimes: stacked.map { CivilDateTime(secondsSinceEpoch: $0.start) })
        let written = try Data(contentsOf: out.appendingPathComponent("stack.tif"))
        #expect(written.count == whole.count)
        #expect(written == whole)
        // Nothing but the selected files (no temporary, no lock) is left.
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: out.path)) == ["track.json", "stack.tif"])
    }

    @Test func takesQuietAndProgress() throws {
        let base = ["track", "series", "--model", "si111-7x7", "--json"]
        let quiet = try #require(try AnchorRegCommand.parseAsRoot(base + ["--quiet"]) as? TrackCommand)
        #expect(quiet.progress.policy == .never)
        let forced = try #require(try AnchorRegCommand.parseAsRoot(base + ["--progress"]) as? TrackCommand)
        #expect(forced.progress.policy == .always)
        #expect(throws: (any Error).self) { try AnchorRegCommand.parseAsRoot(base + ["--quiet", "--progress"]) }
    }
}
