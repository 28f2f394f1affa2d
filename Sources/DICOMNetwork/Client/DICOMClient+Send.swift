import DICOM

/// How sending instances to a peer ended: counts as a C-MOVE reports them, and why each
/// failure failed.
public struct SendResult: Sendable, Equatable {
    public struct Failure: Sendable, Equatable {
        public var sopInstanceUID: String
        public var reason: String
    }

    public var completed = 0
    public var warnings = 0
    public var failures: [Failure] = []
}

extension DICOMClient {
    /// C-STORE of `instances` to a peer on one association, as a C-MOVE sends them (each in
    /// its own transfer syntax when accepted, native pixel data otherwise re-encoded in an
    /// accepted uncompressed one; streamed from where they are kept). Throws when the peer
    /// can't be reached or rejects the association; a failed instance is counted, with its
    /// reason, and the others still go.
    public static func send(
        _ instances: [RetrievableInstance], host: String, port: Int, callingAETitle: String, calledAETitle: String,
        options: Options = Options()
    ) async throws -> SendResult {
        var result = SendResult()
        guard !instances.isEmpty else { return result }
        let association = try await connect(
            host: host, port: port, callingAETitle: callingAETitle, calledAETitle: calledAETitle,
            presentationContexts: SubOperationEncoding.proposals(for: instances), options: options)
        for instance in instances {
            let uid = instance.sopInstanceUID.rawValue
            guard
                let target = SubOperationEncoding.context(
                    for: instance, among: association.context.presentationContexts)
            else {
                result.failures.append(
                    SendResult.Failure(
                        sopInstanceUID: uid,
                        reason: "no accepted presentation context for \(instance.sopClassUID.rawValue) "
                            + "in \(instance.transferSyntax.rawValue)"))
                continue
            }
            do {
                let status = try await association.store(
                    dataSetChunks: try await SubOperationEncoding.chunks(of: instance, in: target.transferSyntax),
                    sopClass: instance.sopClassUID, sopInstance: instance.sopInstanceUID,
                    transferSyntax: target.transferSyntax)
                if status.isSuccess {
                    result.completed += 1
                } else if status.isWarning {
                    result.warnings += 1
                } else {
                    result.failures.append(SendResult.Failure(sopInstanceUID: uid, reason: "status \(status)"))
                }
            } catch {
                result.failures.append(SendResult.Failure(sopInstanceUID: uid, reason: "\(error)"))
            }
        }
        try? await association.release()
        return result
    }
}
