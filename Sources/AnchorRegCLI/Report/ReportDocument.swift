import AnchorRegistration
import Foundation

/// The data of one interactive `report.html`: what the page's fixed viewer script
/// (`ReportTemplate`) draws. The Swift side only fills this value; every interaction (pan,
/// zoom, layers, tooltips, scale bars) lives in the template. Keys are snake_case; image
/// coordinates are pixels of the analysed image (centres at integers, x right, y down).
struct ReportDocument: Encodable {
    /// "register", "locate", "demo" or "align".
    var kind: String
    var title: String
    /// Whether the result can be trusted, with its reasons; absent when the result carries none.
    var verdict: Verdict?
    /// Facts about the input file (channel, bias, setpoint, scan size, date).
    var metadata: [Row] = []
    /// Short remarks shown under the title (e.g. "shown as a downsampled overview").
    var notes: [String] = []
    var views: [View] = []
    var sections: [Section] = []
    var footer: String = ""

    /// A labelled value with a one-line explanation (a row of a key-figure table).
    struct Row: Encodable {
        var label: String
        var value: String
        var explain: String? = nil
    }

    /// An image the viewer shows with pan, zoom, layers and a scale bar.
    struct View: Encodable {
        var id: String
        var title: String
        var caption: String = ""
        /// Size of the coordinate space markers live in (the analysed image's pixels).
        var width: Int
        var height: Int
        /// For a detail crop: the pixel (x, y) of the full image at the view's pixel (0, 0);
        /// nil for a view of the whole image.
        var origin: [Int]? = nil
        var image: Picture
        /// A second picture on the same grid for a before/after slider and blink (align).
        var compare: Compare? = nil
        /// Length of one pixel of the coordinate space, in `length_unit`; nil: no scale bar.
        var length_per_px: Double?
        var length_unit: String?
        var colorbar: ColorBar? = nil
        var layers: [Layer] = []
    }

    /// A picture: PNG bytes (base64) and, for 8-bit gray PNGs, the colour map the viewer
    /// applies (index 0 = no data, drawn transparent over a checkerboard).
    struct Picture: Encodable {
        var png: String
        /// Size of the PNG; smaller than the view's when it is a downsampled overview.
        var width: Int
        var height: Int
        /// View pixels per PNG pixel (1, or the overview's reduction factor).
        var scale: Int = 1
        /// 256 × RGB colour map for gray PNGs (entries 1…255 = low…high); nil for RGB PNGs.
        var lut: [UInt8]?
    }

    struct Compare: Encodable {
        var label_a: String
        var label_b: String
        var image_b: Picture
    }

    /// The colour bar of a view: the colour map from `min` to `max` in `unit`.
    struct ColorBar: Encodable {
        var label: String
        var lut: [UInt8]
        var min: Double
        var max: Double
        /// Unit of the values (e.g. "m", "nm"); nil when the file does not store one.
        var unit: String?
    }

    /// One named overlay: markers drawn at a constant screen size on a canvas above the image.
    struct Layer: Encodable {
        var id: String
        var name: String
        var color: String
        /// "dot", "ring", "plus", "x", "label", "arrow", "polygon".
        var shape: String
        var visible: Bool = true
        /// Flat x, y pairs in image pixels (for "polygon": the first vertex of each polygon
        /// starts at `starts[k]`).
        var points: [Double]
        var starts: [Int]? = nil
        /// "label": the text at each point.
        var labels: [String]? = nil
        /// "arrow": flat dx, dy pairs (image pixels), drawn multiplied by `gain`.
        var vectors: [Double]? = nil
        var gain: Double? = nil
        /// What a hover or click on a marker shows: `fields` names, one record per point.
        /// Not written as such: `ReportDocument.add` moves them into `records` (see `details`).
        var fields: [String]? = nil
        var records: [[String]]? = nil
        /// Key of this layer's hover details in `ReportDocument.records`.
        var details: String? = nil
        /// Layers of different views with the same `share` key have the same records (the
        /// same sites drawn on two images), stored once.
        var share: String? = nil

        enum CodingKeys: String, CodingKey {
            case id, name, color, shape, visible, points, starts, labels, vectors, gain, details
        }
    }

    /// The hover details of one or more layers, dictionary-encoded so that 25 000 sites stay
    /// small: record r's field f is `strings[index[r * fields.count + f]]`.
    struct RecordSet: Encodable {
        var fields: [String]
        var strings: [String]
        var index: [Int]

        init(fields: [String], rows: [[String]]) {
            self.fields = fields
            var table: [String: Int] = [:]
            strings = []
            index = []
            index.reserveCapacity(rows.count * fields.count)
            for row in rows {
                for value in row {
                    if let k = table[value] {
                        index.append(k)
                    } else {
                        table[value] = strings.count
                        index.append(strings.count)
                        strings.append(value)
                    }
                }
            }
        }
    }

    /// Hover details by key (see `Layer.details`).
    var records: [String: RecordSet] = [:]

    /// Appends `view`, moving its layers' records into `records` (once per `share` key).
    mutating func add(_ view: View) {
        var v = view
        for k in v.layers.indices {
            guard let rows = v.layers[k].records, let fields = v.layers[k].fields else { continue }
            let key = v.layers[k].share ?? "\(v.id)/\(v.layers[k].id)"
            if records[key] == nil { records[key] = RecordSet(fields: fields, rows: rows) }
            v.layers[k].details = key
            v.layers[k].records = nil
            v.layers[k].fields = nil
        }
        views.append(v)
    }

    /// A section of text and tables under the views.
    struct Section: Encodable {
        var title: String
        var text: String? = nil
        var rows: [Row]? = nil
        var table: Table? = nil
        /// A figure as base64 SVG (e.g. line profiles).
        var svg: String? = nil
    }

    /// A table whose rows may centre a view on a point when clicked.
    struct Table: Encodable {
        var columns: [String]
        var cells: [[String]]
        /// Per row: [x, y] in the pixels of view `focus_view`, or nil.
        var focus: [[Double]?]? = nil
        var focus_view: String? = nil
        var id: String? = nil
    }
}
