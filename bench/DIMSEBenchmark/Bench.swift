import BenchSupport
import DICOM
import Foundation
import NIOCore

/// The instances of the store workloads, made once and sent to every target. Each workload
/// has its own study, so an archive stores every instance it is sent.
struct Corpus: Sendable {
    let smallOne: [Instance]
    let smallMany: [Instance]
    let ctOne: [Instance]
    let ctMany: [Instance]
    /// For the windowed workloads; empty when they are skipped.
    let smallWindow: [Instance]
    let ctWindow: [Instance]
    /// Part 10 files of 64×64 instances for storescu, nil when DCMTK is skipped.
    let dcmtkDirectory: String?
    /// Part 10 files of the CT instances for storescu, nil when DCMTK is skipped.
    let dcmtkCTDirectory: String?
    let dcmtkCount: Int

    static func make(options: Options, directory: String) throws -> Corpus {
        log("generating \(options.small)×2 small and \(options.ct)×2 CT instances")
        let dcmtk = options.dcmtkEchoes > 0 && options.dcmtkStore > 0 && DCMTK.available
        let dcmtkDirectory = directory + "/storescu"
        let dcmtkCTDirectory = directory + "/storescu-ct"
        if dcmtk {
            try DCMTK.writeFiles(try Instances.small(workload: 5, count: options.dcmtkStore), to: dcmtkDirectory)
            try DCMTK.writeFiles(try Instances.ct(workload: 6, count: options.ct), to: dcmtkCTDirectory)
        }
        return Corpus(
            smallOne: try Instances.small(workload: 1, count: options.small),
            smallMany: try Instances.small(workload: 2, count: options.small),
            ctOne: try Instances.ct(workload: 3, count: options.ct),
            ctMany: try Instances.ct(workload: 4, count: options.ct),
            smallWindow: options.window > 1 ? try Instances.small(workload: 7, count: options.small) : [],
            ctWindow: options.window > 1 ? try Instances.ct(workload: 8, count: options.ct) : [],
            dcmtkDirectory: dcmtk ? dcmtkDirectory : nil, dcmtkCTDirectory: dcmtk ? dcmtkCTDirectory : nil,
            dcmtkCount: options.dcmtkStore)
    }
}

enum Bench {
    /// Every workload against one target, started here and stopped before returning.
    static func measure(_ target: TargetKind, corpus: Corpus, options: Options, work: String) async throws
        -> [String: Double]
    {
        let limit = Duration.seconds(options.seconds)
        switch target {
        case .noop:
            let echoes = options.echoes
            let associations = options.associations
            let window = options.window
            let passes = options.noopPasses
            let dcmtkEchoes = options.dcmtkEchoes
            return try await withNoOpServer(maximumPDULength: options.maximumPDULength) { endpoint in
                try await common(
                    endpoint, server: nil, corpus: corpus, echoes: echoes, associations: associations,
                    window: window, passes: passes, dcmtkEchoes: dcmtkEchoes, limit: limit)
            }
        case .apus, .orthanc, .orthancNoDelay:
            let directory = work + "/" + target.rawValue
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let (server, started) =
                target == .apus
                ? try startApusServe(
                    executable: options.apusExecutable, wrapper: options.apusWrapper, directory: directory)
                : try startOrthanc(
                    executable: options.orthanc, directory: directory, noDelay: target == .orthancNoDelay)
            defer { server.stop() }
            var endpoint = started
            endpoint.maximumPDULength = options.maximumPDULength
            try await waitUntilReady(endpoint, process: server)
            var figures = try await common(
                endpoint, server: server, corpus: corpus, echoes: options.echoes,
                associations: options.associations, window: options.window, passes: 1,
                dcmtkEchoes: options.dcmtkEchoes, limit: limit)
            if let memory = server.memory() { figures["rss.store"] = Double(memory.peak) / 1_048_576 }
            figures.merge(try await get(endpoint, options: options)) { _, new in new }
            if options.findInstances > 0 {
                figures.merge(try await find(endpoint, server: server, options: options)) { _, new in new }
            }
            return figures
        }
    }

