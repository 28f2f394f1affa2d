import NIOCore

extension Channel {
    /// Writes the PDUs and flushes them in one trip to the event loop (not one per PDU);
    /// returns once the last is written to the socket, or throws if the channel refused it.
    func write(pdus: [PDU]) async throws {
        guard let last = pdus.last else { return }
        let promise = eventLoop.makePromise(of: Void.self)
        eventLoop.execute {
            for pdu in pdus.dropLast() { self.write(pdu, promise: nil) }
            self.writeAndFlush(last, promise: promise)
        }
        try await promise.futureResult.get()
    }
}
