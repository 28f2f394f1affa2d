import DICOM
import NIOCore

extension AcceptorAssociation {
    /// C-STORE (PS3.4 B.2): the storage service reads the data set while it arrives. A data set
    /// that ends within one maximum PDU length of fragments — most instances of a CT or MR
    /// series are smaller — is read first and handed over whole; a longer one is read by the
    /// service in a child task while this task feeds it fragment by fragment, waiting whenever
    /// the service is behind. Either way the network layer holds no more than a PDU or so of
    /// the instance.
    ///
    /// Without an asynchronous operations window this returns once the response is sent.
    /// Within one, it returns as soon as the data set is read: the service finishes and the
    /// response goes out in a child task of `group` while the next request is read, up to the
    /// window's size of them at once.
    func store(
        _ request: CStoreRequest, contextID: UInt8, reader: inout Reader, group: inout DiscardingTaskGroup
    ) async throws {
        guard let storage = services.storage,
            let presentationContext = context.presentationContext(id: contextID),
            presentationContext.abstractSyntax == request.affectedSOPClassUID
        else {
            try await discardDataSet(from: &reader)
            let response = CStoreResponse(respondingTo: request, status: .sopClassNotSupported)
            try await sender.send(.cStoreResponse(response), contextID: contextID)
            return
        }

        let (dataSet, source) = DataSetStream.make(transferSyntax: presentationContext.transferSyntax)
        let context = self.context
        let perform: @Sendable () async -> ServiceResult = {
            defer { source.consumerFinished() }
            do {
                return try await storage.store(request, dataSet: dataSet, context: context)
            } catch {
                return .failure(error)
            }
        }
        let concurrent = window.size > 1
        if concurrent { await window.acquire() }
        var placeHeld = concurrent
        defer { if placeHeld { window.release() } }

        var first: [ByteBuffer] = []
        var length = 0
        var complete = false
        do {
            while !complete, length < Int(context.maximumPDULength) {
                let fragment = try await Self.nextFragment(from: &reader)
                first.append(fragment.bytes)
                length += fragment.bytes.readableBytes
                complete = fragment.isLast
            }
        } catch {
            // The service still learns of the instance that broke off, as when it streams.
            source.prefill(first, failingWith: error)
            _ = await perform()
            throw error
        }
        if complete { source.prefill(first) }

        if concurrent {
            // The place goes with the child task, which gives it back once it has answered.
            placeHeld = false
            let window = self.window
            let sender = self.sender
            group.addTask {
                defer { window.release() }
                let result = await perform()
                // A response that can't be written means the association is over; the reading
                // task learns it from the channel.
                try? await sender.send(.cStoreResponse(Self.response(to: request, result)), contextID: contextID)
            }
            if !complete { try await feedOrFail(source, first: first, from: &reader) }
            return
        }

        let result: ServiceResult
        if complete {
            result = await perform()
        } else {
            result = try await withThrowingTaskGroup(of: ServiceResult.self) { group in
                group.addTask { await perform() }
                do {
                    try await feedOrFail(source, first: first, from: &reader)
                } catch {
                    group.cancelAll()
                    throw error
                }
                return try await group.next() ?? .failure(AssociationInterrupted(reason: "storage service vanished"))
            }
        }
        try await sender.send(.cStoreResponse(Self.response(to: request, result)), contextID: contextID)
    }

    private static func response(to request: CStoreRequest, _ result: ServiceResult) -> CStoreResponse {
        CStoreResponse(
            respondingTo: request, status: result.status, offendingElements: result.offendingElements,
            errorComment: result.wireErrorComment)
    }

    /// `feed`, failing the source when reading breaks off so that the service stops too.
    private func feedOrFail(_ source: DataSetSource, first: [ByteBuffer], from reader: inout Reader) async throws {
        do {
            try await feed(source, first: first, from: &reader)
        } catch {
            source.fail(error)
            throw error
        }
    }

    /// Hands `first`, then the rest of the fragments of a streamed data set to `source` up to
    /// the last one; once the consumer stops reading, the rest is read and dropped.
    private func feed(_ source: DataSetSource, first: [ByteBuffer], from reader: inout Reader) async throws {
        var consumerReads = true
        for fragment in first where consumerReads {
            consumerReads = await source.yield(fragment)
        }
        while true {
            let fragment = try await Self.nextFragment(from: &reader)
            if consumerReads { consumerReads = await source.yield(fragment.bytes) }
            if fragment.isLast {
                source.finish()
                return
            }
        }
    }

    /// The next fragment of the data set being read.
    private static func nextFragment(from reader: inout Reader) async throws -> (bytes: ByteBuffer, isLast: Bool) {
        switch try await reader.read() {
        case .dataFragment(let bytes, let isLast):
            return (bytes, isLast)
        case .ended(let end):
            throw AssociationInterrupted(reason: end.description)
        case .command, .dataSet, .releaseRequested, .releaseConfirmed:
            // The assembler delivers nothing but fragments until the last one.
            throw AssociationInterrupted(reason: "data set ended early")
        }
    }

    private func discardDataSet(from reader: inout Reader) async throws {
        while try await !Self.nextFragment(from: &reader).isLast {}
    }
}
