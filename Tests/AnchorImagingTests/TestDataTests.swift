import Foundation
import Testing
import TestData

/// The shared-data helper itself: a present file is found, a missing one is an error that
/// names the path looked for (so data-dependent tests fail loudly instead of passing).
@Suite struct TestDataTests {
    @Test func presentFileIsFoundMissingFileNamesItsPath() throws {
        let sources = try TestData.realPath("SOURCES.md")
        #expect(FileManager.default.fileExists(atPath: sources))
        do {
            _ = try TestData.realPath("no-such-folder/missing.sxm")
            Issue.record("a missing file was reported present")
        } catch let error as TestData.Missing {
            #expect(error.path.hasSuffix("shared/data/real/no-such-folder/missing.sxm"))
            #expect("\(error)".contains("test data missing"))
            #expect("\(error)".contains("ANCHORREG_SHARED"))
        }
    }
}
