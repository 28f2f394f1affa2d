import DICOM
import DICOMNetwork
import NIOCore
import Testing

/// `storeOutcome(of:)`: the whole C-STORE-RSP (status with its error comment) and how the data
/// set went, which `apus store` reports.
@Suite("Client: store outcome")
struct ClientStoreOutcomeTests {
    @Test func failureComesWithItsCommentAndTheConversionIsSaid() async throws {
        let storage = RefusingStorage(
            result: ServiceResult(
                status: .dataSetDoesNotMatchSOPClass, errorComment: "no study", offendingElements: [.studyInstanceUID]))
        let file = try DICOMFile(contentsOf: Peers.pydicomTestFile("CT_small.dcm"))
        #expect(file.transferSyntax == .explicitVRLittleEndian)
        try await withServer(storage: storage) { port in
            // Only implicit VR is proposed: the explicit VR file is converted.
            let association = try await DICOMClient.connect(
                host: "127.0.0.1", port: port, callingAETitle: "SCU", calledAETitle: "APUS",
                presentationContexts: [
                    ProposedPresentationContext(
                        abstractSyntax: .ctImageStorage, transferSyntaxes: [.implicitVRLittleEndian])
                ])
            let outcome = try await association.storeOutcome(of: file)
            try await association.release()
            let expected = try file.dataSet.encoded(in: .implicitVRLittleEndian)
            #expect(
                outcome
                    == StoreOutcome(
                        status: .dataSetDoesNotMatchSOPClass, errorComment: "no study",
                        offendingElements: [.studyInstanceUID], transferSyntax: .implicitVRLittleEndian,
                        converted: true, dataSetLength: expected.readableBytes))
        }
    }

    @Test func ownSyntaxWhenAccepted() async throws {
        let file = try DICOMFile(contentsOf: Peers.pydicomTestFile("CT_small.dcm"))
        try await withServer(storage: RefusingStorage(result: .success)) { port in
            let association = try await DICOMClient.connect(
                host: "127.0.0.1", port: port, callingAETitle: "SCU", calledAETitle: "APUS",
                presentationContexts: [
                    ProposedPresentationContext(
                        abstractSyntax: .ctImageStorage, transferSyntaxes: [.implicitVRLittleEndian]),
                    ProposedPresentationContext(
                        abstractSyntax: .ctImageStorage, transferSyntaxes: [.explicitVRLittleEndian]),
                ])
            let outcome = try await association.storeOutcome(of: file)
            try await association.release()
            #expect(outcome.status == .success && outcome.errorComment == nil)
            #expect(outcome.transferSyntax == .explicitVRLittleEndian && !outcome.converted)
        }
    }
}

/// A storage service that reads the data set and answers with a fixed result.
private struct RefusingStorage: StorageService {
    let result: ServiceResult

    func store(_ request: CStoreRequest, dataSet: DataSetStream, context: AssociationContext) async throws
        -> ServiceResult
    {
        for try await _ in dataSet {}
        return result
    }
}
