import AnchorGeometry
import AnchorModels
import Foundation

/// A four-cornered feature of a device model: the anchors of one `group` (or of the whole
/// shape when anchors carry no group) with `kind` "corner", and its "centre" anchor if the
/// model lists one.
public struct ModelQuadrilateral: Sendable, Hashable {
    /// The group's name ("" for ungrouped anchors).
    public var group: String
    /// Corner anchors in model units, clockwise on screen (model y points down, like images).
    public var corners: [ModelPoint]
    /// The centre anchor, when the model has one for this group.
    public var centre: ModelPoint?

    /// The quadrilaterals of `model`: every group with exactly four "corner" anchors.
    /// - Throws: `DeviceError.unsupportedModel` when there is none (e.g. a lattice model).
    public static func all(in model: AnchorModel) throws -> [ModelQuadrilateral] {
        guard !model.isPeriodic else {
            throw DeviceError.unsupportedModel(reason: "\(model.name) is a lattice; device alignment needs a shape model with corner anchors")
        }
        var groups: [String: [ModelPoint]] = [:]
        var order: [String] = []
        for p in model.anchorPoints {
            let g = p.group ?? ""
            if groups[g] == nil { order.append(g) }
            groups[g, default: []].append(p)
        }
        var out: [ModelQuadrilateral] = []
        for g in order {
            let pts = groups[g] ?? []
            let corners = pts.filter { $0.kind == "corner" }
            guard corners.count == 4 else { continue }
            let cx = corners.map(\.position.x).reduce(0, +) / 4, cy = corners.map(\.position.y).reduce(0, +) / 4
            // Clockwise on screen (y down) = increasing atan2(y, x) about the centroid.
            func angle(_ p: ModelPoint) -> Double { atan2(p.position.y - cy, p.position.x - cx) }
            let sorted = corners.sorted { angle($0) < angle($1) }
            out.append(ModelQuadrilateral(group: g, corners: sorted, centre: pts.first { $0.kind == "centre" }))
        }
        guard !out.isEmpty else {
            throw DeviceError.unsupportedModel(reason: "\(model.name) has no group of exactly four anchors of kind \"corner\" (a square, a rectangle or pads)")
        }
        return out
    }
}
