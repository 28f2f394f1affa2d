import Synchronization

/// Counts the associations a server runs, to refuse those past its limit.
final class AssociationLimiter: Sendable {
    let limit: Int
    private let count = Atomic(0)

    init(limit: Int) {
        self.limit = limit
    }

    var current: Int { count.load(ordering: .relaxed) }

    /// Takes a place; false when all are taken (and none was taken).
    func enter() -> Bool {
        let (_, now) = count.add(1, ordering: .acquiringAndReleasing)
        guard now <= limit else {
            count.subtract(1, ordering: .acquiringAndReleasing)
            return false
        }
        return true
    }

    func leave() {
        count.subtract(1, ordering: .acquiringAndReleasing)
    }
}
