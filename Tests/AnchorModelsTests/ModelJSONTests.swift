import Testing
import Foundation
import AnchorGeometry
@testable import AnchorModels

@Suite struct ModelJSONTests {
    @Test(arguments: ["square:40", "device4:25", "square-lattice:0.5", "hex-lattice:0.246", "si111-7x7"])
    func roundTrip(name: String) throws {
        let model = try BuiltinModels.named(name)
        let data = try model.jsonData()
        let back = try AnchorModel(jsonData: data)
        #expect(back == model)
        // Through Codable, too.
        let viaCodable = try JSONDecoder().decode(AnchorModel.self, from: JSONEncoder().encode(model))
        #expect(viaCodable == model)
    }

    static let base = """
    {"name": "t", "unit": "nm", "lattice": {"a1": [1, 0], "a2": [0, 1],
     "sites": [{"name": "P", "position": [0, 0], "role": "anchor"},
               {"name": "Q", "position": [0.5, 0.5], "role": "object", "index": 2}]}}
    """

    func decode(_ text: String) throws -> AnchorModel {
        try AnchorModel(jsonData: Data(text.utf8))
    }

    @Test func baseIsValid() throws {
        let m = try decode(Self.base)
        #expect(m.nearestAnchorDistance == 1)
        #expect(m.objectSites(i: 2, j: 3).first?.position == Point2(2.5, 3.5))
    }

    @Test func eachMistakeHasItsError() throws {
        func swap(_ a: String, _ b: String) -> String { Self.base.replacingOccurrences(of: a, with: b) }
        #expect(throws: ModelError.self) { try decode("{not json") }
        #expect(throws: ModelError.missingField(path: "name")) { try decode(swap(#""name": "t", "#, "")) }
        #expect(throws: ModelError.missingField(path: "lattice.a2")) { try decode(swap(#""a2": [0, 1],"#, "")) }
        #expect(throws: ModelError.wrongVectorLength(path: "lattice.a1", expected: 2, got: 3)) {
            try decode(swap("[1, 0]", "[1, 0, 0]"))
        }
        #expect(throws: ModelError.zeroLatticeVector(name: "a1")) { try decode(swap("[1, 0]", "[0, 0]")) }
        #expect(throws: ModelError.parallelLatticeVectors) { try decode(swap("[0, 1]", "[2, 0]")) }
        #expect(throws: ModelError.fractionalOutOfRange(site: "Q", coordinate: "u", value: 1.0)) {
            try decode(swap("[0.5, 0.5]", "[1.0, 0.5]"))
        }
        #expect(throws: ModelError.fractionalOutOfRange(site: "Q", coordinate: "v", value: -0.1)) {
            try decode(swap("[0.5, 0.5]", "[0.5, -0.1]"))
        }
        #expect(throws: ModelError.duplicateSiteName("P")) { try decode(swap(#""name": "Q""#, #""name": "P""#)) }
        #expect(throws: ModelError.unknownRole(site: "Q", value: "atom")) {
            try decode(swap(#""role": "object""#, #""role": "atom""#))
        }
        #expect(throws: ModelError.noAnchors) {
            try decode(swap(#""role": "anchor""#, #""role": "object""#))
        }
        #expect(throws: ModelError.unknownUnit(path: "unit", value: "furlong")) { try decode(swap(#""nm""#, #""furlong""#)) }
        #expect(throws: ModelError.wrongType(path: "lattice.sites[0].position[0]", expected: "a number")) {
            try decode(swap(#""position": [0, 0]"#, #""position": ["x", 0]"#))
        }
        #expect(throws: ModelError.invalidIndex(site: "Q", value: 0)) { try decode(swap(#""index": 2"#, #""index": 0"#)) }
        #expect(throws: ModelError.geometryKind("a model needs a \"shape\" (finite points) or a \"lattice\" (a1, a2, sites)")) {
            try decode(#"{"name": "t", "unit": "nm"}"#)
        }
        #expect(throws: ModelError.unsupportedVersion(7)) { try decode(swap(#"{"name""#, #"{"version": 7, "name""#)) }
        // A version beyond Int (found by Fuzz/hostile_probe.py: it trapped converting to Int).
        #expect(throws: ModelError.unsupportedVersion(Int.max)) { try decode(swap(#"{"name""#, #"{"version": 1e300, "name""#)) }
        #expect(throws: ModelError.wrongType(path: "(top level)", expected: "an object")) { try decode("[1, 2]") }
    }

    @Test func shapeAndRegionMistakes() throws {
        let shape = """
        {"name": "d", "unit": "um", "shape": {"points": [{"position": [0, 0]}, {"position": [4, 0]}]},
         "regions": [{"name": "T1", "polygon": [[0, 0], [1, 0], [1, 1]]}]}
        """
        let m = try decode(shape)
        #expect(m.unit == .micrometre)
        #expect(m.anchorPoints.map(\.name) == ["P1", "P2"])
        #expect(m.nearestAnchorDistance == 4)
        #expect(throws: ModelError.coincidentAnchors("P1", "P2")) {
            try decode(shape.replacingOccurrences(of: "[4, 0]", with: "[0, 0]"))
        }
        #expect(throws: ModelError.degenerateRegion(name: "T1", reason: "zero area")) {
            try decode(shape.replacingOccurrences(of: "[1, 1]]", with: "[2, 0]]"))
        }
        #expect(throws: ModelError.degenerateRegion(name: "T1", reason: "2 vertices, at least 3 needed")) {
            try decode(shape.replacingOccurrences(of: ", [1, 1]]", with: "]"))
        }
        #expect(throws: ModelError.geometryKind("give either \"shape\" or \"lattice\", not both")) {
            try decode(shape.replacingOccurrences(of: #""name": "d","#,
                                                  with: #""name": "d", "lattice": {},"#))
        }
    }
}
