import ArgumentParser
import Testing
@testable import AnchorRegCLI

@Suite struct RootCommandTests {
    @Test("--version prints the version; every listed command parses and has its own usage")
    func versionAndCommands() throws {
        do {
            _ = try AnchorRegCommand.parseAsRoot(["--version"])
            Issue.record("--version parsed as a command")
        } catch {
            #expect(AnchorRegCommand.message(for: error) == AnchorRegVersion.string)
            #expect(AnchorRegCommand.exitCode(for: error) == .success)
        }
        let help = AnchorRegCommand.helpMessage()
        for command in AnchorRegCommand.allSubcommands {
            let name = try #require(command.configuration.commandName)
            #expect(help.contains("  \(name) "), "\(name) missing from --help")
            #expect(AnchorRegCommand.helpMessage(for: command).contains("USAGE: anchorreg \(name)"))
        }
    }

    /// The benchmark commands live in `anchorreg-bench` (issue 14): the shipped CLI neither
    /// lists them, hidden or not, nor accepts them.
    @Test("no benchmark command in the shipped CLI")
    func noBenchmarkCommands() {
        let help = AnchorRegCommand.helpMessage(includeHidden: true)
        #expect(!help.contains("bench"))
        for name in ["bench-imaging", "bench-formats", "bench-detect", "bench-si7x7", "bench-align"] {
            #expect(throws: (any Error).self) { try AnchorRegCommand.parseAsRoot([name]) }
        }
        #expect(!AnchorRegCommand.allSubcommands.contains { ($0.configuration.commandName ?? "").hasPrefix("bench") })
        #expect(!AnchorRegCommand.helpMessage(for: ValidateCommand.self, includeHidden: true).contains("export-samples"))
        #expect(throws: (any Error).self) { try AnchorRegCommand.parseAsRoot(["validate", "--export-samples", "x"]) }
    }
}
