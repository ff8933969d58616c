import AnchorGeometry
import Foundation

/// Reading and writing anchor models as JSON (schema: docs/models.md).
extension AnchorModel {
    /// The schema version written by `jsonData()` and the newest one read.
    public static let schemaVersion = 1

    /// Reads and checks a model from JSON bytes.
    ///
    /// - Throws: `ModelError` naming the first mistake: `.invalidJSON`, `.missingField`,
    ///   `.wrongType`, `.wrongVectorLength`, `.nonFiniteNumber`, `.unknownUnit`,
    ///   `.geometryKind` (both or neither of `shape` and `lattice`), `.zeroLatticeVector`,
    ///   `.parallelLatticeVectors`, `.fractionalOutOfRange`, `.duplicateSiteName`,
    ///   `.unknownRole`, `.noAnchors`, `.coincidentAnchors`, `.invalidIndex`,
    ///   `.degenerateRegion`, `.duplicateRegionName`, `.unsupportedVersion`, `.tooLarge`.
    public init(jsonData: Data) throws {
        try ModelLimits.check("the file (bytes)", count: jsonData.count, limit: ModelLimits.maxFileBytes)
        let root: JSONValue
        do {
            root = try JSONDecoder().decode(JSONValue.self, from: jsonData)
        } catch let DecodingError.dataCorrupted(context) {
            throw ModelError.invalidJSON(context.underlyingError.map { "\($0)" } ?? context.debugDescription)
        } catch {
            throw ModelError.invalidJSON("\(error)")
        }
        try self.init(json: root)
    }

    init(json root: JSONValue) throws {
        let r = try JSONObjectReader(root, path: "")
        if r.has("version") {
            let v = try r.number("version")
            guard v == v.rounded() else { throw ModelError.wrongType(path: "version", expected: "an integer") }
            // Compared as a number: 1e300 is a whole number too, but no Int.
            guard v <= Double(Self.schemaVersion) else {
                throw ModelError.unsupportedVersion(v < 1e15 ? Int(v) : Int.max)
            }
        }
        let name = try r.string("name")
        let unitText = try r.string("unit")
        guard let unit = LengthUnit(parsing: unitText) else {
            throw ModelError.unknownUnit(path: "unit", value: unitText)
        }
        let geometry: ModelGeometry
        switch (r.has("shape"), r.has("lattice")) {
        case (true, true):
            throw ModelError.geometryKind("give either \"shape\" or \"lattice\", not both")
        case (false, false):
            throw ModelError.geometryKind("a model needs a \"shape\" (finite points) or a \"lattice\" (a1, a2, sites)")
        case (true, false):
            let s = try JSONObjectReader(try r.value("shape"), path: "shape")
            var points: [ShapePoint] = []
            let items = try s.array("points")
            try ModelLimits.check("shape.points", count: items.count, limit: ModelLimits.maxPoints)
            for (k, v) in items.enumerated() {
                let p = try JSONObjectReader(v, path: "shape.points[\(k)]")
                let f = try Self.common(p, defaultName: "P\(k + 1)")
                let (x, y) = try p.point("position")
                points.append(ShapePoint(name: f.name, position: Point2(x, y), role: f.role,
                                         group: f.group, index: f.index, kind: f.kind))
            }
            geometry = .shape(ShapeModel(points: points))
        case (false, true):
            let l = try JSONObjectReader(try r.value("lattice"), path: "lattice")
            let (a1x, a1y) = try l.point("a1")
            let (a2x, a2y) = try l.point("a2")
            var sites: [Site] = []
            let items = try l.array("sites")
            try ModelLimits.check("lattice.sites", count: items.count, limit: ModelLimits.maxPoints)
            for (k, v) in items.enumerated() {
                let p = try JSONObjectReader(v, path: "lattice.sites[\(k)]")
                let f = try Self.common(p, defaultName: "S\(k + 1)")
                let (u, w) = try p.point("position")
                sites.append(Site(name: f.name, u: u, v: w, role: f.role,
                                  group: f.group, index: f.index, kind: f.kind))
            }
            geometry = .lattice(LatticeModel(a1: Point2(a1x, a1y), a2: Point2(a2x, a2y), sites: sites))
        }
        var regions: [NamedRegion] = []
        var vertexCount = 0
        if r.has("regions") {
            for (k, v) in try r.array("regions").enumerated() {
                let p = try JSONObjectReader(v, path: "regions[\(k)]")
                let rname = try p.string("name")
                var poly: [Point2] = []
                let vertices = try p.array("polygon")
                vertexCount += vertices.count
                try ModelLimits.check("regions (vertices)", count: vertexCount, limit: ModelLimits.maxRegionVertices)
                for (q, pv) in vertices.enumerated() {
                    let (x, y) = try JSONObjectReader.point(pv, path: "regions[\(k)].polygon[\(q)]")
                    poly.append(Point2(x, y))
                }
                regions.append(NamedRegion(name: rname, polygon: poly))
            }
        }
        var contrast: AnchorContrast?
        if let c = try r.optionalString("anchor_contrast") {
            guard let parsed = AnchorContrast(rawValue: c) else {
                throw ModelError.wrongType(path: "anchor_contrast", expected: "\"dark\", \"bright\" or \"edge\"")
            }
            contrast = parsed
        }
        try self.init(name: name, summary: try r.optionalString("description") ?? "", unit: unit,
                      geometry: geometry, regions: regions,
                      defaultExtractor: try r.optionalString("default_extractor"),
                      anchorContrast: contrast)
    }

