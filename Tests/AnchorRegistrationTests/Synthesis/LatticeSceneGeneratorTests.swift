import Testing
import Foundation
import AnchorGeometry
import AnchorImaging
import AnchorModels
@testable import AnchorRegistration

/// The material generator checked against its own ground truth.
@Suite struct LatticeSceneGeneratorTests {
    /// The brightest pixel within `r` px of `p`, refined by a parabola per axis.
    func peak(_ image: Image, near p: Point2, radius r: Int, sign: Double = 1) -> Point2 {
        let cx = Int(p.x.rounded()), cy = Int(p.y.rounded())
        var best = (x: cx, y: cy, v: -Double.infinity)
        for y in max(1, cy - r)...min(image.height - 2, cy + r) {
            for x in max(1, cx - r)...min(image.width - 2, cx + r) {
                let v = sign * Double(image[x, y])
                if v > best.v { best = (x, y, v) }
            }
        }
        func vertex(_ a: Double, _ b: Double, _ c: Double) -> Double {
            let d = a - 2 * b + c
            return d == 0 ? 0 : 0.5 * (a - c) / d
        }
        let v = { (x: Int, y: Int) in sign * Double(image[x, y]) }
        return Point2(Double(best.x) + vertex(v(best.x - 1, best.y), best.v, v(best.x + 1, best.y)),
                      Double(best.y) + vertex(v(best.x, best.y - 1), best.v, v(best.x, best.y + 1)))
    }

    @Test func peaksSitAtTheTrueSitesUnderDriftAndPerspective() throws {
        for (material, contrast, sign) in [("perovskite-001", ImagingContrast.haadf, 1.0), ("mos2", .haadf, 1),
                                           ("graphene", .abf, -1), ("fcc111", .stm, 1)] {
            var p = LatticeSceneParameters(seed: 7, material: material, contrast: contrast)
            p.size = 256
            p.noise = 0
            p.rotationDegrees = 23
            p.drift = Point2(0.15, -0.1)
            p.perspective = Point2(0.004, -0.003)
            let scene = try LatticeSceneGenerator().generate(p)
            let m = try #require(MaterialModel.named(material))
            // The strongest sites, away from the border: the local extremum lies on the truth.
            let strongest = scene.truth.sites.filter {
                abs(m.signal(of: $0.site, in: contrast)) == 1 && $0.image.x > 10 && $0.image.y > 10
                    && $0.image.x < 245 && $0.image.y < 245
            }
            #expect(strongest.count > 50, "\(material)")
            var errors: [Double] = []
            for s in strongest { errors.append(peak(scene.image, near: s.image, radius: 2, sign: sign).distance(to: s.image)) }
            errors.sort()
            // Sampling and neighbours' tails move a discrete peak by a fraction of a pixel only.
            #expect(errors[errors.count / 2] < 0.15, "\(material) median \(errors[errors.count / 2]) px")
            #expect(errors.last! < 0.6, "\(material) max \(errors.last!) px")
            // The truth homography is the rendered one.
            for s in strongest.prefix(20) {
                #expect(scene.truth.homography.apply(s.model).distance(to: s.image) < 1e-6)
            }
        }
    }

    @Test func vacanciesAreMissingAndSubstitutionsBrighter() throws {
        var p = LatticeSceneParameters(seed: 3, material: "perovskite-001", contrast: .haadf)
        p.size = 256
        p.noise = 0.02
        p.vacancyFraction = 0.05
        p.substitutionFraction = 0.05
        let scene = try LatticeSceneGenerator().generate(p)
        let aSites = scene.truth.sites.filter { $0.site == "A" && $0.image.x > 3 && $0.image.y > 3 && $0.image.x < 252 && $0.image.y < 252 }
        func value(_ s: LatticeTruthSite) -> Double { Double(scene.image.sample(at: s.image)!) }
        let present = aSites.filter { $0.state == .present }.map(value)
        let vacant = aSites.filter { $0.state == .vacancy }.map(value)
        let substituted = aSites.filter { $0.state == .substitution }.map(value)
        #expect(vacant.count >= 3 && substituted.count >= 3, "\(vacant.count) vacancies, \(substituted.count) substitutions")
        // A vacant A column is darker than every present one, a substituted one brighter.
        #expect(vacant.max()! < 0.5 * present.min()!)
        #expect(substituted.min()! > present.max()!)
        #expect(scene.truth.vacancies == scene.truth.sites.filter { $0.state == .vacancy }.count)
        // Fractions close to the requested ones over every atomic site.
        let atoms = scene.truth.sites.filter(\.atom)
        let vf = Double(scene.truth.vacancies) / Double(atoms.count)
        #expect(abs(vf - 0.05) < 0.02, "vacancy fraction \(vf)")
    }

    @Test func seedDeterminesTheFrameAndSitesCountMatchesTheCell() throws {
        var p = LatticeSceneParameters(seed: 11, material: "graphene", contrast: .stm)
        p.size = 128
        let a = try LatticeSceneGenerator().generate(p), b = try LatticeSceneGenerator().generate(p)
        #expect(a.image.pixels == b.image.pixels)
        p.seed = 12
        #expect(try LatticeSceneGenerator().generate(p).image.pixels != a.image.pixels)
        // Two sites per honeycomb cell: sites ≈ 2 · frame area / cell area.
        let area = pow(a.truth.pixelSizeNominalNm * 128, 2)
        let cell = 0.246 * 0.246 * 3.0.squareRoot() / 2
        let expected = 2 * area / cell
        #expect(abs(Double(a.truth.sites.count) - expected) < 0.05 * expected)
        #expect(a.image.pixelSize?.x == a.truth.pixelSizeNominalNm)
    }

    @Test func badParametersAreRefused() {
        func refuses(_ change: (inout LatticeSceneParameters) -> Void) -> Bool {
            var p = LatticeSceneParameters(seed: 1, material: "hbn", contrast: .abf)
            p.size = 128
            change(&p)
            do { _ = try LatticeSceneGenerator().generate(p); return false } catch is SynthesisError { return true } catch { return false }
        }
        #expect(refuses { $0.material = "si111-7x7" })
        #expect(refuses { $0.latticeConstant = .nan })
        #expect(refuses { $0.latticeConstant = 0 })
        #expect(refuses { $0.latticeConstant = 1e6 })
        #expect(refuses { $0.fieldOfView = 1000 })  // pixels larger than a/4
        #expect(refuses { $0.vacancyFraction = 0.6 })
        #expect(refuses { $0.dose = -1 })
        #expect(refuses { $0.columnSigma = 0 })
        #expect(!refuses { _ in })
    }
}
