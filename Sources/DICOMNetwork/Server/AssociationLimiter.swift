import Metrics
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
            Counter(label: "apus_dicom_associations_refused_total").increment()
            return false
        }
        let (_, open) = Self.processWide.add(1, ordering: .relaxed)
        Gauge(label: "apus_dicom_associations_open").record(open)
        return true
    }

    func leave() {
        count.subtract(1, ordering: .acquiringAndReleasing)
        let (_, open) = Self.processWide.subtract(1, ordering: .relaxed)
        Gauge(label: "apus_dicom_associations_open").record(open)
    }

    /// Associations of every server in the process (plain and TLS listeners): what the gauge
    /// reports, since dashboards sum over pods, not listeners.
    private static let processWide = Atomic(0)
}
