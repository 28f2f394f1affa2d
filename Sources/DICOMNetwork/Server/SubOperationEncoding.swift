import DICOM
import NIOCore

/// Which accepted presentation context a retrieved instance goes on, and its bytes for it:
/// its own transfer syntax when accepted (bytes untouched), else, for native pixel data,
/// another uncompressed one (decoded and re-encoded). Compressed data is never transcoded.
enum SubOperationEncoding {
    static func context(
        for instance: RetrievableInstance, among candidates: [NegotiatedPresentationContext]
    ) -> NegotiatedPresentationContext? {
        let matching = candidates.filter { $0.abstractSyntax == instance.sopClassUID }
        if let own = matching.first(where: { $0.transferSyntax == instance.transferSyntax }) { return own }
        guard TransferSyntax(uid: instance.transferSyntax).isUncompressed else { return nil }
        return matching.first { TransferSyntax(uid: $0.transferSyntax).isUncompressed }
    }

    /// The instance's data set for a context in `target`: its own chunks, or the whole data
    /// set decoded and re-encoded in one chunk.
    static func chunks(of instance: RetrievableInstance, in target: UID) async throws
        -> AsyncThrowingStream<ByteBuffer, any Error>
    {
        let chunks = try await instance.openDataSet()
        guard instance.transferSyntax != target else { return chunks }
        var whole = ByteBuffer()
        for try await chunk in chunks { whole.writeImmutableBuffer(chunk) }
        let encoded = try DataSet(decoding: whole, transferSyntax: TransferSyntax(uid: instance.transferSyntax))
            .encoded(in: TransferSyntax(uid: target))
        return AsyncThrowingStream { continuation in
            continuation.yield(encoded)
            continuation.finish()
        }
    }

    /// What a C-MOVE proposes to its destination: one context per SOP class and transfer
    /// syntax, offering the uncompressed syntaxes as fallbacks; at most 128 (PS3.8 §9.3.2.2).
    /// Instances beyond what fits find no context and fail.
    static func proposals(for instances: [RetrievableInstance]) -> [ProposedPresentationContext] {
        var seen = Set<ProposedPresentationContext>()
        var proposals: [ProposedPresentationContext] = []
        for instance in instances {
            var syntaxes = [instance.transferSyntax]
            if TransferSyntax(uid: instance.transferSyntax).isUncompressed {
                syntaxes += [UID.explicitVRLittleEndian, .implicitVRLittleEndian].filter {
                    $0 != instance.transferSyntax
                }
            }
            let proposal = ProposedPresentationContext(abstractSyntax: instance.sopClassUID, transferSyntaxes: syntaxes)
            guard proposals.count < 128, seen.insert(proposal).inserted else { continue }
            proposals.append(proposal)
        }
        return proposals
    }
}
