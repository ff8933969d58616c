import ArgumentParser
import Foundation
import TestData
import Testing
@testable import AnchorRegCLI

/// Command lines that used to trap or answer silently (issue 14, "Hostile input").
@Suite struct HostileCommandLineTests {
    @Test("a file name starting with a dash is refused with the way to pass it, not taken for -h")
    func dashFileNames() {
        let problem = AnchorRegCommand.dashFileNameProblem(["info", "-dash.sxm"])
        #expect(problem?.contains("anchorreg info -- -dash.sxm") == true)
        #expect(AnchorRegCommand.dashFileNameProblem(["info", "--", "-dash.sxm"]) == nil)
        #expect(AnchorRegCommand.dashFileNameProblem(["info", "./-dash.sxm"]) == nil)
        #expect(AnchorRegCommand.dashFileNameProblem(["synth", "om-pair", "--change", "-0.05", "--drift", "-0.8,0.4"]) == nil)
        #expect(AnchorRegCommand.dashFileNameProblem(["info", "x.sxm", "-h"]) == nil)
        // After `--` the parser takes the name as a file, not as options.
        #expect(throws: Never.self) { try AnchorRegCommand.parseAsRoot(["info", "--", "-dash.sxm"]) }
    }

    @Test("a file name that is not UTF-8 is named as such, not reported as missing")
    func nonUTF8FileName() throws {
        #expect(AnchorRegCommand.nonUTF8ArgumentProblem([Array("info".utf8), [0x62, 0xFF, 0x2E, 0x70]])?
            .contains("argument 2") == true)
        #expect(AnchorRegCommand.nonUTF8ArgumentProblem([Array("info".utf8), Array("Größe.sxm".utf8)]) == nil)
        // Through the real binary: the raw bytes reach argv only from a shell.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("anchorreg-utf8-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try HelpExamplesTests.sh("printf x > \"$(printf 'bad\\377.png')\"; anchorreg info \"$(printf 'bad\\377.png')\"",
                                         in: dir, binaries: try HelpExamplesTests.binaryDirectory())
        #expect(r.status != 0)
        #expect(r.stderr.contains("not valid UTF-8"), "\(r.stderr)")
    }

    @Test("validate refuses sample counts that overflow or exceed the work bound")
    func validateSamples() throws {
        for samples in ["9223372036854775807", "100000000"] {
            var cmd = try AnchorRegCommand.parseAsRoot(["validate", "--samples", samples])
            #expect { try cmd.run() } throws: { "\($0)".contains("samples") }
        }
    }

    @Test("fit refuses a number with a NUL byte inside (it used to read \"1\\u{0}9\" as 1)")
    func nulInCSV() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("anchorreg-nul-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("nul.csv")
        var text = "model_x,model_y,image_x,image_y\n"
        for (x, y) in [(0, 0), (1, 0), (0, 1), (1, 1), (2, 1)] { text += "\(x),\(y),\(x + 1),\(y)\n" }
        text = text.replacingOccurrences(of: "0,0,1,0\n", with: "0,0,1\u{0}9,0\n")
        try Data(text.utf8).write(to: csv)
        var cmd = try AnchorRegCommand.parseAsRoot(["fit", csv.path])
        #expect { try cmd.run() } throws: { "\($0)".contains("line 2") }
    }

    @Test("an output folder is claimed before the work: a second run into it is refused while the first holds it")
    func outputClaim() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("anchorreg-claim-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run").path
        let first = try OutputFiles(directory: out, force: false).claim(["result.json"])
        #expect(first.created)
        #expect { try OutputFiles(directory: out, force: true).claim(["result.json"]) } throws: {
            "\($0)".contains("another run is writing into")
        }
        first.end(failed: false)
        let second = try OutputFiles(directory: out, force: false).claim(["result.json"])
        #expect(!second.created)
        second.end(failed: true)
        #expect(FileManager.default.fileExists(atPath: out))   // not made by the failed run: kept
        #expect(!FileManager.default.fileExists(atPath: out + "/" + OutputFiles.lockName))
        // A failed run removes the empty folder it made.
        let fresh = dir.appendingPathComponent("fresh").path
        try OutputFiles(directory: fresh, force: false).claim([]).end(failed: true)
        #expect(!FileManager.default.fileExists(atPath: fresh))
    }

    @Test("an existing output is refused before the input is even read")
    func outputsCheckedBeforeAnalysis() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("anchorreg-before-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("{}".utf8).write(to: dir.appendingPathComponent("result.json"))
        var cmd = try AnchorRegCommand.parseAsRoot(["locate", dir.appendingPathComponent("missing.sxm").path,
                                                    "--model", "si111-7x7", "--out", dir.path])
        #expect { try cmd.run() } throws: { "\($0)".contains("result.json exists; pass --force") }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(OutputFiles.lockName).path))
    }

    @Test("absurd angles, distances and thread counts are refused at parse time or before work")
    func absurdOptions() throws {
        for args in [["fit", "x.csv", "--unpaired", "--rotation", "1e308"], ["fit", "x.csv", "--unpaired", "--rotation-tolerance", "1e308"],
                     ["validate", "--threads", "9223372036854775807"]] {
            #expect(throws: (any Error).self, "\(args)") { try AnchorRegCommand.parseAsRoot(args) }
        }
        var detect = try AnchorRegCommand.parseAsRoot(["detect", try TestData.realPath("si7x7-ethz-nanolib/Si_7x7_028.sxm"), "--min-distance", "1e308"])
        #expect { try detect.run() } throws: { "\($0)".contains("--min-distance") }
    }
}
