import Testing
import AnchorGeometry
import AnchorModels
@testable import AnchorRegistration

/// Two-site motifs: the registration picks the placement of the anchor lattice whose object
/// sites the image shows (`MotifOrientation`), and the motif check counts a feature at a
/// model object site as the model's own: honeycomb frames are "ok" with their model.
@Suite struct MaterialMotifVerdictTests {
    @Test(arguments: [("mos2", UInt64(1)), ("mos2", 2), ("hbn", 3), ("graphene", 4)])
    func honeycombFramesAreOkWithTheirModel(material: String, seed: UInt64) throws {
        var p = LatticeSceneParameters.random(seed: seed, material: material, contrast: .haadf)
        p.size = 256
        let scene = try LatticeSceneGenerator().generate(p)
        let analysis = try FrameAnalysis.analyse(scene.image, model: try BuiltinModels.named(material), locateSites: false)
        let codes = analysis.registration.quality?.reasons.map(\.code) ?? []
        #expect(!codes.contains("motif_extra_anchor_feature"), "\(codes)")
        #expect(!codes.contains("motif_objects_not_bright"), "\(codes)")
        #expect(analysis.registration.quality?.status == .ok, "\(codes)")
        // The object sites land on the true second sublattice: H puts a model object site
        // within 0.1 a of a truth object site.
        let lattice = try #require(analysis.model.lattice)
        let object = try #require(lattice.sites.first { $0.role == .object })
        let centre = Point2(127.5, 127.5)
        let anchor = try #require(analysis.registration.anchors.filter(\.inlier).min {
            $0.image.distance(to: centre) < $1.image.distance(to: centre) })
        let predicted = analysis.registration.homography.apply(anchor.model + lattice.position(u: object.u, v: object.v))
        // Where both sublattices look alike (graphene in HAADF) either is right, a hollow never.
        let m = try #require(MaterialModel.named(material))
        let alike = m.signal(of: object.name, in: .haadf) == m.signal(of: lattice.sites.first { $0.role == .anchor }!.name, in: .haadf)
        let nearest = scene.truth.sites.filter { alike || $0.site == object.name }.map { $0.image.distance(to: predicted) }.min()!
        #expect(nearest * scene.truth.pixelSizeTrueAtCentreNm < 0.1 * lattice.a1.length, "\(nearest) px")
    }

    @Test func onlyPlacementsTheObjectsCanTellApartAreCandidates() throws {
        #expect(MotifOrientation.candidates(of: try BuiltinModels.named("graphene").lattice!).count == 3)  // 60°, 180°, 300°
        #expect(MotifOrientation.candidates(of: BuiltinModels.si111_7x7().lattice!).isEmpty)
        #expect(MotifOrientation.candidates(of: try BuiltinModels.named("perovskite-001").lattice!).isEmpty)
        #expect(MotifOrientation.candidates(of: try BuiltinModels.named("fcc111").lattice!).isEmpty)
    }
}
