import Metrics

/// The counters of ingest, made once with the archive: making a `Counter` asks the metrics
/// factory for its handler under a lock (and, with Prometheus, looks its label up), which
/// every store did up to three times.
struct IngestMetrics: Sendable {
    let stored = Counter(label: "apus_instances_stored_total")
    let bytesStored = Counter(label: "apus_bytes_stored_total")
    let refused = Counter(label: "apus_instances_refused_total")
    let indexErrors = Counter(label: "apus_errors_total", dimensions: [("source", "index")])
}
