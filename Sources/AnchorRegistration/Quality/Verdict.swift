/// Whether a result can be trusted: the image may not show the model, and saying so is part of
/// the answer (a silent wrong answer is the worst outcome).
///
/// A verdict is the worst status among its reasons: `ok` with no reason, `doubtful` when the
/// result is usable but some evidence is weak, `refused` when the image does not show the model
/// (or not well enough to say where it is). `evidence` keeps the numbers the reasons were decided
/// from (snake_case keys, each documented where it is computed), so a user can see how close a
/// frame was to a limit.
///
/// JSON: `{"status": "doubtful", "reasons": [{"code": …, "status": …, "message": …}], "evidence": {…}}`.
public struct Verdict: Sendable, Codable, Equatable {
    /// Ordered from best to worst, so `max` of statuses is the overall one.
    public enum Status: String, Sendable, Codable, Comparable, CaseIterable {
        case ok, doubtful, refused

        private var rank: Int {
            switch self {
            case .ok: 0
            case .doubtful: 1
            case .refused: 2
            }
        }

        public static func < (a: Status, b: Status) -> Bool { a.rank < b.rank }
    }

    /// One finding against the result.
    public struct Reason: Sendable, Codable, Equatable {
        /// A stable machine-readable name (snake_case), e.g. `"inlier_fraction_low"`.
        public var code: String
        /// How much this finding alone weighs (`doubtful` or `refused`).
        public var status: Status
        /// What was found, with the numbers and the limit, in words a user can act on.
        public var message: String

        public init(code: String, status: Status, message: String) {
            self.code = code
            self.status = status
            self.message = message
        }
    }

    public var status: Status
    public var reasons: [Reason]
    /// The measured quantities behind the reasons (snake_case keys, units in the key name
    /// where they have one).
    public var evidence: [String: Double]

    /// A verdict from its reasons: the status is the worst among them (`ok` when none).
    public init(reasons: [Reason] = [], evidence: [String: Double] = [:]) {
        self.reasons = reasons
        self.evidence = evidence
        self.status = reasons.map(\.status).max() ?? .ok
    }

    /// Adds a finding; the status becomes the worse of the two.
    public mutating func add(_ reason: Reason) {
        reasons.append(reason)
        status = max(status, reason.status)
    }

    /// Adds a finding of `status` with `code` and `message`.
    public mutating func add(_ status: Status, _ code: String, _ message: String) {
        add(Reason(code: code, status: status, message: message))
    }

    /// This verdict and `other`'s reasons and evidence together (e.g. the verdicts of two
    /// frames of one alignment); `other`'s evidence wins on a shared key.
    public func merged(with other: Verdict) -> Verdict {
        var v = Verdict(reasons: reasons + other.reasons, evidence: evidence)
        v.evidence.merge(other.evidence) { _, new in new }
        return v
    }

    /// True unless refused.
    public var isUsable: Bool { status != .refused }
}
