import ArgumentParser
import Foundation

extension AnchorRegCommand {
    /// Runs the command line after refusing an argument that is a file name starting with a
    /// dash: the parser would read `-dash.sxm` as the flags -d -a -s -h … and print the help
    /// with exit status 0 for a file name. `anchorreg` has no short option but -h, so any
    /// single-dash word longer than two characters that is not a number is such a name.
    public static func mainRefusingDashFileNames() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let message = dashFileNameProblem(arguments) {
            exit(withError: ValidationError(message))
        }
        main(arguments)
    }

    /// The message for the first dash-led file name before `--` in `arguments`, or nil.
    static func dashFileNameProblem(_ arguments: [String]) -> String? {
        let numeric = Set("0123456789.,eE+-")
        for a in arguments {
            if a == "--" { return nil }
            guard a.hasPrefix("-"), !a.hasPrefix("--"), a.count > 2 else { continue }
            if a.dropFirst().allSatisfy({ numeric.contains($0) }) { continue }   // -0.05, -0.8,0.4
            return "\"\(a)\" is not an option; to pass a file whose name starts with a dash, " +
                "put it after -- (anchorreg info -- \(a)) or write it as ./\(a)"
        }
        return nil
    }
}
