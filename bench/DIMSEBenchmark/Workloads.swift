import BenchSupport
import DICOM
import DICOMNetwork
import Foundation
import NIOCore

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
}
