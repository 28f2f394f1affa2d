import Archive
import DICOM
import DICOMNetwork
import HTTPAPI
import Logging

/// `/modalities` over DICOM networking: each operation opens an association to the peer as
/// our AE title, runs, and releases it. Instances go as a C-MOVE sends them, streamed from
/// the blob store.
struct DICOMPeerClient: DICOMPeerService {
    let archive: Archive
    let localAETitle: String
    let peers: [DICOMPeer]
    let logger: Logger
    var options = DICOMClient.Options(connectTimeout: .seconds(10), associationTimeout: .seconds(30))

    init(archive: Archive, aeTitle: String, peers: [String: ServerConfiguration.Peer], logger: Logger) {
        self.archive = archive
        self.localAETitle = aeTitle
        self.peers = peers.sorted { $0.key < $1.key }.map {
            DICOMPeer(name: $0.key, aeTitle: $0.key, host: $0.value.host, port: $0.value.port)
        }
        self.logger = logger
    }

    func echo(_ peer: DICOMPeer) async throws(DICOMPeerError) -> UInt16 {
        try await with(peer, [.verification]) { association in try await association.echo().rawValue }
    }

    func store(_ instances: [StoredInstance], to peer: DICOMPeer) async throws(DICOMPeerError) -> PeerStoreResult {
        let archive = self.archive
        let retrievable = instances.map { stored in
            RetrievableInstance(
                sopClassUID: UID(unchecked: stored.sopClassUID), sopInstanceUID: UID(unchecked: stored.sopInstanceUID),
                transferSyntax: UID(unchecked: stored.transferSyntaxUID),
                openDataSet: { try await archive.dataSetStream(of: stored) })
        }
        do {
            let result = try await DICOMClient.send(
                retrievable, host: peer.host, port: peer.port, callingAETitle: localAETitle,
                calledAETitle: peer.aeTitle, options: options)
            return PeerStoreResult(
                completed: result.completed, warnings: result.warnings,
                failures: result.failures.map {
                    PeerStoreResult.Failure(sopInstanceUID: $0.sopInstanceUID, reason: $0.reason)
                })
        } catch {
            throw Self.peerError(error)
        }
    }

    func find(_ identifier: DataSet, patientRoot: Bool, at peer: DICOMPeer, limit: Int)
        async throws(DICOMPeerError) -> [DataSet]
    {
        let model: UID =
            patientRoot ? .patientRootQueryRetrieveInformationModelFind : .studyRootQueryRetrieveInformationModelFind
        return try await with(peer, [ProposedPresentationContext(abstractSyntax: model)]) { association in
            var answers: [DataSet] = []
            for try await answer in association.find(identifier, informationModel: model) {
                answers.append(answer)
                if answers.count >= limit { break }
            }
            return answers
        }
    }

    func move(_ identifier: DataSet, patientRoot: Bool, destination: String, at peer: DICOMPeer)
        async throws(DICOMPeerError) -> PeerMoveResult
    {
        let model: UID =
            patientRoot ? .patientRootQueryRetrieveInformationModelMove : .studyRootQueryRetrieveInformationModelMove
        return try await with(peer, [ProposedPresentationContext(abstractSyntax: model)]) { association in
            let result = try await association.move(identifier, destination: destination, informationModel: model)
            return PeerMoveResult(
                status: result.status.rawValue, completed: Int(result.subOperations.completed ?? 0),
                failed: Int(result.subOperations.failed ?? 0), warnings: Int(result.subOperations.warning ?? 0),
                failedSOPInstanceUIDs: result.failedSOPInstanceUIDs, errorComment: result.errorComment)
        }
    }

    /// An association for the length of `body`, released after (aborted when `body` fails).
    private func with<T: Sendable>(
        _ peer: DICOMPeer, _ contexts: [ProposedPresentationContext],
        _ body: (ClientAssociation) async throws -> T
    ) async throws(DICOMPeerError) -> T {
        do {
            let association = try await DICOMClient.connect(
                host: peer.host, port: peer.port, callingAETitle: localAETitle, calledAETitle: peer.aeTitle,
                presentationContexts: contexts, options: options)
            do {
                let result = try await body(association)
                try? await association.release()
                return result
            } catch {
                await association.abort()
                throw error
            }
        } catch {
            logger.warning(
                "DICOM peer operation failed", metadata: ["peer": "\(peer.name)", "error": "\(error)"])
            throw Self.peerError(error)
        }
    }

    private static func peerError(_ error: any Error) -> DICOMPeerError {
        switch error {
        case DICOMClientError.timedOut(let phase): .timedOut("timed out (\(phase))")
        case DICOMClientError.failed(let status, let comment): .failed(status: status.rawValue, comment: comment)
        default: .unreachable("\(error)")
        }
    }
}
