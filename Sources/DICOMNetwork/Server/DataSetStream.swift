public import DICOM
public import NIOCore
import Synchronization

/// A data set arriving over an association: its fragments, in order, as the PDVs bring them
/// (slices of the received PDUs, never copied). The sequence can be iterated once.
///
/// Backpressure reaches the peer: while fragments wait unread, the association stops reading
/// from the socket, so memory stays bounded by a few PDUs whatever the size of the instance.
public struct DataSetStream: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    typealias Producer = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, DataSetFeed
    >

    /// The transfer syntax the data set is encoded in: its presentation context's.
    public let transferSyntax: UID
    private let producer: Producer

    fileprivate init(transferSyntax: UID, producer: Producer) {
        self.transferSyntax = transferSyntax
        self.producer = producer
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: producer.makeAsyncIterator())
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Producer.AsyncIterator

        public mutating func next() async throws -> ByteBuffer? {
            try await base.next()
        }
    }

    /// The whole data set in one buffer, for small data sets; throws `DataSetTooLarge` past `limit`.
    public func collect(upTo limit: Int) async throws -> ByteBuffer {
        var whole = ByteBuffer()
        for try await fragment in self {
            guard whole.readableBytes + fragment.readableBytes <= limit else { throw DataSetTooLarge(limit: limit) }
            if whole.readableBytes == 0 {
                whole = fragment
            } else {
                whole.writeImmutableBuffer(fragment)
            }
        }
        return whole
    }

    /// A stream and the source that feeds it. Up to `highWatermark` fragments wait unread
    /// before the source's `yield` suspends.
    static func make(transferSyntax: UID, lowWatermark: Int = 2, highWatermark: Int = 8) -> (
        DataSetStream, DataSetSource
    ) {
        let feed = DataSetFeed()
        let made = Producer.makeSequence(
            backPressureStrategy: .init(lowWatermark: lowWatermark, highWatermark: highWatermark),
            finishOnDeinit: false, delegate: feed)
        return (
            DataSetStream(transferSyntax: transferSyntax, producer: made.sequence),
            DataSetSource(source: made.source, feed: feed)
        )
    }
}

/// `DataSetStream.collect(upTo:)` met more bytes than allowed.
public struct DataSetTooLarge: Error, Sendable, Equatable {
    public var limit: Int
}

/// The association's end of a `DataSetStream`.
struct DataSetSource: Sendable {
    let source: DataSetStream.Producer.Source
    let feed: DataSetFeed

    /// Hands on one fragment, waiting while the consumer is behind. False once the consumer
    /// is gone (it stopped iterating, or its task ended): the caller discards the rest.
    func yield(_ fragment: ByteBuffer) async -> Bool {
        switch source.yield(fragment) {
        case .produceMore: return true
        case .stopProducing: return await feed.waitForDemand()
        case .dropped: return false
        }
    }

    func finish() {
        source.finish()
    }

    /// The whole data set, given before anyone reads it: buffered without waiting for demand;
    /// with `error`, the fragments that came before the data set broke off.
    func prefill(_ fragments: [ByteBuffer], failingWith error: (any Error)? = nil) {
        _ = source.yield(contentsOf: fragments)
        if let error {
            source.finish(error)
        } else {
            source.finish()
        }
    }

    func fail(_ error: any Error) {
        source.finish(error)
    }

    /// The consumer's task is over, whether or not it dropped the sequence: nothing will read
    /// what is yielded from now on.
    func consumerFinished() {
        feed.didTerminate()
    }
}

/// The producer delegate: turns NIO's produce-more callbacks into a suspension of the feeding task.
final class DataSetFeed: NIOAsyncSequenceProducerDelegate, Sendable {
    private enum State {
        case producing
        /// `produceMore` came before the producer started waiting.
        case demanded
        case waiting(CheckedContinuation<Bool, Never>)
        case terminated
    }

    private let state = Mutex(State.producing)

    func produceMore() {
        let waiter: CheckedContinuation<Bool, Never>? = state.withLock { state in
            switch state {
            case .waiting(let continuation):
                state = .producing
                return continuation
            case .producing:
                state = .demanded
                return nil
            case .demanded, .terminated:
                return nil
            }
        }
        waiter?.resume(returning: true)
    }

    func didTerminate() {
        let waiter: CheckedContinuation<Bool, Never>? = state.withLock { state in
            defer { state = .terminated }
            if case .waiting(let continuation) = state { return continuation }
            return nil
        }
        waiter?.resume(returning: false)
    }

    /// Suspends until the consumer wants more (true) or is gone (false).
    func waitForDemand() async -> Bool {
        await withCheckedContinuation { continuation in
            let answer: Bool? = state.withLock { state in
                switch state {
                case .demanded:
                    state = .producing
                    return true
                case .terminated:
                    return false
                case .producing, .waiting:
                    state = .waiting(continuation)
                    return nil
                }
            }
            if let answer { continuation.resume(returning: answer) }
        }
    }
}
