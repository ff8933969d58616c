import Testing
import Foundation
import AnchorGeometry
@testable import AnchorModels

/// Geometry that the material models must have (distances in nm).
@Suite struct MaterialModelsTests {
    /// Every site of cells −2…2 (model positions) and the distances from the sites of cell
    /// (0, 0) to their nearest other site.
    func nearestDistances(_ l: LatticeModel, among names: Set<String>? = nil) -> [String: Double] {
        var all: [(String, Point2)] = []
        for j in -2...2 {
            for i in -2...2 {
                for s in l.sites where names?.contains(s.name) ?? true {
                    all.append((s.name, l.position(of: s, in: CellIndex(i, j))))
                }
            }
        }
        var out: [String: Double] = [:]
        for s in l.sites where names?.contains(s.name) ?? true {
            let p = l.position(of: s, in: CellIndex(0, 0))
            out[s.name] = all.map { $0.1.distance(to: p) }.filter { $0 > 1e-12 }.min()
        }
        return out
    }

    @Test func everyMaterialIsListedAndBuildsAtItsDefault() throws {
        for m in MaterialModel.all {
            #expect(BuiltinModels.names.contains(m.name))
            let model = try BuiltinModels.named(m.name)
            #expect(model.unit == .nanometre)
            #expect(model.isPeriodic)
            #expect(!m.reference.isEmpty)
            for c in ImagingContrast.allCases {
                #expect(m.contrastNotes[c] != nil, "\(m.name) has no \(c) note")
                let signals = try #require(m.siteSignal[c])
                // Every signal names a site, and the strongest has |signal| 1.
                #expect(signals.keys.allSatisfy { k in model.lattice!.sites.contains { $0.name == k } })
                #expect(abs((signals.values.map(abs).max() ?? 0) - 1) < 1e-12, "\(m.name) \(c)")
            }
            #expect(model.lattice!.sites.filter { $0.role == .anchor }.count == 1)
        }
    }

