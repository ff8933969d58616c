import Foundation
import Testing
@testable import AnchorImaging

/// Inputs libFuzzer found that once crashed a decoder (Fuzz/run.sh). Each must now give a
/// typed error or a consistent image.
@Suite struct FuzzRegressionTests {
    static let cases: [(String, String)] = [
        // BitsPerSample with a count of 0 (indexing its first value trapped).
        ("tiff-empty-bitspersample", "SUkqAAgAAAAPAAABBAABAAAAFAAAAAEBBAABAAAAGAAAAAIBAQAAAAAAAAsAAAMBAwABAAAAAQAAAAYBAwABAAAAAQAAAA4BAgAUAAAAwgAAABEBBAABAAA1ABABAAAVAQMAAQAAAAEAAAAWAQQAAQAAABgAAAAXAQQAAQAAAIAHAAAaAQUAAQAAAOYkAAAbAQUAAQAAAO4AAAAoAQMAAQAJAP/////O/gIADAAAAPYAAABTAQMAAQAAAAMAAAAAAAAAeyJzaGFwAQAAAAAAAAZlIjogWzI0LCAyMF19AAAAAAAAAAAAAAAAAAAAAAABAAAAAQAAAAEAAAABAAAAdGlmZkkAAAAAAAAqAAgAAGZpbGUucHkAAAAAAAAAAAAAAAAAAABJkiRASZJkQG7btkAlSfJAAABAQJIkiUDbtg1BSZIkQQAA4EAlSQJBAABAQSVJIkEAACBBAABgQW7bNkEAAFBBAABwQSVJckFJklRBt21bQbdtm0AAAKBASZLEQEmSpEDbtu1A27atQLdt20Bu2xZBkiTJQCVJAkFu2/ZAbtsmQSVJYkEAACBBJUlCQQAAUEFJkopBSZJUQbdte0EAAHBBAAAAAAAAoEC3bds/27ZtQCVJskCSJMlAt22bQJIkKUHbth1B27Y9QSVJ8kDbtjxBJUkiQUmSREElSXJBSZJEQZIkeUEAAFBBkiRpQQAAmEElSRJASZJkQAAAQEDbti1ASZKkQAAA4EC3bdtAbtsWQW7b9kDbth1Bbts2QQAAUEEAADBBbtsWQQAAYEG3bVtBJUmCQbdta0Hbtm1B27ZdQUmSJECSJIlAADEBAgD8/Pz8/Pz8/PztQG7bBkGSASTpQEmSNEElSQJBAABAQQAAEEG3bQ=="),
    ]

    @Test(arguments: cases.map(\.0))
    func decodesWithoutCrashing(name: String) throws {
        let b64 = try #require(Self.cases.first { $0.0 == name }?.1)
        let data = try #require(Data(base64Encoded: b64))
        do {
            let doc = try ImageFile.read(data: data, options: ImageReadOptions(maxPixels: 1 << 22))
            for c in doc.channels { #expect(c.image.pixels.count == c.image.width * c.image.height) }
        } catch is FormatError {
        }
    }
}
