import Foundation
import Testing
@testable import AnchorRegistration

@Suite struct VerdictTests {
    @Test func statusIsTheWorstReason() {
        var v = Verdict()
        #expect(v.status == .ok)
        v.add(.doubtful, "a", "weak")
        #expect(v.status == .doubtful)
        v.add(.refused, "b", "wrong structure")
        #expect(v.status == .refused)
        v.add(.doubtful, "c", "weak again")
        #expect(v.status == .refused, "a later milder reason never improves the verdict")
        #expect(!v.isUsable)
    }

    @Test func mergeKeepsAllReasons() {
        let a = Verdict(reasons: [.init(code: "x", status: .doubtful, message: "m")], evidence: ["k": 1])
        let b = Verdict(reasons: [], evidence: ["k": 2, "j": 3])
        let m = a.merged(with: b)
        #expect(m.status == .doubtful)
        #expect(m.reasons.count == 1)
        #expect(m.evidence == ["k": 2, "j": 3])
    }

    @Test func jsonRoundTripUsesLowercaseStatus() throws {
        let v = Verdict(reasons: [.init(code: "aspect_off", status: .refused, message: "aspect 1.42")], evidence: ["aspect": 1.42])
        let data = try JSONEncoder().encode(v)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"status\":\"refused\""))
        #expect(try JSONDecoder().decode(Verdict.self, from: data) == v)
    }
}
