import Testing
import Foundation
@testable import AnchorModels

@Suite struct SiteRoleTests {
    @Test func decodesFromJSONNames() throws {
        let roles = try JSONDecoder().decode([SiteRole].self, from: Data(#"["anchor","object"]"#.utf8))
        #expect(roles == [.anchor, .object])
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode([SiteRole].self, from: Data(#"["corner"]"#.utf8))
        }
    }
}
