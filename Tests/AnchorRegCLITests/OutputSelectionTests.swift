import Foundation
import Testing
import ArgumentParser
@testable import AnchorRegCLI

@Suite struct OutputSelectionTests {
    @Test func parsesListsAndRefusesUnknownKinds() throws {
        #expect(try OutputSelection.parse("json,csv") == [.json, .csv])
        #expect(try OutputSelection.parse(" PNG , html ") == [.png, .html])
        #expect(try OutputSelection.parse("none").isEmpty)
        #expect(try OutputSelection.parse("all") == [.json, .csv, .tiff, .png, .html, .gsf, .gwy])
        #expect(throws: ValidationError.self) { try OutputSelection.parse("json,pdf") }
        // --json alone writes nothing; an explicit --outputs always wins.
        #expect(try OutputSelection.resolve(nil, json: true).isEmpty)
        #expect(try OutputSelection.resolve(nil, json: false) == .defaults)
        #expect(try OutputSelection.resolve("json", json: true) == .json)
        #expect(OutputSelection([.gsf, .json]).description == "json,gsf")
        #expect(try OutputSelection.parse("gwy,gsf") == [.gwy, .gsf])
        #expect(OutputSelection([.gwy, .json]).description == "json,gwy")
        #expect(throws: (any Error).self) { try AnchorRegCommand.parseAsRoot(["locate", "x.tif", "--model", "si111-7x7", "--outputs", "jpeg"]) }
        #expect(throws: (any Error).self) { try AnchorRegCommand.parseAsRoot(["locate", "x.tif", "--model", "si111-7x7", "--quiet", "--progress"]) }
    }
}
