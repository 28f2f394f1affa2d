import Archive
import DICOM
import DICOMNetwork

/// C-GET and C-MOVE over the archive: the index selects the instances, the blob store streams
/// each one's bytes when its sub-operation comes, and the configured peers are the move
/// destinations.
struct ArchiveRetrieveService: RetrieveService {
    let archive: Archive
    let peers: [String: ServerConfiguration.Peer]

    func instances(matching identifier: DataSet, informationModel: UID, context: AssociationContext) async throws
        -> [RetrievableInstance]
    {
        let model: InformationModel =
            informationModel == .patientRootQueryRetrieveInformationModelGet
                || informationModel == .patientRootQueryRetrieveInformationModelMove ? .patientRoot : .studyRoot
        let query: ArchiveQuery
        do {
            query = try archive.query(identifier: identifier, model: model)
        } catch {
            // PS3.4 C.4.2.1.4: A900, the identifier does not match the SOP class.
            throw QueryFailure(
                ServiceResult(status: .dataSetDoesNotMatchSOPClass, errorComment: String("\(error)".prefix(64))))
        }
        // The list is held whole: the counts of the first pending response need its length,
        // and each entry is a few UIDs.
        var instances: [RetrievableInstance] = []
        for try await stored in archive.instances(matching: query) {
            let archive = self.archive
            instances.append(
                RetrievableInstance(
                    sopClassUID: UID(unchecked: stored.sopClassUID),
                    sopInstanceUID: UID(unchecked: stored.sopInstanceUID),
                    transferSyntax: UID(unchecked: stored.transferSyntaxUID),
                    openDataSet: { try await archive.dataSetStream(of: stored) }))
        }
        return instances
    }

    func moveDestination(aeTitle: String) async -> MoveDestination? {
        peers[aeTitle].map { MoveDestination(host: $0.host, port: $0.port) }
    }
}
