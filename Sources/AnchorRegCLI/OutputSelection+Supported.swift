import Foundation
import ArgumentParser

extension OutputSelection {
    /// `resolve` for a command that writes only the `supported` kinds: `all` means all of
    /// them, and naming another kind is refused (rather than silently writing nothing).
    /// - Throws: `ValidationError` naming the kind the command does not write.
    static func resolve(_ option: String?, json: Bool, defaults: OutputSelection, supported: OutputSelection,
                        command: String) throws -> OutputSelection {
        if let option {
            for raw in option.split(separator: ",") {
                let extra = try parse(String(raw)).subtracting(supported)
                if !extra.isEmpty && raw.trimmingCharacters(in: .whitespaces).lowercased() != "all" {
                    throw ValidationError("--outputs: \(command) writes no \(extra.description) file; it writes "
                        + supported.description + " (or none, all)")
                }
            }
        }
        return try resolve(option, json: json, defaults: defaults).intersection(supported)
    }
}
