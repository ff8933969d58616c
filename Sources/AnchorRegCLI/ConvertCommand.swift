import AnchorGeometry
import AnchorImaging
import AnchorModels
import ArgumentParser
import Foundation

/// `anchorreg convert IN OUT`: between the formats AnchorReg reads and writes.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert an image file; the output format follows OUT's extension.",
        discussion: """
            Output formats:
              .tif/.tiff  float32 gray with ImageJ calibration (Fiji shows the scale), or
                          8-bit RGB for a colour photograph when no --channel is chosen;
                          --uint16 writes 16-bit gray (values rounded and clipped to 0…65535).
              .png        16-bit gray preview: the channel's finite min…max mapped linearly
                          onto 0…65535 (calibration kept as pHYs); 8-bit RGB for a colour
                          photograph when no --channel is chosen.
              .gsf        Gwyddion Simple Field (float32, calibrated, ZUnits = value unit).
              .gwy        Gwyddion native file (calibrated; values in SI base units, so
                          a frame in nm is stored in m with si_unit_z = m).
              .npy        NumPy float32 array (rows × columns; no calibration).

            Examples:
              anchorreg convert Si_7x7_028.sxm z.tif
              anchorreg convert Si_7x7_028.sxm current.png \\
                  --channel "Current (backward)"
              anchorreg convert image_with_defects.dat defects.gsf --raw 256,256,f64le,8
            """)

    @Argument(help: "The input image file.")
    var input: String

    @Argument(help: "The output file (.tif, .tiff, .png, .gsf, .gwy, .npy).")
    var output: String

    @OptionGroup var source: ImageInputOptions

    @Flag(name: .long, help: "Write 16-bit unsigned TIFF instead of float32.")
    var uint16 = false

    @Flag(name: .long, help: "Overwrite OUT if it exists.")
    var force = false

    @Flag(name: .long, help: "Print a JSON summary on standard output.")
    var json = false

    /// `--json`: every key always present (`pixel_size` and `value_unit` null when absent).
    struct Summary: Encodable {
        var input: String
        var output: String
        var format: String
        var channel: String
        var width: Int
        var height: Int
        /// Lateral size of a pixel in `unit`, null for an uncalibrated image.
        @NullWhenAbsent var pixel_size: [Double]?
        var unit: String
        /// Unit of the sample values as the file gives it, null when it gives none.
        @NullWhenAbsent var value_unit: String?
    }

    func run() throws {
        let ext = URL(fileURLWithPath: output).pathExtension.lowercased()
        guard ["tif", "tiff", "png", "gsf", "gwy", "npy"].contains(ext) else {
            throw CLIError.usage("cannot write \".\(ext)\" files; OUT must end in .tif, .tiff, .png, .gsf, .gwy or .npy")
        }
        // OUT is checked (free, its folder writable) before the input is read.
        try OutputFiles.checkPaths([output], force: force)
        let progress = ProgressBar(total: 2, label: "convert")
        let doc = try source.document(input)
        progress.advance()
        let useRGB = source.channel == nil && doc.rgb != nil && (ext == "png" || ext == "tif" || ext == "tiff")
        let chosen = try source.selectedChannel(of: doc)
        let image = chosen.image
        // Gwyddion shows the title: name the file and the channel, not a generic "gray".
        let title = "\(URL(fileURLWithPath: input).lastPathComponent) — \(chosen.name)"
        let data: Data
        switch ext {
        case "png":
            data = useRGB ? try PNGCodec.encode(rgb: doc.rgb!) : try PNGCodec.encode(image, bitDepth: 16)
        case "gsf":
            data = GwyddionGSF.write(image, title: title)
        case "gwy":
            data = GwyddionGWY.write(image, title: title)
        case "npy":
            data = NumPyNPY.write(image)
        default:
            data = useRGB ? TIFFWriter.encode(rgb: doc.rgb!) : try TIFFWriter.encode(image, as: uint16 ? .uint16 : .float32)
        }
        try OutputFiles.writeAtomically(data, to: URL(fileURLWithPath: output), force: force)
        progress.advance()
        progress.finish()
        let summary = Summary(
            input: input, output: output, format: ext == "tiff" ? "tif" : ext, channel: useRGB ? "rgb" : chosen.name,
            width: image.width, height: image.height, pixel_size: image.pixelSize.map { [$0.x, $0.y] },
            unit: image.pixelSize == nil ? "" : image.unit.rawValue, value_unit: useRGB ? nil : image.valueUnit)
        if json { try JSONOutput.print(summary) } else {
            print("wrote \(output) (\(summary.channel), \(image.width) × \(image.height))")
        }
    }
}