    /// Echo and store workloads; `server` (a child process) for its CPU time.
    static func common(
        _ endpoint: Endpoint, server: ServerProcess?, corpus: Corpus, echoes: Int, associations: Int, window: Int,
        passes: Int, dcmtkEchoes: Int, limit: Duration
    ) async throws -> [String: Double] {
        var figures: [String: Double] = [:]
        let echo = try await Workloads.echo(endpoint, count: echoes, limit: limit)
        figures["echo.median"] = echo.median.map { $0 * 1_000 }
        figures["echo.p99"] = echo.percentile(0.99).map { $0 * 1_000 }
        log("C-ECHO ×\(echo.samples.count): median \(format((echo.median ?? 0) * 1_000)) ms")
        if corpus.dcmtkDirectory != nil {
            figures["echo.dcmtk"] = try DCMTK.echo(endpoint, count: dcmtkEchoes) * 1_000
        }

        func best(_ instances: [Instance], lanes: Int, window: Int = 1) async throws -> StoreRun {
            var best: StoreRun?
            for _ in 0..<passes {
                let run = try await Workloads.store(
                    instances, on: endpoint, associations: lanes, window: window, limit: limit)
                if let failure = run.firstFailure { throw BenchmarkError("C-STORE failed: \(failure)") }
                if best.map({ run.seconds / Double(run.stored) < $0.seconds / Double($0.stored) }) ?? true {
                    best = run
                }
            }
            guard let best else { throw BenchmarkError("no pass") }
            return best
        }
        let cpuBefore = server?.cpuSeconds()
        let usageBefore = Usage.now()
        let smallOne = try await best(corpus.smallOne, lanes: 1)
        if let before = cpuBefore, let after = server?.cpuSeconds(), smallOne.stored > 0 {
            figures["small.cpu"] = (after - before) / Double(smallOne.stored) * 1e6
        }
        if server == nil {
            // Every pass, not only the best one: the stores of all passes over their count.
            let used = Usage.now() - usageBefore
            let stores = Double(smallOne.stored * passes)
            figures["small.selfcpu"] = used.cpuSeconds / stores * 1e6
            figures["small.csw"] = Double(used.contextSwitches) / stores
        }
        figures["small.1"] = smallOne.instancesPerSecond
        log("C-STORE 64x64 ×\(smallOne.stored), 1 association: \(format(smallOne.instancesPerSecond)) inst/s")
        let smallMany = try await best(corpus.smallMany, lanes: associations)
        figures["small.n"] = smallMany.instancesPerSecond
        log(
            "C-STORE 64x64 ×\(smallMany.stored), \(associations) associations: \(format(smallMany.instancesPerSecond)) inst/s"
        )
        if let directory = corpus.dcmtkDirectory {
            figures["small.dcmtk"] = try DCMTK.store(endpoint, directory: directory, count: corpus.dcmtkCount)
        }
        let ctUsageBefore = Usage.now()
        let ctOne = try await best(corpus.ctOne, lanes: 1)
        figures["ct.1"] = ctOne.megabytesPerSecond
        if server == nil {
            let used = Usage.now() - ctUsageBefore
            let megabytes = Double(ctOne.bytes * passes) / 1_000_000
            figures["ct.selfcpu"] = used.cpuSeconds / megabytes * 1e6
            figures["ct.csw"] = Double(used.contextSwitches) / Double(ctOne.stored * passes)
        }
        log("C-STORE CT ×\(ctOne.stored), 1 association: \(format(ctOne.megabytesPerSecond)) MB/s")
        let ctMany = try await best(corpus.ctMany, lanes: associations)
        figures["ct.n"] = ctMany.megabytesPerSecond
        log("C-STORE CT ×\(ctMany.stored), \(associations) associations: \(format(ctMany.megabytesPerSecond)) MB/s")
        if window > 1 {
            let smallWindow = try await best(corpus.smallWindow, lanes: 1, window: window)
            figures["small.w"] = smallWindow.instancesPerSecond
            log(
                "C-STORE 64x64 ×\(smallWindow.stored), 1 association, window \(window): "
                    + "\(format(smallWindow.instancesPerSecond)) inst/s")
            let ctWindow = try await best(corpus.ctWindow, lanes: 1, window: window)
            figures["ct.w"] = ctWindow.megabytesPerSecond
            log(
                "C-STORE CT ×\(ctWindow.stored), 1 association, window \(window): "
                    + "\(format(ctWindow.megabytesPerSecond)) MB/s")
        }
        if let directory = corpus.dcmtkCTDirectory, let size = corpus.ctOne.first?.dataSet.readableBytes {
            let rate = try DCMTK.store(endpoint, directory: directory, count: corpus.ctOne.count)
            figures["ct.dcmtk"] = rate * Double(size) / 1_000_000
        }
        return figures
    }

