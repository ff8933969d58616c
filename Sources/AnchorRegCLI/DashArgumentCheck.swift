import ArgumentParser
import Foundation

extension AnchorRegCommand {
    /// Runs the command line after refusing an argument that is a file name starting with a
    /// dash: the parser would read `-dash.sxm` as the flags -d -a -s -h … and print the help
    /// with exit status 0 for a file name. `anchorreg` has no short option but -h, so any
    /// single-dash word longer than two characters that is not a number is such a name.
    public static func mainRefusingDashFileNames() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let raw = (1..<Int(CommandLine.argc)).map { k -> [UInt8] in
            guard let p = CommandLine.unsafeArgv[k] else { return [] }
            return Array(UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p)))
        }
        if let message = nonUTF8ArgumentProblem(raw) ?? dashFileNameProblem(arguments) {
            exit(withError: ValidationError(message))
        }
        main(arguments)
    }

    /// The message for the first argument whose bytes are not UTF-8, or nil. Swift decodes
    /// such an argument with U+FFFD in place of the bad bytes, so a file of that name would
    /// be reported as "no such file" although it exists (issue 14, hostile input).
    static func nonUTF8ArgumentProblem(_ arguments: [[UInt8]]) -> String? {
        for (k, bytes) in arguments.enumerated() where String(validating: bytes, as: UTF8.self) == nil {
            let shown = String(decoding: bytes, as: UTF8.self)
            return "argument \(k + 1) (\"\(shown)\") is not valid UTF-8 (the \u{FFFD} marks the bytes that are not); " +
                "AnchorReg reads names as UTF-8: rename the file, e.g. with convmv, or pass it through a symbolic link"
        }
        return nil
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
