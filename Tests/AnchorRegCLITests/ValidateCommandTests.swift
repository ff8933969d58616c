import ArgumentParser
import Foundation
import Testing
@testable import AnchorRegCLI
@testable import AnchorRegistration

@Suite struct ValidateCommandTests {
    static func examples(of command: any ParsableCommand.Type) -> [[String]] {
        HelpExamplesTests.examples(of: command).map { $0.shell.split(separator: " ").dropFirst().map(String.init) }
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("anchorreg-validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func helpExamplesRun() throws {
        let examples = Self.examples(of: ValidateCommand.self)
        #expect(examples.count == 4)
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for var args in examples {
            if let i = args.firstIndex(of: "--out") { args[i + 1] = dir.appendingPathComponent(args[i + 1]).path }
            var command = try AnchorRegCommand.parseAsRoot(args)
            try command.run()
        }
        let written = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("validation-results").path)
        for name in ["conditions.csv", "validation.json", "fig3a_mae_vs_noise.svg", "fig3b_recall_vs_noise.svg",
                     "fig3c_mae_vs_points.svg", "fig3d_recall_vs_points.svg", "fig3e_recall_map.svg"] {
            #expect(written.contains(name), "missing \(name)")
        }
    }

    @Test func outputIsNotOverwrittenWithoutForce() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["validate", "--points", "4", "--noise", "0", "--samples", "5", "--out", dir.path]
        var first = try AnchorRegCommand.parseAsRoot(args)
        try first.run()
        var second = try AnchorRegCommand.parseAsRoot(args)
        #expect(throws: CLIError.self) { try second.run() }
        var forced = try AnchorRegCommand.parseAsRoot(args + ["--force"])
        try forced.run()
    }

    @Test func badListsAreUsageErrors() throws {
        for args in [["validate", "--points", "4,10"], ["validate", "--points", "4,x"], ["validate", "--noise", "-1"],
                     ["validate", "--estimator", "nope"], ["validate", "--samples", "0"]] {
            #expect(throws: (any Error).self, "\(args)") {
                var c = try AnchorRegCommand.parseAsRoot(args)
                try c.run()
            }
        }
        let message = AnchorRegCommand.fullMessage(for: ValidationError("x"))
        #expect(message.contains("x"))
    }

    @Test func jsonCarriesTheContractKeys() throws {
        let c = ValidationConfiguration(pointCounts: [4], noiseLevels: [0, 0.1], samplesPerCondition: 20, seed: 3)
        let report = try ValidationStudy(configuration: c, fitter: ValidationFitters.fitter(named: "lmeds", configuration: c)).run()
        let object = try #require(try JSONSerialization.jsonObject(with: JSONOutput.encode(report)) as? [String: Any])
        for key in ["estimator", "samples", "seed", "seconds", "conditions"] { #expect(object[key] != nil, "\(key)") }
        #expect(object["estimator"] as? String == "lmeds")
        #expect(object["samples"] as? Int == 20)
        let conditions = try #require(object["conditions"] as? [[String: Any]])
        #expect(conditions.count == 2)
        for key in ["noise", "points", "mae_median", "mae_q1", "mae_q3", "recall", "failures", "one_period_off"] {
            #expect(conditions[0][key] != nil, "\(key)")
        }
        #expect(conditions[0]["points"] as? Int == 4)
    }
}
