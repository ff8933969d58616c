import AnchorRegCLI
import ArgumentParser

/// The `anchorreg-bench` root command: benchmark and study commands for `Benchmarks/`, built
/// as a separate executable so the shipped `anchorreg` carries none of them.
public struct AnchorRegBenchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "anchorreg-bench",
        abstract: "Benchmarks and acceptance studies of AnchorReg (build with -c release to time).",
        version: AnchorRegVersion.string,
        subcommands: [
            BenchImagingCommand.self,
            BenchFormatsCommand.self,
            BenchDetectCommand.self,
            BenchSi7x7Command.self,
            BenchLatticeCommand.self,
            BenchAlignCommand.self,
            ExportSamplesCommand.self,
        ]
    )

    public init() {}
}
