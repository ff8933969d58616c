/// One of N parts of a batch (`--shard i/N`, i from 0): frame k of the sorted input list
/// belongs to shard k mod N, so every shard gets frames from the whole list (a Slurm job
/// array's tasks take about equal time) and the parts of any N together are the whole list.
public struct BatchShard: Sendable, Equatable, Codable, CustomStringConvertible {
    /// 0 ≤ index < count.
    public let index: Int
    public let count: Int

    /// The whole batch in one part.
    public static let whole = BatchShard(uncheckedIndex: 0, count: 1)

    private init(uncheckedIndex: Int, count: Int) {
        self.index = uncheckedIndex
        self.count = count
    }

    /// - Throws: `BatchError.badShard` unless 0 ≤ index < count.
    public init(index: Int, count: Int) throws {
        guard count >= 1, index >= 0, index < count else {
            throw BatchError.badShard("\(index)/\(count): need 0 ≤ i < N and N ≥ 1")
        }
        self.init(uncheckedIndex: index, count: count)
    }

    /// Parses `i/N` (as `$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT` with `--array=0-(N-1)`).
    public static func parse(_ text: String) throws -> BatchShard {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw BatchError.badShard("\"\(text)\" is not i/N (two whole numbers, e.g. 0/3)")
        }
        return try BatchShard(index: i, count: n)
    }

    /// Whether the frame at `position` of the sorted input list belongs to this shard.
    public func owns(position: Int) -> Bool { position % count == index }

    public var description: String { "\(index)/\(count)" }
}
