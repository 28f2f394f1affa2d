public import DICOM

/// C-CANCEL-RQ (PS3.7 §9.3.2.3, §9.3.3.3, §9.3.4.3): asks the peer to stop the C-FIND, C-GET
/// or C-MOVE with the given message ID. No data set, and no response of its own.
public struct CCancelRequest: DIMSECommand {
    public static let commandField = CommandField.cCancelRequest
    public var messageIDBeingRespondedTo: UInt16

    public init(messageIDBeingRespondedTo: UInt16) {
        self.messageIDBeingRespondedTo = messageIDBeingRespondedTo
    }

    public var hasDataSet: Bool { false }

    public init(commandSet: DataSet) throws(DIMSEError) {
        let reader = try CommandSet.Reader(commandSet, expecting: Self.commandField)
        try reader.requireDataSet(false)
        self.messageIDBeingRespondedTo = try reader.uint16(.messageIDBeingRespondedTo)
    }

    public var commandSet: DataSet {
        var builder = CommandSet.Builder(Self.commandField, hasDataSet: false)
        builder.set(.messageIDBeingRespondedTo, messageIDBeingRespondedTo)
        return builder.commandSet
    }
}