    private static func common(_ p: JSONObjectReader, defaultName: String) throws
        -> (name: String, role: SiteRole, group: String?, index: Int?, kind: String?)
    {
        let name = try p.optionalString("name") ?? defaultName
        var role = SiteRole.anchor
        if p.has("role") {
            let text = try p.string("role")
            guard let parsed = SiteRole(rawValue: text) else {
                throw ModelError.unknownRole(site: name, value: text)
            }
            role = parsed
        }
        if p.has("index") {
            let d = try p.number("index")
            guard d == d.rounded(), d >= 1, d < 1e9 else { throw ModelError.invalidIndex(site: name, value: d) }
        }
        return (name, role, try p.optionalString("group"), try p.optionalInt("index"), try p.optionalString("kind"))
    }

    /// The model as a JSON value in the documented schema.
    var json: JSONValue {
        var o: [String: JSONValue] = [
            "version": .number(Double(Self.schemaVersion)),
            "name": .string(name),
            // A model without a physical scale (made from a drawing without --scale) says "px"
            // rather than "", so that nobody reads its numbers as µm.
            "unit": .string(unit == .none ? "px" : unit.rawValue),
        ]
        if !summary.isEmpty { o["description"] = .string(summary) }
        if let defaultExtractor { o["default_extractor"] = .string(defaultExtractor) }
        if let anchorContrast { o["anchor_contrast"] = .string(anchorContrast.rawValue) }
        func pair(_ x: Double, _ y: Double) -> JSONValue { .array([.number(x), .number(y)]) }
        func extras(_ o: inout [String: JSONValue], group: String?, index: Int?, kind: String?) {
            if let group { o["group"] = .string(group) }
            if let index { o["index"] = .number(Double(index)) }
            if let kind { o["kind"] = .string(kind) }
        }
        switch geometry {
        case .shape(let s):
            o["shape"] = .object(["points": .array(s.points.map { p in
                var q: [String: JSONValue] = ["name": .string(p.name), "position": pair(p.position.x, p.position.y),
                                              "role": .string(p.role.rawValue)]
                extras(&q, group: p.group, index: p.index, kind: p.kind)
                return .object(q)
            })])
        case .lattice(let l):
            o["lattice"] = .object([
                "a1": pair(l.a1.x, l.a1.y),
                "a2": pair(l.a2.x, l.a2.y),
                "sites": .array(l.sites.map { s in
                    var q: [String: JSONValue] = ["name": .string(s.name), "position": pair(s.u, s.v),
                                                  "role": .string(s.role.rawValue)]
                    extras(&q, group: s.group, index: s.index, kind: s.kind)
                    return .object(q)
                }),
            ])
        }
        if !regions.isEmpty {
            o["regions"] = .array(regions.map { r in
                .object(["name": .string(r.name), "polygon": .array(r.polygon.map { pair($0.x, $0.y) })])
            })
        }
        return .object(o)
    }

    /// The model as JSON in the documented schema (pretty-printed, sorted keys); reading it
    /// back with `init(jsonData:)` gives an equal model.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(json)
    }
}

extension AnchorModel: Codable {
    /// Decodes from the documented schema; mistakes surface as `DecodingError.dataCorrupted`
    /// whose underlying error is the `ModelError`.
    public init(from decoder: any Decoder) throws {
        let v = try JSONValue(from: decoder)
        do {
            try self.init(json: v)
        } catch let e as ModelError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: e.description, underlyingError: e))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}
