import BenchSupport
import Foundation
import NIOCore

/// The instances every target gets, made once before the first server starts.
struct Corpus: Sendable {
    /// CT 512×512 Part 10 files for STOW-RS, one client and several clients (two studies).
    let stowOne: [ByteBuffer]
    let stowMany: [ByteBuffer]
    /// CT instances for C-STORE over several associations.
    let cstore: [Instance]
    /// The one big study of small images whose metadata is asked for.
    let metadataStudy: [Instance]

    static let stowOneWorkload = 31
    static let stowManyWorkload = 32
    static let cstoreWorkload = 34
    static let metadataWorkload = 35
    static let bigUploadWorkload = 40

    static func make(options: Options) throws -> Corpus {
        let needs = { (workload: Workload) in options.targets.contains { options.runs(workload, on: $0) } }
        log("generating instances")
        return Corpus(
            // WADO-RS retrieves the study STOW-RS stored from one client, or stores it itself.
            stowOne: needs(.stow) || needs(.wado)
                ? try Instances.ct(workload: stowOneWorkload, count: options.stowInstances).map(Instances.part10) : [],
            stowMany: needs(.stow)
                ? try Instances.ct(workload: stowManyWorkload, count: options.stowInstances).map(Instances.part10) : [],
            cstore: needs(.cstore) ? try Instances.ct(workload: cstoreWorkload, count: options.stowInstances) : [],
            metadataStudy: needs(.metadata)
                ? try Instances.small(workload: metadataWorkload, count: options.metadataInstances) : [])
    }
}

enum Bench {
    /// Every workload the options name against one target, started here and stopped before
    /// returning.
    static func measure(_ target: WebTarget, corpus: Corpus, options: Options, work: String, client: WebClient)
        async throws -> [String: Double]
    {
        let directory = work + "/" + target.rawValue
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let server = try Servers.start(target, options: options, directory: directory)
        defer { server.process.stop() }
        try await waitUntilReady(server.endpoint, process: server.process)
        try await client.waitUntilAnswering(server.dicomWeb + "/studies?limit=1", process: server.process)
        let root = server.dicomWeb
        let limit = Duration.seconds(options.seconds)
        var figures: [String: Double] = [:]

        if options.runs(.stow, on: target) {
            let one = try await WebWorkloads.stow(
                corpus.stowOne, to: root, batch: options.batch, clients: 1, client: client, limit: limit)
            try check(one, "STOW-RS")
            figures["stow.1"] = one.instancesPerSecond
            figures["stow.1.mb"] = one.megabytesPerSecond
            log(
                "STOW-RS ×\(one.stored), 1 client: \(format(one.instancesPerSecond)) inst/s, \(format(one.megabytesPerSecond)) MB/s"
            )
            let many = try await WebWorkloads.stow(
                corpus.stowMany, to: root, batch: options.batch, clients: options.clients, client: client, limit: limit)
            try check(many, "STOW-RS")
            figures["stow.n"] = many.instancesPerSecond
            figures["stow.n.mb"] = many.megabytesPerSecond
            log(
                "STOW-RS ×\(many.stored), \(options.clients) clients: \(format(many.instancesPerSecond)) inst/s, \(format(many.megabytesPerSecond)) MB/s"
            )
        }
        if options.runs(.cstore, on: target) {
            let run = try await Workloads.store(
                corpus.cstore, on: server.endpoint, associations: options.associations, limit: limit)
            try check(run, "C-STORE")
            figures["cstore.n"] = run.instancesPerSecond
            figures["cstore.n.mb"] = run.megabytesPerSecond
            log(
                "C-STORE CT ×\(run.stored), \(options.associations) associations: \(format(run.megabytesPerSecond)) MB/s"
            )
        }
        if options.runs(.wado, on: target) {
            // The study STOW-RS stored from one client; stored here when STOW-RS did not run.
            if !options.runs(.stow, on: target) {
                try check(
                    try await WebWorkloads.stow(
                        corpus.stowOne, to: root, batch: options.batch, clients: 1, client: client, limit: limit),
                    "STOW-RS")
            }
            let bytes = corpus.stowOne.reduce(0) { $0 + $1.readableBytes }
            let (first, best) = try await WebWorkloads.retrieveStudy(
                Instances.study(workload: Corpus.stowOneWorkload), from: root, expectedBytes: bytes,
                passes: options.wadoPasses, client: client)
            figures["wado.first"] = first
            figures["wado.mb"] = best
            log(
                "WADO-RS study of \(corpus.stowOne.count) CT (\(bytes / 1_000_000) MB): first pass \(format(first)) MB/s, "
                    + "best \(format(best)) MB/s")
        }
        if options.runs(.metadata, on: target) {
            try check(
                try await Workloads.store(
                    corpus.metadataStudy, on: server.endpoint, associations: options.associations,
                    limit: .seconds(options.populateSeconds)), "C-STORE")
            let latencies = try await WebWorkloads.metadata(
                Instances.study(workload: Corpus.metadataWorkload), from: root, instances: corpus.metadataStudy.count,
                requests: options.metadataRequests, client: client)
            figures["metadata.median"] = latencies.median.map { $0 * 1_000 }
            log(
                "study metadata, \(corpus.metadataStudy.count) instances: median \(format((latencies.median ?? 0) * 1_000)) ms"
            )
        }
        if options.runs(.rss, on: target) {
            let each = max(1, options.rssMegabytes * 1_000_000 / 525_000)
            let (run, peak) = try await WebWorkloads.bigUploads(
                to: root, clients: options.clients, instancesEach: each, firstWorkload: Corpus.bigUploadWorkload,
                client: client, server: server.process)
            try check(run, "STOW-RS")
            figures["rss.stow"] = Double(peak) / 1_048_576
            figures["big.mb"] = run.megabytesPerSecond
            log(
                "\(options.clients) × STOW-RS of \(each) CT in one request: \(format(run.megabytesPerSecond)) MB/s, peak RSS \(format(Double(peak) / 1_048_576)) MiB"
            )
        }
        if options.runs(.qido, on: target) {
            figures.merge(try await qido(server, options: options, client: client)) { _, new in new }
        }
        if let memory = server.process.memory() { figures["rss.end"] = Double(memory.current) / 1_048_576 }
        return figures
    }

