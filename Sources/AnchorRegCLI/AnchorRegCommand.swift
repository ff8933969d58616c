import ArgumentParser

/// The `anchorreg` root command. Subcommands are thin: they parse, call the library, write
/// files and print.
public struct AnchorRegCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "anchorreg",
        abstract: "Register microscopy images to an ideal structural model (anchor points).",
        discussion: """
            AnchorReg removes drift, creep and perspective distortion by fitting a homography \
            between a structural model and points detected in the image, after Diao et al., \
            Sci. Rep. 15, 13486 (2025).
            """,
        version: AnchorRegVersion.string,
        subcommands: AnchorRegCommand.allSubcommands
    )

    public init() {}
}

public enum AnchorRegVersion {
    public static let string = "0.1.0"
}
