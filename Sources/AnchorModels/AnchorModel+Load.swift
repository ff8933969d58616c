import Foundation

extension AnchorModel {
    /// The model a user named on the command line: a JSON model file when `spec` ends in
    /// `.json` or names an existing file, otherwise a built-in (`name` or `name:param`,
    /// see `BuiltinModels.named(_:)`).
    /// - Throws: `ModelError` (`.unreadableFile`, any JSON mistake, `.unknownModel`,
    ///   `.invalidParameter`, `.tooLarge` for a file over `ModelLimits.maxFileBytes`).
    public static func load(_ spec: String) throws -> AnchorModel {
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: spec, isDirectory: &isDir)
        if spec.lowercased().hasSuffix(".json") || (exists && !isDir.boolValue) {
            if exists, let size = (try? FileManager.default.attributesOfItem(atPath: spec))?[.size] as? Int {
                try ModelLimits.check("the file (bytes)", count: size, limit: ModelLimits.maxFileBytes)
            }
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: spec))
            } catch {
                throw ModelError.unreadableFile(path: spec, reason: exists ? error.localizedDescription : "no such file")
            }
            return try AnchorModel(jsonData: data)
        }
        return try BuiltinModels.named(spec)
    }
}
