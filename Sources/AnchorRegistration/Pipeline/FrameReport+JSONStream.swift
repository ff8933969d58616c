import AnchorGeometry
import AnchorModels

// The per-site, per-anchor and per-cell records are most of a frame's result.json; they write
// themselves straight into the streaming encoder (see `JSONStreamWritable`). Keys and their
// order are those of the synthesised `Encodable` conformances above, which other encoders
// still use: FrameReportJSONTests checks that both give the same JSON.

extension FrameReport.Site: JSONStreamWritable {
    package func writeJSON(to writer: JSONValueWriter) {
        writer.object { o in
            o.field("cell", cell)
            o.field("half", half)
            o.field("group", group)
            o.field("index", index)
            o.field("name", name)
            o.field("kind", kind)
            o.field("image", image)
            o.field("model", model)
            o.field("present", present)
            o.field("score", score)
            o.field("edge", edge)
        }
    }
}

extension FrameReport.Anchor: JSONStreamWritable {
    package func writeJSON(to writer: JSONValueWriter) {
        writer.object { o in
            o.field("model", model)
            o.field("image", image)
            o.field("reconstructed", reconstructed)
            o.field("inlier", inlier)
            o.field("residual_px", residual_px)
            o.field("domain", domain)
        }
    }
}

extension FrameReport.Cell: JSONStreamWritable {
    package func writeJSON(to writer: JSONValueWriter) {
        writer.object { o in
            o.field("cell", cell)
            o.field("half", half)
            o.field("group", group)
            o.field("bits", bits)
        }
    }
}
