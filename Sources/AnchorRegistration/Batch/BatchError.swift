/// What can go wrong in planning, running or merging a batch, in words a user can act on.
public enum BatchError: Error, Equatable, Sendable, CustomStringConvertible {
    case badShard(String)
    case noInputs(String)
    case unreadableInput(String)
    case duplicateName(String, String, String)
    case output(String)
    case merge(String)

    public var description: String {
        switch self {
        case .badShard(let s): return "batch: --shard \(s)"
        case .noInputs(let s): return "batch: no input frames: \(s)"
        case .unreadableInput(let s): return "batch: \(s)"
        case .duplicateName(let name, let a, let b):
            return "batch: \(a) and \(b) would both be stored as \(name); give frames distinct names or pass their folder"
        case .output(let s): return "batch: output: \(s)"
        case .merge(let s): return "batch merge: \(s)"
        }
    }
}