    /// Indexes the query corpus over DICOM (the fastest way into both servers), then times
    /// QIDO-RS by Patient ID and by Patient Name prefix.
    static func qido(_ server: RunningServer, options: Options, client: WebClient) async throws -> [String: Double] {
        log(
            "indexing up to \(options.queryInstances) instances (\(options.perStudy) per study) over \(options.associations) associations, at most \(options.populateSeconds) s"
        )
        let ingest = try await Workloads.ingestFindCorpus(
            on: server.endpoint, count: options.queryInstances, perStudy: options.perStudy,
            associations: options.associations, limit: .seconds(options.populateSeconds)
        ) { stored in log("  \(stored) stored") }
        try check(ingest, "C-STORE")
        log("indexed \(ingest.stored) in \(format(ingest.seconds)) s: \(format(ingest.instancesPerSecond)) inst/s")
        var figures: [String: Double] = ["qido.ingest": ingest.instancesPerSecond, "qido.count": Double(ingest.stored)]
        // Studies whose instances are all in (the associations ran side by side).
        let studies = max(0, ingest.stored - options.associations) / options.perStudy
        let patients = Instances.queryPatients(studies: studies, count: options.queries)
        let byID = patients.ids.map { WebWorkloads.parameter("PatientID", $0) }
        let byName = patients.namePrefixes.map { WebWorkloads.parameter("PatientName", $0 + "*") }
        let root = server.dicomWeb
        let limit = Duration.seconds(options.seconds)
        _ = try await WebWorkloads.query(Array(byID.prefix(5)), expected: 1, root: root, client: client, limit: limit)
        let id = try await WebWorkloads.query(byID, expected: 1, root: root, client: client, limit: limit)
        let name = try await WebWorkloads.query(byName, expected: 10, root: root, client: client, limit: limit)
        for (label, run) in [("PatientID", id), ("PatientName", name)] where run.wrong > 0 {
            log("warning: \(run.wrong) of \(run.0.samples.count) \(label) queries did not list the expected studies")
        }
        figures["qido.id.median"] = id.0.median.map { $0 * 1_000 }
        figures["qido.id.p99"] = id.0.percentile(0.99).map { $0 * 1_000 }
        figures["qido.name.median"] = name.0.median.map { $0 * 1_000 }
        figures["qido.name.p99"] = name.0.percentile(0.99).map { $0 * 1_000 }
        log(
            "QIDO-RS at \(ingest.stored): PatientID median \(format((id.0.median ?? 0) * 1_000)) ms, PatientName* median \(format((name.0.median ?? 0) * 1_000)) ms"
        )
        return figures
    }

    private static func check(_ run: StoreRun, _ what: String) throws {
        if let failure = run.firstFailure {
            throw BenchmarkError("\(what) failed (\(run.failed) instances): \(failure)")
        }
    }
}
