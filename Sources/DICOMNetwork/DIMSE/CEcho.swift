public import DICOM

/// C-ECHO-RQ (PS3.7 §9.3.5.1): verifies that the peer is there. No data set.
public struct CEchoRequest: DIMSECommand {
    public static let commandField = CommandField.cEchoRequest
    public var messageID: UInt16
    public var affectedSOPClassUID: UID

    public init(messageID: UInt16, affectedSOPClassUID: UID = .verification) {
        self.messageID = messageID
        self.affectedSOPClassUID = affectedSOPClassUID
    }

    public var hasDataSet: Bool { false }

    public init(commandSet: DataSet) throws(DIMSEError) {
        let reader = try CommandSet.Reader(commandSet, expecting: Self.commandField)
        try reader.requireDataSet(false)
        self.messageID = try reader.uint16(.messageID)
        self.affectedSOPClassUID = try reader.uid(.affectedSOPClassUID)
    }

    public var commandSet: DataSet {
        var builder = CommandSet.Builder(Self.commandField, hasDataSet: false)
        builder.set(.affectedSOPClassUID, affectedSOPClassUID)
        builder.set(.messageID, messageID)
        return builder.commandSet
    }
}

/// C-ECHO-RSP (PS3.7 §9.3.5.2). No data set.
public struct CEchoResponse: DIMSECommand {
    public static let commandField = CommandField.cEchoResponse
    public var messageIDBeingRespondedTo: UInt16
    /// Optional in the response; equal to the request's when present.
    public var affectedSOPClassUID: UID?
    public var status: DIMSEStatus
    public var errorComment: String?

    public init(
        messageIDBeingRespondedTo: UInt16, affectedSOPClassUID: UID? = .verification, status: DIMSEStatus = .success,
        errorComment: String? = nil
    ) {
        self.messageIDBeingRespondedTo = messageIDBeingRespondedTo
        self.affectedSOPClassUID = affectedSOPClassUID
        self.status = status
        self.errorComment = errorComment
    }

    public var hasDataSet: Bool { false }

    public init(commandSet: DataSet) throws(DIMSEError) {
        let reader = try CommandSet.Reader(commandSet, expecting: Self.commandField)
        try reader.requireDataSet(false)
        self.messageIDBeingRespondedTo = try reader.uint16(.messageIDBeingRespondedTo)
        self.affectedSOPClassUID = try reader.optionalUID(.affectedSOPClassUID)
        self.status = try reader.status()
        self.errorComment = try reader.optionalString(.errorComment)
    }

    public var commandSet: DataSet {
        var builder = CommandSet.Builder(Self.commandField, hasDataSet: false)
        builder.set(.affectedSOPClassUID, affectedSOPClassUID)
        builder.set(.messageIDBeingRespondedTo, messageIDBeingRespondedTo)
        builder.set(.status, status.rawValue)
        builder.set(.errorComment, vr: .LO, errorComment)
        return builder.commandSet
    }
}
