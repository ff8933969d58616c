import AnchorModels
import ArgumentParser
import Foundation

/// `anchorreg models`: the built-in anchor models, and any model as JSON.
public struct ModelsCommand: ParsableCommand {
    /// The subcommands of `models`. Add new ones here (e.g. `from-image`).
    static let allSubcommands: [any ParsableCommand.Type] = [ModelsListCommand.self, ModelsShowCommand.self, ModelsFromImageCommand.self]

    public static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the built-in anchor models or print one as JSON.",
        discussion: """
            A model names the anchor points matched to the image (the paper's P_m) and the \
            objects localised afterwards, in a physical unit. Built-ins take a parameter after \
            a colon: square:40 is a 40 µm square. Model files follow the schema in docs/models.md.

            Examples:
              anchorreg models
              anchorreg models --json
              anchorreg models show si111-7x7 > si.json
              anchorreg models show square:40
              anchorreg models show my-device.json      (checks a model file)
            """,
        subcommands: allSubcommands,
        defaultSubcommand: ModelsListCommand.self)

    public init() {}
}

/// `anchorreg models list` (the default of `models`).
public struct ModelsListCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the built-in models, one line each.",
        discussion: "Example: anchorreg models list --json")

    @Flag(name: .long, help: "Print the list as JSON.")
    var json = false

    public init() {}

    struct Row: Encodable {
        var name: String
        var parameter: String
        var summary: String
        var unit: String
        var anchors_per_cell_or_shape: Int
        var objects_per_cell_or_shape: Int
        var nearest_anchor_distance: Double
        var periodic: Bool
    }

    public func run() throws {
        var rows: [Row] = []
        for e in BuiltinModels.catalog {
            let m = try BuiltinModels.named(e.name)
            rows.append(Row(name: e.name, parameter: e.parameter, summary: e.summary, unit: m.unit.rawValue,
                            anchors_per_cell_or_shape: m.anchorPoints.count,
                            objects_per_cell_or_shape: m.objectPoints.count,
                            nearest_anchor_distance: m.nearestAnchorDistance, periodic: m.isPeriodic))
        }
        if json {
            try JSONOutput.print(rows)
            return
        }
        let width = rows.map(\.name.count).max() ?? 0
        for r in rows {
            let pad = String(repeating: " ", count: width - r.name.count)
            let param = r.parameter.isEmpty ? "" : " [:\(r.parameter)]"
            print("\(r.name)\(pad)  \(r.summary)\(param)")
        }
    }
}

/// `anchorreg models show NAME`.
public struct ModelsShowCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a model as JSON (a built-in, or a model file after checking it).",
        discussion: """
            Examples:
              anchorreg models show si111-7x7
              anchorreg models show hex-lattice:0.246
              anchorreg models show device.json
            """)

    @Argument(help: "A built-in (name or name:param) or a JSON model file.")
    var name: String

    @Flag(name: .long, help: "Print JSON (the default and only form; accepted for uniformity).")
    var json = false

    public init() {}

    public func run() throws {
        let model = try AnchorModel.load(name)
        FileHandle.standardOutput.write(try model.jsonData())
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}
