import ArgumentParser
import Foundation

/// Which kinds of output file a command writes (`--outputs json,csv,tiff,png,html,gsf,gwy`).
///
/// - `json`: result.json;
/// - `csv`: tables (sites.csv, cells.csv, profiles.csv);
/// - `tiff`: calibrated float32 TIFF images;
/// - `png`: PNG previews and overlays;
/// - `html`: the self-contained report.html (it embeds its own PNGs whether or not `png` is
///   chosen);
/// - `gsf`: Gwyddion Simple Field .gsf images of the corrected data (`ZUnits` the value unit);
/// - `gwy`: Gwyddion native .gwy images of the corrected data (values in SI base units,
///   `si_unit_z` / `si_unit_xy`).
///
/// Without `--outputs`, a command writes what it always wrote (`defaults`), except that
/// `--json` alone writes no file: a machine that asks for JSON on stdout gets only that.
struct OutputSelection: OptionSet, Sendable, Hashable {
    let rawValue: Int

    static let json = OutputSelection(rawValue: 1 << 0)
    static let csv = OutputSelection(rawValue: 1 << 1)
    static let tiff = OutputSelection(rawValue: 1 << 2)
    static let png = OutputSelection(rawValue: 1 << 3)
    static let html = OutputSelection(rawValue: 1 << 4)
    static let gsf = OutputSelection(rawValue: 1 << 5)
    static let gwy = OutputSelection(rawValue: 1 << 6)

    static let names: [(String, OutputSelection)] = [
        ("json", .json), ("csv", .csv), ("tiff", .tiff), ("png", .png), ("html", .html), ("gsf", .gsf), ("gwy", .gwy),
    ]

    /// What register/locate/align wrote before `--outputs` existed.
    static let defaults: OutputSelection = [.json, .csv, .tiff, .png, .html]

    /// Parses a comma-separated list of kinds; `none` is the empty selection, `all` every kind.
    /// - Throws: `ValidationError` naming an unknown kind.
    static func parse(_ text: String) throws -> OutputSelection {
        var s: OutputSelection = []
        for raw in text.split(separator: ",") {
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if name == "none" { continue }
            if name == "all" { s.formUnion(OutputSelection(names.map(\.1))); continue }
            guard let kind = names.first(where: { $0.0 == name })?.1 else {
                throw ValidationError("--outputs: unknown kind \"\(name)\"; use a comma-separated list of "
                    + names.map(\.0).joined(separator: ", ") + " (or none, all)")
            }
            s.insert(kind)
        }
        return s
    }

    /// The selection a command uses: `--outputs` when given; otherwise nothing when `--json`
    /// prints the result, else `defaults`.
    static func resolve(_ option: String?, json: Bool, defaults: OutputSelection = .defaults) throws -> OutputSelection {
        if let option { return try parse(option) }
        return json ? [] : defaults
    }

    /// The kinds' names, comma-separated, in the order of `names`.
    var description: String {
        Self.names.filter { contains($0.1) }.map(\.0).joined(separator: ",")
    }
}

/// The `--outputs` option, shared by the commands that write files.
struct OutputSelectionOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Which files to write: a comma-separated list of json, csv, tiff, png, html, gsf, gwy (or none, all). "
            + "Default: json,csv,tiff,png,html; with --json alone, none.",
        valueName: "kinds"))
    var outputs: String?

    func validate() throws {
        if let outputs { _ = try OutputSelection.parse(outputs) }
    }
}
