import ArgumentParser

extension AnchorRegCommand {
    /// Every subcommand, in the order `--help` lists them. Add new commands here.
    static let allSubcommands: [any ParsableCommand.Type] = [
        DemoCommand.self,
        RegisterCommand.self,
        LocateCommand.self,
        MatchCommand.self,
        TrackCommand.self,
        WatchCommand.self,
        AlignCommand.self,
        ValidateCommand.self,
        FitCommand.self,
        SynthCommand.self,
        ModelsCommand.self,
        InfoCommand.self,
        ConvertCommand.self,
        DetectCommand.self,
        BenchImagingCommand.self,
        BenchFormatsCommand.self,
        BenchDetectCommand.self,
        BenchSi7x7Command.self,
        BenchAlignCommand.self,
    ]
}
