import Logging

extension Archive {
    /// What a sweep found and removed.
    public struct SweepReport: Sendable, Hashable {
        public var examined: Int = 0
        public var orphansRemoved: Int = 0
        public var incompleteRemoved: Int = 0
    }

    /// Removes blobs no index row references (left by a crash between writing a blob and
    /// committing its row, or by a failed delete) and the leftovers of unfinished writes.
    /// Blobs younger than `age` seconds (the configured grace period by default) are kept:
    /// their row may be about to commit.
    public func sweepOrphans(olderThan age: Double? = nil) async throws -> SweepReport {
        let grace = age ?? configuration.orphanGracePeriod
        var report = SweepReport()
        report.incompleteRemoved = try await blobs.removeIncomplete(olderThan: grace)
        let cutoff = POSIX.now() - grace
        var batch: [BlobKey] = []
        for try await blob in blobs.list() {
            report.examined += 1
            guard blob.modified <= cutoff else { continue }
            batch.append(blob.key)
            if batch.count >= 512 {
                report.orphansRemoved += try await removeUnreferenced(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        report.orphansRemoved += try await removeUnreferenced(batch)
        if report.orphansRemoved > 0 || report.incompleteRemoved > 0 {
            logger.notice(
                "swept orphan blobs",
                metadata: ["orphans": "\(report.orphansRemoved)", "incomplete": "\(report.incompleteRemoved)"])
        }
        return report
    }

    private func removeUnreferenced(_ keys: [BlobKey]) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        let referenced = try await index.referencedBlobs(among: keys)
        var removed = 0
        for key in keys where !referenced.contains(key) {
            try await blobs.delete(key)
            removed += 1
        }
        return removed
    }
}
