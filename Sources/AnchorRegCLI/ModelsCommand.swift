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
              anchorreg models show mos2:0.315 --about   (WS2, in words)
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
        /// Literature reference of a material model (nil for the others).
        var reference: String?
    }

    public func run() throws {
        var rows: [Row] = []
        for e in BuiltinModels.catalog {
            let m = try BuiltinModels.named(e.name)
            rows.append(Row(name: e.name, parameter: e.parameter, summary: e.summary, unit: m.unit.rawValue,
                            anchors_per_cell_or_shape: m.anchorPoints.count,
                            objects_per_cell_or_shape: m.objectPoints.count,
                            nearest_anchor_distance: m.nearestAnchorDistance, periodic: m.isPeriodic,
                            reference: MaterialModel.named(e.name)?.reference))
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
              anchorreg models show perovskite-001 --about
            """)

    @Argument(help: "A built-in (name or name:param) or a JSON model file.")
    var name: String

    @Flag(name: .long, help: "Print JSON (the default form; accepted for uniformity).")
    var json = false

    @Flag(name: .long, help: "Describe the model in words instead: lattice, sites and roles, nearest distances, and for a material its STM/HAADF/ABF contrast and reference.")
    var about = false

    public init() {}

    public func run() throws {
        let model = try AnchorModel.load(name)
        if about && !json {
            print(Self.describe(model, material: MaterialModel.named(String(name.split(separator: ":").first ?? ""))))
            return
        }
        FileHandle.standardOutput.write(try model.jsonData())
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}

extension ModelsShowCommand {
    /// The `--about` text: lattice vectors, sites (fractional and model position, role, kind),
    /// nearest-anchor distance, and a material's contrast notes and reference.
    static func describe(_ model: AnchorModel, material: MaterialModel?) -> String {
        func f(_ v: Double) -> String { String(format: "%.4f", v) }
        var lines = ["\(model.name): \(model.summary)", "unit: \(model.unit.rawValue)"]
        if let l = model.lattice {
            lines.append("a1 = (\(f(l.a1.x)), \(f(l.a1.y))), a2 = (\(f(l.a2.x)), \(f(l.a2.y))); cell area \(f(l.cellArea))")
            for s in l.sites {
                let p = l.position(u: s.u, v: s.v)
                lines.append("  site \(s.name): (u, v) = (\(f(s.u)), \(f(s.v))), at (\(f(p.x)), \(f(p.y))), \(s.role.rawValue)\(s.kind.map { ", " + $0 } ?? "")")
            }
        } else if let shape = model.shape {
            for p in shape.points {
                lines.append("  point \(p.name): (\(f(p.position.x)), \(f(p.position.y))), \(p.role.rawValue)")
            }
        }
        lines.append("nearest anchor distance L = \(f(model.nearestAnchorDistance))")
        if let material {
            for c in ImagingContrast.allCases {
                let signals = material.siteSignal[c, default: [:]].sorted { $0.key < $1.key }
                    .map { "\($0.key) \(String(format: "%+.2f", $0.value))" }.joined(separator: ", ")
                lines.append("\(c.rawValue): \(material.contrastNotes[c] ?? "") [signal: \(signals)]")
            }
            lines.append("reference: \(material.reference)")
        }
        return lines.joined(separator: "\n")
    }
}
