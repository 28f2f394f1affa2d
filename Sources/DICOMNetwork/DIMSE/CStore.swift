public import DICOM

/// C-STORE-RQ (PS3.7 §9.3.1.1): a SOP instance follows as the data set.
public struct CStoreRequest: DIMSECommand {
    public static let commandField = CommandField.cStoreRequest
    public var messageID: UInt16
    public var affectedSOPClassUID: UID
    public var affectedSOPInstanceUID: UID
    public var priority: DIMSEPriority
    /// Set when the store is a sub-operation of a C-MOVE: the AE title that asked for the move.
    public var moveOriginatorApplicationEntityTitle: String?
    /// Set when the store is a sub-operation of a C-MOVE: the C-MOVE-RQ's message ID.
    public var moveOriginatorMessageID: UInt16?

    public init(
        messageID: UInt16, affectedSOPClassUID: UID, affectedSOPInstanceUID: UID, priority: DIMSEPriority = .medium,
        moveOriginatorApplicationEntityTitle: String? = nil, moveOriginatorMessageID: UInt16? = nil
    ) {
        self.messageID = messageID
        self.affectedSOPClassUID = affectedSOPClassUID
        self.affectedSOPInstanceUID = affectedSOPInstanceUID
        self.priority = priority
        self.moveOriginatorApplicationEntityTitle = moveOriginatorApplicationEntityTitle
        self.moveOriginatorMessageID = moveOriginatorMessageID
    }

    public var hasDataSet: Bool { true }

    public init(commandSet: DataSet) throws(DIMSEError) {
        let reader = try CommandSet.Reader(commandSet, expecting: Self.commandField)
        try reader.requireDataSet(true)
        self.messageID = try reader.uint16(.messageID)
        self.affectedSOPClassUID = try reader.uid(.affectedSOPClassUID)
        self.affectedSOPInstanceUID = try reader.uid(.affectedSOPInstanceUID)
        self.priority = try reader.priority()
        self.moveOriginatorApplicationEntityTitle = try reader.optionalString(.moveOriginatorApplicationEntityTitle)
        self.moveOriginatorMessageID = try reader.optionalUInt16(.moveOriginatorMessageID)
    }

    public var commandSet: DataSet {
        var builder = CommandSet.Builder(Self.commandField, hasDataSet: true)
        builder.set(.affectedSOPClassUID, affectedSOPClassUID)
        builder.set(.messageID, messageID)
        builder.set(.priority, priority.rawValue)
        builder.set(.affectedSOPInstanceUID, affectedSOPInstanceUID)
        builder.set(.moveOriginatorApplicationEntityTitle, vr: .AE, moveOriginatorApplicationEntityTitle)
        builder.set(.moveOriginatorMessageID, moveOriginatorMessageID)
        return builder.commandSet
    }
}

/// C-STORE-RSP (PS3.7 §9.3.1.2). No data set.
public struct CStoreResponse: DIMSECommand {
    public static let commandField = CommandField.cStoreResponse
    public var messageIDBeingRespondedTo: UInt16
    /// Optional in the response; equal to the request's when present.
    public var affectedSOPClassUID: UID?
    /// Optional in the response; equal to the request's when present.
    public var affectedSOPInstanceUID: UID?
    public var status: DIMSEStatus
    /// The elements in error, for some failure statuses.
    public var offendingElements: [Tag]
    public var errorComment: String?

    public init(
        messageIDBeingRespondedTo: UInt16, affectedSOPClassUID: UID?, affectedSOPInstanceUID: UID?,
        status: DIMSEStatus = .success, offendingElements: [Tag] = [], errorComment: String? = nil
    ) {
        self.messageIDBeingRespondedTo = messageIDBeingRespondedTo
        self.affectedSOPClassUID = affectedSOPClassUID
        self.affectedSOPInstanceUID = affectedSOPInstanceUID
        self.status = status
        self.offendingElements = offendingElements
        self.errorComment = errorComment
    }

    /// The response to `request`, with its message ID, SOP class and SOP instance.
    public init(
        respondingTo request: CStoreRequest, status: DIMSEStatus = .success, offendingElements: [Tag] = [],
        errorComment: String? = nil
    ) {
        self.init(
            messageIDBeingRespondedTo: request.messageID, affectedSOPClassUID: request.affectedSOPClassUID,
            affectedSOPInstanceUID: request.affectedSOPInstanceUID, status: status,
            offendingElements: offendingElements, errorComment: errorComment)
    }

    public var hasDataSet: Bool { false }

    public init(commandSet: DataSet) throws(DIMSEError) {
        let reader = try CommandSet.Reader(commandSet, expecting: Self.commandField)
        try reader.requireDataSet(false)
        self.messageIDBeingRespondedTo = try reader.uint16(.messageIDBeingRespondedTo)
        self.affectedSOPClassUID = try reader.optionalUID(.affectedSOPClassUID)
        self.affectedSOPInstanceUID = try reader.optionalUID(.affectedSOPInstanceUID)
        self.status = try reader.status()
        self.offendingElements = try reader.tags(.offendingElement)
        self.errorComment = try reader.optionalString(.errorComment)
    }

    public var commandSet: DataSet {
        var builder = CommandSet.Builder(Self.commandField, hasDataSet: false)
        builder.set(.affectedSOPClassUID, affectedSOPClassUID)
        builder.set(.messageIDBeingRespondedTo, messageIDBeingRespondedTo)
        builder.set(.status, status.rawValue)
        builder.set(.offendingElement, offendingElements)
        builder.set(.errorComment, vr: .LO, errorComment)
        builder.set(.affectedSOPInstanceUID, affectedSOPInstanceUID)
        return builder.commandSet
    }
}
