import Testing
@testable import AnchorRegCLI

@Suite struct RootCommandTests {
    @Test func versionIsReported() {
        #expect(AnchorRegCommand.configuration.version == AnchorRegVersion.string)
        #expect(AnchorRegCommand.helpMessage().contains("anchorreg"))
    }
}
