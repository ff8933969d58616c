import AnchorGeometry
import AnchorRegistration
import ArgumentParser
import Foundation
import TestData
import Testing
@testable import AnchorRegCLI

/// Every example printed by `--help` is copy-pasteable and works: it never wraps in the middle
/// of a command at 80 columns, and each one is run, as a user would paste it, by `/bin/sh` in a
/// temporary folder holding the files it names (issue 14).
@Suite(.serialized) struct HelpExamplesTests {
    /// One example as printed (its lines), and the shell command it stands for.
    struct Example: CustomStringConvertible {
        var command: any ParsableCommand.Type
        var lines: [String]
        var shell: String { lines.map { $0.hasSuffix("\\") ? String($0.dropLast()) : $0 }.joined(separator: " ") }
        var description: String { shell }
    }

    /// Every command of the tree below `anchorreg`, the root included.
    static func commands(_ root: any ParsableCommand.Type = AnchorRegCommand.self) -> [any ParsableCommand.Type] {
        [root] + root.configuration.subcommands.flatMap { commands($0) }
    }

    /// The examples of a command's discussion: lines starting with `anchorreg `, continued by
    /// a trailing backslash; a trailing "(comment)" set off by two spaces is not part of it.
    static func examples(of command: any ParsableCommand.Type) -> [Example] {
        var out: [Example] = []
        var current: [String]? = nil
        for raw in command.configuration.discussion.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("Example: ") { line.removeFirst("Example: ".count) }
            if var lines = current {
                lines.append(line)
                current = line.hasSuffix("\\") ? lines : nil
                if current == nil { out.append(Example(command: command, lines: lines)) }
                continue
            }
            guard line.hasPrefix("anchorreg ") else { continue }
            if line.hasSuffix("\\") { current = [line] } else { out.append(Example(command: command, lines: [line])) }
        }
        return out.map { e in
            var e = e
            if let r = e.lines[e.lines.count - 1].range(of: #"\s{2,}\(.*\)$"#, options: .regularExpression) {
                e.lines[e.lines.count - 1].removeSubrange(r)
            }
            return e
        }
    }

    static let all: [Example] = commands().flatMap { examples(of: $0) }

    @Test("every command's help has an example; none wraps mid-command at 80 columns")
    func examplesDoNotWrap() throws {
        for command in Self.commands() where command != AnchorRegCommand.self {
            let name = command.configuration.commandName ?? "\(command)"
            #expect(!Self.examples(of: command).isEmpty, "\(name) has no example")
            let help = AnchorRegCommand.helpMessage(for: command, columns: 80)
                .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            for example in Self.examples(of: command) {
                for line in example.lines {
                    #expect(help.contains { $0 == line || $0.hasPrefix(line + "  ") || $0.hasPrefix("Example: " + line) },
                            "\(name): example wraps at 80 columns: \(line)")
                }
            }
        }
    }

    /// The built `anchorreg` beside the test runner (`swift build --build-tests` builds both).
    static func binaryDirectory() throws -> URL {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            if FileManager.default.isExecutableFile(atPath: candidate.appendingPathComponent("anchorreg").path) { return candidate }
        }
        throw CLIError.input("anchorreg binary not found beside \(dir.path); build with `swift build --build-tests`")
    }

    /// Runs `command` with `/bin/sh -c` in `dir`; returns exit status and standard error.
    static func sh(_ command: String, in dir: URL, binaries: URL) throws -> (status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.currentDirectoryURL = dir
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = binaries.path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        let errURL = dir.appendingPathComponent(".stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let err = try FileHandle(forWritingTo: errURL)
        p.standardError = err
        try p.run()
        p.waitUntilExit()
        try err.close()
        let text = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: errURL)
        return (p.terminationStatus, text)
    }

    /// The files the examples name: real frames from the shared data, synthetic frames and
    /// photograph pairs made by `anchorreg synth`, a design model, a mask and point CSVs.
    static func makeFixtures(in dir: URL, binaries: URL) throws {
        let fm = FileManager.default
        func link(_ name: String, _ real: String) throws {
            try fm.createSymbolicLink(atPath: dir.appendingPathComponent(name).path, withDestinationPath: try TestData.realPath(real))
        }
        for name in ["Si_7x7_028.sxm", "Si_a.sxm", "Si_b.sxm"] { try link(name, "si7x7-ethz-nanolib/Si_7x7_028.sxm") }
        try link("image_with_defects.dat", "si7x7-spiepy/image_with_defects.dat")
        for name in ["snakesmall1.jpg", "snakesmall2.jpg", "snake_design.jpg"] { try link(name, "optical-snake-hackerfab/" + name) }
        for setup in ["anchorreg synth si7x7 --seed 1 --size 256 --out fixture-stm",
                      "anchorreg synth om-pair --seed 3 --size 400x300 --out fixture-om",
                      "anchorreg synth si7x7 --seed 6 --size 256 --fov-nm 12 --series 3 --interval 40 --out series6",
                      "anchorreg synth lattice --model mos2 --contrast haadf --seed 1 --size 256 --out fixture-mos2",
                      "anchorreg models from-image snake_design.jpg --extractor rectangle --out snake.json"] {
            let r = try sh(setup, in: dir, binaries: binaries)
            try #require(r.status == 0, "fixture `\(setup)` failed: \(r.stderr)")
        }
        func copy(_ from: String, _ names: [String]) throws {
            for n in names { try fm.copyItem(at: dir.appendingPathComponent(from), to: dir.appendingPathComponent(n)) }
        }
        try copy("fixture-stm/frame.tiff", ["frame.tif", "frame1.tif", "frame2.tif", "adatoms.tif"])
        try copy("fixture-mos2/frame.tiff", ["stem.tif"])
        // A folder of frames (batch) and a watched folder holding one frame (watch).
        for folder in ["frames", "incoming"] {
            try fm.createDirectory(at: dir.appendingPathComponent(folder), withIntermediateDirectories: false)
        }
        try copy("fixture-stm/frame.tiff", ["frames/frame-00.tif", "incoming/frame-00.tif"])
        try copy("series6/frame_001.tiff", ["frames/frame-01.tif"])
        // Batch outputs for the `batch merge` examples: one whole run and three shards.
        for setup in ["anchorreg batch frames --model si111-7x7 --out results --quiet"]
                + (0..<3).map({ "anchorreg batch frames --model si111-7x7 --out shard\($0) --shard \($0)/3 --quiet" }) {
            let r = try sh(setup, in: dir, binaries: binaries)
            try #require(r.status == 0, "fixture `\(setup)` failed: \(r.stderr)")
        }
        // before.jpg/after.jpg hold the synthetic pair's PNG bytes (there is no JPEG writer;
        // readers go by the file's signature, not its extension).
        try copy("fixture-om/before.png", ["a.png", "c.png", "mask.png", "before.jpg"])
        try copy("fixture-om/after.png", ["b.png", "after.jpg"])
        try copy("fixture-om/device.json", ["device.json", "my-device.json"])
        try FitCommandTests.writeExampleInputs(in: dir)
    }

    @Test("every help example runs as printed, with exit status 0")
    func examplesRun() throws {
        let binaries = try Self.binaryDirectory()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("anchorreg-examples-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.makeFixtures(in: dir, binaries: binaries)
        #expect(Self.all.count >= 30)
        // Each distinct example runs in its own folder holding links to the fixtures, so one
        // example's outputs are not another's "already exists".
        let fixtures = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix("fixture-") }
        var seen = Set<String>()
        for (k, example) in Self.all.enumerated() where seen.insert(example.shell).inserted {
            let work = dir.appendingPathComponent("example-\(k)")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: false)
            let tokens = example.shell.split(separator: " ").map(String.init)
            let outputs = Set(zip(tokens, tokens.dropFirst()).filter { $0.0 == "--out" }.map(\.1))
            for name in fixtures where !outputs.contains(name) {
                try FileManager.default.createSymbolicLink(at: work.appendingPathComponent(name),
                                                           withDestinationURL: dir.appendingPathComponent(name))
            }
            let r = try Self.sh(example.shell, in: work, binaries: binaries)
            #expect(r.status == 0, "`\(example.shell)` exited \(r.status): \(r.stderr.suffix(600))")
        }
    }
}
