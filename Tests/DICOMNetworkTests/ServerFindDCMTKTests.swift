import DICOM
import DICOMNetwork
import Foundation
import NIOCore
import Synchronization
import Testing

@Suite("Server ← DCMTK findscu")
struct ServerFindDCMTKTests {
    @Test func findscu() async throws {
        let findscu = try Peers.dcmtk("findscu")
        try await withServer(query: FixedQuery(count: 3)) { port in
            let result = try await PeerProcess.run(
                [
                    findscu, "-v", "-S", "-aec", "APUS", "-k", "QueryRetrieveLevel=STUDY", "-k", "PatientName",
                    "127.0.0.1", "\(port)",
                ])
            #expect(result.status == 0, "\(result)")
            #expect(result.output.components(separatedBy: "Find Response").count - 1 == 4, "\(result)")
            #expect(result.output.contains("Patient^2"), "\(result)")
        }
    }

    /// findscu sends C-CANCEL after two responses: the query stops and the final status is Cancel.
    @Test func findscuCancels() async throws {
        let findscu = try Peers.dcmtk("findscu")
        let query = EndlessQuery()
        try await withServer(query: query) { port in
            let result = try await PeerProcess.run(
                [
                    findscu, "-v", "-S", "--cancel", "2", "-aec", "APUS", "-k", "QueryRetrieveLevel=STUDY", "127.0.0.1",
                    "\(port)",
                ],
                timeout: .seconds(20))
            #expect(result.status == 0, "\(result)")
            #expect(
                result.output.contains("Received Final Find Response (Cancel: MatchingTerminatedDueToCancelRequest)"),
                "\(result)")
        }
        // The server stopped asking for matches.
        let produced = query.produced
        try await Task.sleep(for: .milliseconds(200))
        #expect(query.produced == produced)
        #expect(produced < 10)
    }
}

/// A match every 20 ms, without end, for as long as it is asked for more.
final class EndlessQuery: QueryService {
    private let state = Mutex(0)

    var produced: Int { state.withLock { $0 } }

    func find(_ request: CFindRequest, identifier: DataSet, context: AssociationContext)
        -> AsyncThrowingStream<DataSet, any Error>
    {
        AsyncThrowingStream { [self] in
            try await Task.sleep(for: .milliseconds(20))
            let index = state.withLock { produced in
                produced += 1
                return produced
            }
            var match = DataSet()
            match.set(.queryRetrieveLevel, vr: .CS, string: "STUDY")
            match.set(.patientName, vr: .PN, string: "Endless^\(index)")
            return match
        }
    }
}
