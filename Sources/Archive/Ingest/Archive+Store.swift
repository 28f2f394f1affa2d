public import DICOM
import Logging
import Metrics
public import NIOCore

extension Archive {
    /// Stores a Part 10 file (import, STOW-RS). The blob is the file byte for byte.
    public func store(part10 bytes: ByteBuffer, policy: DuplicatePolicy? = nil) async throws -> StoreResult {
        let file: DICOMFile
        do {
            file = try DICOMFile(reading: bytes)
        } catch {
            return refuse(.unreadable(error.description), sopInstanceUID: nil)
        }
        return try await store(
            dataSet: file.dataSet, transferSyntax: file.transferSyntax, content: [bytes],
            policy: policy ?? configuration.duplicatePolicy)
    }

    /// Stores a data set received bare in `transferSyntax` (C-STORE). The blob is a Part 10
    /// file whose data set is these bytes, unchanged.
    public func store(
        dataSet bytes: ByteBuffer, transferSyntax: TransferSyntax, sourceAETitle: String? = nil,
        policy: DuplicatePolicy? = nil
    ) async throws -> StoreResult {
        let dataSet: DataSet
        do {
            dataSet = try DataSet(decoding: bytes, transferSyntax: transferSyntax)
        } catch {
            return refuse(.unreadable(error.description), sopInstanceUID: nil)
        }
        let header: ByteBuffer
        do {
            header = try DICOMFile.part10Header(
                sopClassUID: dataSet.string(.sopClassUID) ?? "", sopInstanceUID: dataSet.string(.sopInstanceUID) ?? "",
                transferSyntax: transferSyntax, sourceAETitle: sourceAETitle)
        } catch {
            return refuse(.unreadable("file meta information: \(error)"), sopInstanceUID: nil)
        }
        return try await store(
            dataSet: dataSet, transferSyntax: transferSyntax, content: [header, bytes],
            policy: policy ?? configuration.duplicatePolicy)
    }

    /// The pipeline: check, write the blob durably, commit the index rows, then answer; a
    /// blob the index did not take is removed again (or swept later if that fails).
    private func store(
        dataSet: DataSet, transferSyntax: TransferSyntax, content: [ByteBuffer], policy: DuplicatePolicy
    ) async throws -> StoreResult {
        let identity: InstanceIdentity
        switch InstanceIdentity.read(
            from: dataSet, transferSyntax: transferSyntax, extraAttributes: configuration.extraAttributes)
        {
        case .success(let read): identity = read
        case .failure(let refusal): return refuse(refusal, sopInstanceUID: dataSet.string(.sopInstanceUID))
        }
        guard let key = identity.blobKey() else {
            // Valid UIDs always make a valid key; this guards the invariant, not input.
            throw IndexStoreError.corrupt("no blob key for \(identity.sopInstanceUID)")
        }
        // The metadata (DICOM JSON, deflated) is built while the blob's fsync waits on the
        // disk: the two take about as long for a small instance.
        let encoding = configuration.metadataEncoding
        let threshold = configuration.bulkDataThreshold
        async let encoded = InstanceMetadata(dataSet: dataSet, encoding: encoding, bulkDataThreshold: threshold)
        let size = try await blobs.put(key, chunks: ByteBufferChunks(content))
        let metadata = await encoded
        let registration = identity.registration(
            transferSyntax: transferSyntax, blobKey: key, size: size, metadata: metadata, policy: policy)
        let outcome: RegistrationOutcome
        do {
            outcome = try await index.register(registration)
        } catch {
            ingestMetrics.indexErrors.increment()
            await discard(key, reason: "index failed: \(error)")
            throw error
        }
        switch outcome {
        case .registered(let instance):
            countStored(size: instance.size)
            logger.debug("stored", metadata: ["sop": "\(instance.sopInstanceUID)", "blob": "\(key)"])
            return .stored(instance)
        case .duplicateKept(let existing):
            await discard(key, reason: "duplicate kept")
            logger.info("duplicate kept", metadata: ["sop": "\(existing.sopInstanceUID)"])
            return .duplicateKept(existing)
        case .overwritten(let instance, let previous):
            await discard(previous, reason: "overwritten")
            countStored(size: instance.size)
            logger.info("overwritten", metadata: ["sop": "\(instance.sopInstanceUID)"])
            return .overwritten(instance)
        case .refused(let refusal):
            await discard(key, reason: "refused")
            return refuse(refusal, sopInstanceUID: identity.sopInstanceUID)
        }
    }

    private func countStored(size: Int) {
        ingestMetrics.stored.increment()
        ingestMetrics.bytesStored.increment(by: size)
    }

    private func refuse(_ refusal: StoreRefusal, sopInstanceUID: String?) -> StoreResult {
        ingestMetrics.refused.increment()
        logger.notice("refused", metadata: ["sop": "\(sopInstanceUID ?? "-")", "reason": "\(refusal)"])
        return .refused(refusal)
    }

    /// Removes a blob no row references. A failure is only logged: the orphan sweep will
    /// find the blob later.
    func discard(_ key: BlobKey, reason: String) async {
        do {
            try await blobs.delete(key)
        } catch {
            logger.warning(
                "could not remove unreferenced blob",
                metadata: ["blob": "\(key)", "why": "\(reason)", "error": "\(error)"])
        }
    }
}