    /// C-GET of the CT study stored last, at once (its files may not be in the page cache
    /// yet, as for a study a radiologist opens as soon as it arrives) and again.
    static func get(_ endpoint: Endpoint, options: Options) async throws -> [String: Double] {
        let study = Instances.study(workload: options.window > 1 ? 8 : 4)
        let timeout = Duration.seconds(options.seconds)
        let first = try await Workloads.get(study: study, on: endpoint, timeout: timeout)
        let again = try await Workloads.get(study: study, on: endpoint, timeout: timeout)
        // The store workload may have stopped at its time limit with part of the study.
        guard first.instances > 0, again.instances == first.instances else {
            throw BenchmarkError("C-GET brought \(first.instances), then \(again.instances) instances")
        }
        log(
            "C-GET of a CT study ×\(first.instances): first \(format(first.megabytesPerSecond)) MB/s, "
                + "again \(format(again.megabytesPerSecond)) MB/s")
        return ["get.first": first.megabytesPerSecond, "get.again": again.megabytesPerSecond]
    }

    /// Indexes the C-FIND corpus, then times the study-level queries.
    static func find(_ endpoint: Endpoint, server: ServerProcess, options: Options) async throws -> [String: Double] {
        log("indexing up to \(options.findInstances) instances (\(options.perStudy) per study) for C-FIND")
        let ingest = try await Workloads.ingestFindCorpus(
            on: endpoint, count: options.findInstances, perStudy: options.perStudy,
            associations: options.associations, limit: .seconds(options.findSeconds)
        ) { stored in log("  \(stored) stored") }
        if let failure = ingest.firstFailure { throw BenchmarkError("C-STORE failed: \(failure)") }
        log("indexed \(ingest.stored) in \(format(ingest.seconds)) s: \(format(ingest.instancesPerSecond)) inst/s")
        var figures: [String: Double] = [
            "find.ingest": ingest.instancesPerSecond, "find.count": Double(ingest.stored),
        ]
        if let memory = server.memory() { figures["rss.find"] = Double(memory.peak) / 1_048_576 }
        // Studies whose instances are all in (the associations ran side by side).
        let studies = max(0, ingest.stored - options.associations) / options.perStudy
        let queries = Workloads.studyQueries(studies: studies, count: options.findQueries)
        _ = try await Workloads.find(Array(queries.byID.prefix(5)), on: endpoint, limit: .seconds(60))
        let byID = try await Workloads.find(queries.byID, on: endpoint, limit: .seconds(options.seconds))
        let byName = try await Workloads.find(queries.byName, on: endpoint, limit: .seconds(options.seconds))
        for (name, run) in [("PatientID", byID), ("PatientName", byName)] where run.wrong > 0 {
            log("warning: \(run.wrong) \(name) queries did not return the expected number of studies")
        }
        figures["find.id.median"] = byID.0.median.map { $0 * 1_000 }
        figures["find.id.p99"] = byID.0.percentile(0.99).map { $0 * 1_000 }
        figures["find.name.median"] = byName.0.median.map { $0 * 1_000 }
        log("C-FIND by PatientID: median \(format((byID.0.median ?? 0) * 1_000)) ms")
        return figures
    }
}
