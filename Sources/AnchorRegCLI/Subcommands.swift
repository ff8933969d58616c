import ArgumentParser

extension AnchorRegCommand {
    /// Every subcommand, in the order `--help` lists them. Add new commands here.
    static let allSubcommands: [any ParsableCommand.Type] = [
        ModelsCommand.self,
        SynthCommand.self,
        BenchImagingCommand.self,
        FitCommand.self,
        ValidateCommand.self,
        InfoCommand.self,
        ConvertCommand.self,
        BenchFormatsCommand.self,
        BenchDetectCommand.self,
        AlignCommand.self,
        BenchAlignCommand.self,
    ]
}
