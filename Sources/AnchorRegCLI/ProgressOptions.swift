import ArgumentParser

/// `--quiet` / `--progress`: whether a command draws its progress bar on stderr.
struct ProgressOptions: ParsableArguments {
    @Flag(name: .long, help: "No progress bar on standard error.")
    var quiet = false

    @Flag(name: .long, help: "Draw the progress bar on standard error even when it is not a terminal.")
    var progress = false

    func validate() throws {
        if quiet && progress { throw ValidationError("--quiet and --progress contradict each other; give one") }
    }

    /// The bar's policy: never with --quiet, always with --progress, else only on a terminal.
    var policy: ProgressBar.Policy { quiet ? .never : (progress ? .always : .auto) }
}
