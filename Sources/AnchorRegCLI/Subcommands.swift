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
        BatchCommand.self,
        SynthCommand.self,
        ModelsCommand.self,
        InfoCommand.self,
        ConvertCommand.self,
        DetectCommand.self,
    ]
}
