import DICOM
import DICOMNetwork
import Foundation
import NIOCore
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
                ],
                timeout: .seconds(10))
            #expect(result.status == 0, "\(result)")
            #expect(result.output.components(separatedBy: "Find Response").count - 1 == 4, "\(result)")
            #expect(result.output.contains("Patient^2"), "\(result)")
        }
    }
}
