import ArgumentParser

extension AnchorRegCommand {
    /// Every subcommand, in the order `--help` lists them. Add new commands here.
    static let allSubcommands: [any ParsableCommand.Type] = [
        InfoCommand.self,
        ConvertCommand.self,
        DetectCommand.self,
        BenchFormatsCommand.self,
        BenchImagingCommand.self,
        BenchDetectCommand.self,
    ]
}
