import AnchorRegistration
import Foundation

/// One output file of a command: its name (relative to the output folder) and how to make its
/// bytes. Jobs are independent, so `run` encodes and writes them on parallel threads.
struct OutputJob: Sendable {
    let name: String
    let bytes: @Sendable () throws -> Data

    init(_ name: String, _ bytes: @escaping @Sendable () throws -> Data) {
        self.name = name
        self.bytes = bytes
    }

    /// Makes and writes every job (atomically, as `OutputFiles.write`), `threads` at a time
    /// (`nil`: one per core). Put the longest job first: workers take jobs in order.
    /// - Returns: the paths written, in the jobs' order whatever the thread count.
    /// - Throws: the error of the first failing job in the jobs' order (`CLIError.output`,
    ///   or what its encoder threw); the other jobs still run to their end.
    @discardableResult
    static func run(_ jobs: [OutputJob], to files: OutputFiles, threads: Int? = nil) throws -> [String] {
        let results = BatchFit.map(jobs, threads: threads) { _, job in
            Result { try files.write(try job.bytes(), to: job.name) }
        }
        return try results.map { try $0.get() }
    }
}
