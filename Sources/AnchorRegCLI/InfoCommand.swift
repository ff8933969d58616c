import AnchorGeometry
import AnchorImaging
import ArgumentParser
import Foundation

/// `anchorreg info FILE`: what a file holds and how it is calibrated.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show an image file's format, size, channels, pixel size and value range.",
        discussion: """
            The format is recognised by the file's content. Pixel size and unit come from the \
            file's calibration (null/none when it has none). min and max are the finite value \
            range of the selected channel (the first by default).

            Examples:
              anchorreg info Si_7x7_028.sxm
              anchorreg info Si_7x7_028.sxm --channel "Z (backward)" --json
              anchorreg info image_with_defects.dat --raw 256,256,f64le,8 --json
            """)

    @Argument(help: "The image file.")
    var file: String

    @OptionGroup var input: ImageInputOptions

    @Flag(name: .long, help: "Print JSON on standard output.")
    var json = false

    struct Report: Encodable {
        var file: String
        var format: String
        var channel: String
        var width: Int
        var height: Int
        var channels: [String]
        var pixel_size: [Double]?
        var unit: String
        var value_unit: String?
        var min: Float?
        var max: Float?
        var has_rgb: Bool
        var metadata: [String: String]

        enum CodingKeys: String, CodingKey {
            case file, format, channel, width, height, channels, pixel_size, unit, value_unit, min, max, has_rgb, metadata
        }

        // Absent values are written as `null`, not left out, so scripts can rely on every key.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(file, forKey: .file)
            try c.encode(format, forKey: .format)
            try c.encode(channel, forKey: .channel)
            try c.encode(width, forKey: .width)
            try c.encode(height, forKey: .height)
            try c.encode(channels, forKey: .channels)
            try c.encode(pixel_size, forKey: .pixel_size)
            try c.encode(unit, forKey: .unit)
            try c.encode(value_unit, forKey: .value_unit)
            try c.encode(min, forKey: .min)
            try c.encode(max, forKey: .max)
            try c.encode(has_rgb, forKey: .has_rgb)
            try c.encode(metadata, forKey: .metadata)
        }
    }

    func report() throws -> Report {
        let doc = try input.document(file)
        let chosen = try input.selectedChannel(of: doc)
        let img = chosen.image
        let range = img.finiteRange
        return Report(
            file: file, format: doc.format.rawValue, channel: chosen.name, width: img.width, height: img.height,
            channels: doc.channels.map(\.name), pixel_size: img.pixelSize.map { [$0.x, $0.y] },
            unit: img.pixelSize == nil ? LengthUnit.none.rawValue : img.unit.rawValue, value_unit: img.valueUnit,
            min: range?.min, max: range?.max, has_rgb: doc.rgb != nil, metadata: doc.metadata)
    }

    func run() throws {
        let r = try report()
        if json { try JSONOutput.print(r); return }
        var lines = [
            "file:       \(r.file)",
            "format:     \(ImageFormat(rawValue: r.format)?.label ?? r.format)",
            "size:       \(r.width) × \(r.height) pixels",
            "channels:   " + r.channels.enumerated().map { "\($0.offset): \($0.element)" }.joined(separator: ", "),
            "channel:    \(r.channel)",
        ]
        if let ps = r.pixel_size {
            lines.append("pixel size: \(ps[0]) × \(ps[1]) \(r.unit)  (field \(ps[0] * Double(r.width)) × \(ps[1] * Double(r.height)) \(r.unit))")
        } else {
            lines.append("pixel size: not calibrated")
        }
        if let lo = r.min, let hi = r.max {
            lines.append("range:      \(lo) … \(hi)\(r.value_unit.map { " " + $0 } ?? "")")
        } else {
            lines.append("range:      no finite samples")
        }
        print(lines.joined(separator: "\n"))
    }
}
