import BenchSupport
import DICOM
import DICOMNetwork
import Foundation
import NIOCore
import Synchronization

extension Workloads {
    /// `count` C-ECHOs on one association after a few warm-up ones, each timed; stops early at `limit`.
    static func echo(_ endpoint: Endpoint, count: Int, limit: Duration) async throws -> Latencies {
        let association = try await connect(endpoint)
        for _ in 0..<min(10, count) { _ = try await association.echo() }
        var latencies = Latencies()
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while latencies.samples.count < count, clock.now < deadline {
            let start = clock.now
            let status = try await association.echo()
            latencies.samples.append((clock.now - start).seconds)
            guard status.isSuccess else { throw BenchmarkError("C-ECHO answered \(status)") }
        }
        try await association.release()
        return latencies
    }

    /// A study-level query (Study Root) and how many studies it should match.
    struct StudyQuery: Sendable {
        let identifier: DataSet
        let expectedMatches: Int
    }

    /// Study-level C-FINDs over the first `studies` studies of the corpus: by Patient ID (one
    /// study) and by Patient Name prefix (ten studies), the same for every target.
    static func studyQueries(studies: Int, count: Int) -> (byID: [StudyQuery], byName: [StudyQuery]) {
        let patients = Instances.queryPatients(studies: studies, count: count)
        return (
            patients.ids.map { StudyQuery(identifier: identifier(patientID: $0), expectedMatches: 1) },
            patients.namePrefixes.map { StudyQuery(identifier: identifier(patientName: $0 + "*"), expectedMatches: 10) }
        )
    }

    private static func identifier(patientID: String = "", patientName: String = "") -> DataSet {
        var identifier = DataSet()
        identifier.set(.queryRetrieveLevel, string: "STUDY")
        identifier.set(.patientID, string: patientID)
        identifier.set(.patientName, string: patientName)
        identifier.set(.studyInstanceUID, string: "")
        identifier.set(.studyDate, string: "")
        identifier.set(.accessionNumber, string: "")
        identifier.set(.modalitiesInStudy, string: "")
        identifier.set(.numberOfStudyRelatedInstances, string: "")
        return identifier
    }

    /// The queries on one association, each timed from request to final response; the
    /// number of queries whose match count was not the expected one.
    static func find(_ queries: [StudyQuery], on endpoint: Endpoint, limit: Duration) async throws -> (
        Latencies, wrong: Int
    ) {
        let association = try await connect(endpoint)
        var latencies = Latencies()
        var wrong = 0
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        for query in queries where clock.now < deadline {
            let start = clock.now
            var matches = 0
            for try await _ in association.find(query.identifier) { matches += 1 }
            latencies.samples.append((clock.now - start).seconds)
            if matches != query.expectedMatches { wrong += 1 }
        }
        try await association.release()
        return (latencies, wrong)
    }

    /// What a C-GET brought back, and in how long (request to final response).
    struct GetRun: Sendable {
        var instances = 0
        var bytes = 0
        var seconds = 0.0

        var megabytesPerSecond: Double { seconds > 0 ? Double(bytes) / 1_000_000 / seconds : 0 }
    }

    /// A C-GET of a CT study on one association, the instances counted and dropped as they
    /// come (a viewer or a PACS pulling a study over DICOM).
    static func get(study: String, on endpoint: Endpoint, timeout: Duration) async throws -> GetRun {
        let association = try await DICOMClient.connect(
            host: endpoint.host, port: endpoint.port, callingAETitle: "BENCH", calledAETitle: endpoint.aeTitle,
            presentationContexts: [
                ProposedPresentationContext(abstractSyntax: .studyRootQueryRetrieveInformationModelGet),
                ProposedPresentationContext(
                    abstractSyntax: .ctImageStorage, transferSyntaxes: [.explicitVRLittleEndian]),
            ],
            roleSelections: [
                UserInformation.RoleSelection(sopClassUID: .ctImageStorage, scuRole: false, scpRole: true)
            ],
            maximumPDULength: endpoint.maximumPDULength,
            options: DICOMClient.Options(connectTimeout: timeout, associationTimeout: timeout))
        var identifier = DataSet()
        identifier.set(.queryRetrieveLevel, string: "STUDY")
        identifier.set(.studyInstanceUID, string: study)
        let received = Mutex(GetRun())
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await association.get(identifier) { instance in
            received.withLock { run in
                run.instances += 1
                run.bytes += instance.dataSet.readableBytes
            }
            return .success
        }
        var run = received.withLock { $0 }
        run.seconds = (clock.now - start).seconds
        try await association.release()
        guard result.status.isSuccess else { throw BenchmarkError("C-GET answered \(result.status)") }
        return run
    }
}
