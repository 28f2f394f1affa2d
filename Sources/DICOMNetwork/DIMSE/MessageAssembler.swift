public import NIOCore

/// Assembles DIMSE messages from presentation data values as they arrive (PS3.7 §6.3.1,
/// PS3.8 Annex E): a state machine that takes one PDV at a time and returns what is
/// complete.
///
/// A message is a command set, in one or more command fragments on one presentation
/// context, then — if its Command Data Set Type says so — a data set in one or more data
/// fragments on the same context. Messages don't interleave. The data set is delivered
/// either as it arrives (`.dataFragment`, for C-STORE: an instance of gigabytes is never
/// held whole) or assembled (`.dataSet`, for identifiers), per command, as configured.
///
/// After an error the association has to be aborted; the assembler keeps throwing it.
public struct MessageAssembler: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// A command set longer than this is refused (command sets are a few hundred bytes).
        public var maximumCommandSetLength: Int
        /// An assembled data set longer than this is refused; streamed ones are not bounded.
        public var maximumAssembledDataSetLength: Int
        /// The commands whose data sets are streamed as `.dataFragment` events; those of all
        /// others are assembled into one `.dataSet` event.
        public var streamedCommands: Set<CommandField>

        public init(
            maximumCommandSetLength: Int = 65_536, maximumAssembledDataSetLength: Int = 16_777_216,
            streamedCommands: Set<CommandField> = [.cStoreRequest]
        ) {
            self.maximumCommandSetLength = maximumCommandSetLength
            self.maximumAssembledDataSetLength = maximumAssembledDataSetLength
            self.streamedCommands = streamedCommands
        }
    }

    /// What a PDV completed.
    public enum Event: Sendable, Equatable {
        /// A whole command set arrived. If the message has a data set, `.dataFragment` or
        /// `.dataSet` events for it follow.
        case command(contextID: UInt8, DIMSEMessage)
        /// A piece of a streamed data set, a slice of the received PDU; the last one says so.
        case dataFragment(contextID: UInt8, ByteBuffer, isLast: Bool)
        /// A whole assembled data set.
        case dataSet(contextID: UInt8, ByteBuffer)
    }

    private enum State: Sendable {
        /// Between messages; remembers the last command when it announced no data set.
        case idle(commandWithoutDataSet: CommandField?)
        /// Command fragments so far (nil before the first).
        case command(contextID: UInt8, received: ByteBuffer?)
        /// The data set of `command`: streamed, or the fragments so far.
        case dataSet(contextID: UInt8, command: CommandField, delivery: Delivery)
        case failed(MessageAssemblyError)
    }

    private enum Delivery: Sendable {
        case streamed
        case assembled(ByteBuffer?)
    }

    public let configuration: Configuration
    private var state: State = .idle(commandWithoutDataSet: nil)

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Whether the assembler is between messages, where an A-RELEASE may come.
    public var isBetweenMessages: Bool {
        if case .idle = state { return true }
        return false
    }

    /// Takes the next PDV, in the order received; returns the event it completes, or nil
    /// when it only added to a command set or an assembled data set (or was an empty,
    /// non-last fragment of a streamed one).
    public mutating func receive(_ pdv: PresentationDataValue) throws(MessageAssemblyError) -> Event? {
        do {
            return try step(pdv)
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func step(_ pdv: PresentationDataValue) throws(MessageAssemblyError) -> Event? {
        switch state {
        case .failed(let error):
            throw error

        case .idle(let previous):
            guard pdv.isCommand else {
                if let previous { throw .unexpectedDataSet(contextID: pdv.contextID, command: previous) }
                throw .dataBeforeCommand(contextID: pdv.contextID)
            }
            return try continueCommand(contextID: pdv.contextID, received: nil, with: pdv)

        case .command(let contextID, let received):
            guard pdv.contextID == contextID else {
                throw .contextMismatch(expected: contextID, received: pdv.contextID)
            }
            guard pdv.isCommand else { throw .dataBeforeCommand(contextID: pdv.contextID) }
            return try continueCommand(contextID: contextID, received: received, with: pdv)

        case .dataSet(let contextID, let command, let delivery):
            guard !pdv.isCommand else {
                throw .commandBeforeDataSetEnd(contextID: pdv.contextID, command: command)
            }
            guard pdv.contextID == contextID else {
                throw .contextMismatch(expected: contextID, received: pdv.contextID)
            }
            return try continueDataSet(contextID: contextID, command: command, delivery: delivery, with: pdv)
        }
    }

    private mutating func continueCommand(
        contextID: UInt8, received: ByteBuffer?, with pdv: PresentationDataValue
    ) throws(MessageAssemblyError) -> Event? {
        let bytes = try Self.appending(
            pdv.data, to: received, limit: configuration.maximumCommandSetLength,
            tooLarge: { .commandSetTooLarge(length: $0, limit: configuration.maximumCommandSetLength) })
        guard pdv.isLast else {
            state = .command(contextID: contextID, received: bytes)
            return nil
        }
        let message: DIMSEMessage
        do {
            message = try DIMSEMessage(decoding: bytes)
        } catch {
            throw .invalidCommand(contextID: contextID, error)
        }
        if message.hasDataSet {
            let command = message.commandField
            let delivery: Delivery = configuration.streamedCommands.contains(command) ? .streamed : .assembled(nil)
            state = .dataSet(contextID: contextID, command: command, delivery: delivery)
        } else {
            state = .idle(commandWithoutDataSet: message.commandField)
        }
        return .command(contextID: contextID, message)
    }

    private mutating func continueDataSet(
        contextID: UInt8, command: CommandField, delivery: Delivery, with pdv: PresentationDataValue
    ) throws(MessageAssemblyError) -> Event? {
        switch delivery {
        case .streamed:
            if pdv.isLast {
                state = .idle(commandWithoutDataSet: nil)
            } else if pdv.data.readableBytes == 0 {
                return nil
            }
            return .dataFragment(contextID: contextID, pdv.data, isLast: pdv.isLast)
        case .assembled(let received):
            let limit = configuration.maximumAssembledDataSetLength
            let bytes = try Self.appending(
                pdv.data, to: received, limit: limit,
                tooLarge: { .dataSetTooLarge(length: $0, limit: limit, command: command) })
            guard pdv.isLast else {
                state = .dataSet(contextID: contextID, command: command, delivery: .assembled(bytes))
                return nil
            }
            state = .idle(commandWithoutDataSet: nil)
            return .dataSet(contextID: contextID, bytes)
        }
    }

    /// `received` followed by `fragment`, within `limit`. A first fragment is kept as the
    /// slice it is; only a second one copies.
    private static func appending(
        _ fragment: ByteBuffer, to received: ByteBuffer?, limit: Int,
        tooLarge: (Int) -> MessageAssemblyError
    ) throws(MessageAssemblyError) -> ByteBuffer {
        let length = (received?.readableBytes ?? 0) + fragment.readableBytes
        guard length <= limit else { throw tooLarge(length) }
        guard var bytes = received else { return fragment }
        bytes.writeImmutableBuffer(fragment)
        return bytes
    }
}