    @Test func honeycombsHaveTwoSitesAOverRoot3Apart() throws {
        for (name, a) in [("graphene", 0.246), ("graphite", 0.246), ("hbn", 0.2504), ("mos2", 0.316)] {
            let l = try #require(try BuiltinModels.named(name).lattice)
            #expect(l.sites.count == 2)
            #expect(abs(l.a1.length - a) < 1e-12 && abs(l.a2.length - a) < 1e-12)
            // 60° between a1 and a2: hexagonal.
            #expect(abs(l.a1.dot(l.a2) / (a * a) - 0.5) < 1e-12)
            for (_, d) in nearestDistances(l) { #expect(abs(d - a / 3.0.squareRoot()) < 1e-9, "\(name) \(d)") }
            // Each sublattice alone is the triangular lattice of spacing a.
            let anchorName = l.sites.first { $0.role == .anchor }!.name
            #expect(abs(try #require(nearestDistances(l, among: [anchorName])[anchorName]) - a) < 1e-9)
            // Three nearest neighbours of the other sublattice at a/√3 (C3 symmetry).
            let other = l.sites.first { $0.role == .object }!
            var near = 0
            for j in -1...1 { for i in -1...1 {
                if abs(l.position(of: other, in: CellIndex(i, j)).length - a / 3.0.squareRoot()) < 1e-9 { near += 1 }
            } }
            #expect(near == 3, "\(name): \(near) neighbours")
        }
        #expect(abs(try BuiltinModels.named("graphene").nearestAnchorDistance - 0.246) < 1e-12)
        #expect(abs(try BuiltinModels.named("mos2:0.315").nearestAnchorDistance - 0.315) < 1e-12)
    }

    @Test func perovskiteIsACentredSquareWithOxygens() throws {
        let l = try #require(try BuiltinModels.named("perovskite-001").lattice)
        #expect(l.sites.count == 4)
        #expect(abs(l.a1.length - 0.3905) < 1e-12 && abs(l.a1.dot(l.a2)) < 1e-15 && abs(l.a2.length - 0.3905) < 1e-12)
        // A and B together: a square lattice of a/√2 (the centred square).
        let cations = nearestDistances(l, among: ["A", "B"])
        #expect(abs(cations["A"]! - 0.3905 / 2.0.squareRoot()) < 1e-9)
        #expect(abs(cations["B"]! - 0.3905 / 2.0.squareRoot()) < 1e-9)
        // O columns a/2 from the A and B columns.
        #expect(abs(nearestDistances(l)["O1"]! - 0.3905 / 2) < 1e-9)
        let m = MaterialModel.perovskite001
        // Z-contrast: A > B > O; ABF: O visible (non-zero).
        #expect(m.signal(of: "A", in: .haadf) > m.signal(of: "B", in: .haadf))
        #expect(m.signal(of: "B", in: .haadf) > m.signal(of: "O1", in: .haadf))
        #expect(m.signal(of: "O1", in: .abf) < 0)
    }

    /// SrTiO3 projected down [110]: A–O columns on an a × a/√2 rectangle, the B column half a
    /// cell from them along [001] (a/2 = 0.195 nm), the pure O column between two B columns.
    @Test func perovskite110IsTheProjectedRectangle() throws {
        let l = try #require(try BuiltinModels.named("perovskite-110").lattice)
        #expect(l.sites.map(\.name) == ["A", "B", "O"])
        #expect(abs(l.a1.length - 0.3905) < 1e-12 && abs(l.a1.dot(l.a2)) < 1e-15)
        #expect(abs(l.a2.length - 0.3905 / 2.0.squareRoot()) < 1e-12)
        let cations = nearestDistances(l, among: ["A", "B"])
        #expect(abs(cations["B"]! - 0.3905 / 2) < 1e-9, "A–B along [001]")
        // The pure O column sits between two B columns, a/(2√2) from each.
        #expect(abs(nearestDistances(l)["O"]! - 0.3905 / 8.0.squareRoot()) < 1e-9)
        let m = MaterialModel.perovskite110
        #expect(m.signal(of: "A", in: .haadf) > m.signal(of: "B", in: .haadf))
        #expect(m.signal(of: "B", in: .haadf) > m.signal(of: "O", in: .haadf))
        // :a scales the whole rectangle.
        let sto = try #require(try BuiltinModels.named("perovskite-110:0.4").lattice)
        #expect(abs(sto.a2.length - 0.4 / 2.0.squareRoot()) < 1e-12)
    }

    @Test func fcc111IsCloseDefault() throws {
        let model = try BuiltinModels.named("fcc111")
        #expect(model.lattice!.sites.count == 1)
        #expect(abs(model.nearestAnchorDistance - 0.2884) < 1e-12)
        // Six nearest neighbours (close-packed).
        let l = model.lattice!
        var six = 0
        for j in -1...1 { for i in -1...1 where i != 0 || j != 0 {
            if abs(l.position(u: Double(i), v: Double(j)).length - 0.2884) < 1e-9 { six += 1 }
        } }
        #expect(six == 6)
    }

    @Test func si001DimersRowsAndBond() throws {
        let l = try #require(try BuiltinModels.named("si001-2x1").lattice)
        #expect(abs(l.a1.length - 0.768) < 1e-12 && abs(l.a2.length - 0.384) < 1e-12)
        let d = nearestDistances(l, among: ["S1", "S2"])
        #expect(abs(d["S1"]! - MaterialModel.si001DimerBond) < 1e-9)
        let centre = l.sites.first { $0.name == "D" }!
        let s1 = l.sites.first { $0.name == "S1" }!, s2 = l.sites.first { $0.name == "S2" }!
        // The dimer centre lies midway between its atoms; rows 2a apart.
        #expect(abs((s1.u + s2.u) / 2 - centre.u) < 1e-12)
        #expect(abs(try BuiltinModels.named("si001-2x1").nearestAnchorDistance - 0.384) < 1e-12)
        // The bond scales with :a.
        let scaled = try #require(try BuiltinModels.named("si001-2x1:0.768").lattice)
        #expect(abs(nearestDistances(scaled, among: ["S1", "S2"])["S1"]! - 2 * MaterialModel.si001DimerBond) < 1e-9)
    }

    @Test func latticeConstantParameterIsCheckedAndTyped() throws {
        #expect(try BuiltinModels.named("mos2:0.329").name == "mos2:0.329")
        for bad in ["0", "-0.3", "nan", "NaN", "inf", "1e300", "abc", "", "246", "0.001"] {
            #expect(throws: ModelError.self, "graphene:\(bad)") { try BuiltinModels.named("graphene:\(bad)") }
            do {
                _ = try BuiltinModels.named("perovskite-001:\(bad)")
                Issue.record("perovskite-001:\(bad) accepted")
            } catch let ModelError.invalidParameter(model, _, _) {
                #expect(model == "perovskite-001")
            } catch { Issue.record("\(error)") }
        }
    }

    @Test func jsonRoundTripKeepsTheMaterial() throws {
        for m in MaterialModel.all {
            let model = try m.model()
            #expect(try AnchorModel(jsonData: try model.jsonData()) == model)
        }
    }

    /// Faint sites: those no mode shows in the anchors' contrast (below 0.2 of the strongest
    /// site): only the perovskites' pure O columns (HAADF 0.07, STM 0, ABF dark).
    @Test func faintSitesAreThePerovskiteOxygenColumns() {
        #expect(MaterialModel.perovskite110.faintSites == ["O"])
        #expect(MaterialModel.perovskite001.faintSites == ["O1", "O2"])
        for m in MaterialModel.all where !m.name.hasPrefix("perovskite") {
            #expect(m.faintSites.isEmpty, "\(m.name): \(m.faintSites)")
        }
        #expect(MaterialModel.faintSites(ofModelNamed: "perovskite-110:0.4") == ["O"])
        #expect(MaterialModel.faintSites(ofModelNamed: "si111-7x7").isEmpty)
    }
}
