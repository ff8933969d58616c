import AnchorImaging
import AnchorModels
import AnchorRegistration
import ArgumentParser
import Foundation

/// `anchorreg models from-image`: a device model from its design drawing.
public struct ModelsFromImageCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "from-image",
        abstract: "Make a device model from a design drawing (mask layout image).",
        discussion: """
            The four-sided features of the drawing (contact pads, a device square) are found \
            with the rectangle extractor; each becomes an anchor group Pk with its corners \
            (Pk.c1…c4, clockwise from top-left) and centre, and a region Pk; the region \
            "drawing" covers the whole image. Model coordinates: drawing pixels times --scale \
            (µm per px), origin at the drawing's first pixel, y down. Without --scale the \
            model is in drawing pixels: its unit is "px" and everything measured with it \
            (align's MAE, grid, profiles, areas) is in drawing pixels, not µm.

            Examples:
              anchorreg models from-image snake_design.jpg --extractor rectangle \\
                  --out snake.json
              anchorreg models from-image mask.png --scale 0.5 --out device.json --json
            """)

    @Argument(help: "The design drawing (PNG, JPEG, TIFF, …).")
    var design: String

    @Option(name: .long, help: "Extractor: rectangle (the only one for drawings).")
    var extractor: String = "rectangle"

    @Option(name: .long, help: "Scale of the drawing in µm per pixel.")
    var scale: Double?

    @Option(name: .long, help: "Name of the model (default: the file name without extension).")
    var name: String?

    @Flag(name: .long, help: "Leave the features' centres out of the anchors.")
    var noCentres = false

    @Option(name: .long, help: "Output model file (JSON).")
    var out: String

    @Flag(name: .long, help: "Also print the model as JSON on standard output.")
    var json = false

    @Flag(name: .long, help: "Overwrite an existing output file.")
    var force = false

    @OptionGroup var input: ImageInputOptions

    public init() {}

    public func validate() throws {
        guard extractor == "rectangle" else {
            throw ValidationError("--extractor \(extractor): drawings support only \"rectangle\"")
        }
        if let s = scale, !(s.isFinite && s > 0) { throw ValidationError("--scale must be a positive number of µm per pixel") }
    }

    public func run() throws {
        let doc = try input.document(design)
        let lum: Image
        if input.channel == nil, let rgb = doc.rgb { lum = rgb.luminance() } else { lum = try input.selectedChannel(of: doc).image }
        let modelName = name ?? ((design as NSString).lastPathComponent as NSString).deletingPathExtension
        let model = try DesignModelBuilder.model(fromDrawing: lum, name: modelName, micrometresPerPixel: scale,
                                                 includeCentres: !noCentres)
        if scale == nil {
            // On stderr so that it also reaches a user of --json.
            FileHandle.standardError.write(Data("note: no --scale given: the model is in drawing pixels (unit \"px\"), not µm; lengths measured with it (align's MAE, grid, profiles, areas) are drawing pixels. Give --scale µm-per-px for physical units.\n".utf8))
        }
        let data = try model.jsonData()
        try OutputFiles(directory: nil, force: force).write(data, to: out)
        if json {
            FileHandle.standardOutput.write(data)
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            let groups = Set(model.anchorPoints.compactMap(\.group)).count
            print("\(out): \(groups) feature(s), \(model.anchorPoints.count) anchors, unit \(model.unit == .none ? "px (drawing pixels)" : model.unit.rawValue)")
        }
    }
}
