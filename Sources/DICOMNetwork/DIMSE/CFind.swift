public import DICOM

/// C-FIND-RQ (PS3.7 §9.3.2.1): the identifier (query keys) follows as the data set.
public struct CFindRequest: DIMSECommand {
    public static let commandField = CommandField.cFindRequest
    public var messageID: UInt16
    /// The query/retrieve information model (Patient Root, Study Root, Modality Worklist …).
    public var affectedSOPClassUID: UID
    public var priority: DIMSEPriority

    public init(messageID: UInt16, affectedSOPClassUID: UID, priority: DIMSEPriority = .medium) {
        self.messageID = messageID
        self.affectedSOPClassUID = affectedSOPClassUID
        self.priority = priority
    }

    public var hasDataSet: Bool { true }

    public init(commandSet: DataSet) throws(DIMSEError) {
        let reader = try CommandSet.Reader(commandSet, expecting: Self.commandField)
        try reader.requireDataSet(true)
        self.messageID = try reader.uint16(.messageID)
        self.affectedSOPClassUID = try reader.uid(.affectedSOPClassUID)
        self.priority = try reader.priority()
    }

    public var commandSet: DataSet {
        var builder = CommandSet.Builder(Self.commandField, hasDataSet: true)
        builder.set(.affectedSOPClassUID, affectedSOPClassUID)
        builder.set(.messageID, messageID)
        builder.set(.priority, priority.rawValue)
        return builder.commandSet
    }
}

/// C-FIND-RSP (PS3.7 §9.3.2.2): one per match with status pending and the match as the
/// identifier, then a final one without identifier.
public struct CFindResponse: DIMSECommand {
    public static let commandField = CommandField.cFindResponse
    public var messageIDBeingRespondedTo: UInt16
    /// Optional in the response; equal to the request's when present.
    public var affectedSOPClassUID: UID?
    public var status: DIMSEStatus
    public var offendingElements: [Tag]
    public var errorComment: String?
    /// Whether an identifier follows: a match, with a pending status.
    public var hasDataSet: Bool

    /// `hasDataSet` defaults to whether the status is pending, as PS3.4 C.4.1.1.4 has it.
    public init(
        messageIDBeingRespondedTo: UInt16, affectedSOPClassUID: UID?, status: DIMSEStatus,
        offendingElements: [Tag] = [], errorComment: String? = nil, hasDataSet: Bool? = nil
    ) {
        self.messageIDBeingRespondedTo = messageIDBeingRespondedTo
        self.affectedSOPClassUID = affectedSOPClassUID
        self.status = status
        self.offendingElements = offendingElements
        self.errorComment = errorComment
        self.hasDataSet = hasDataSet ?? status.isPending
    }

    public init(commandSet: DataSet) throws(DIMSEError) {
        let reader = try CommandSet.Reader(commandSet, expecting: Self.commandField)
        self.hasDataSet = try reader.hasDataSet()
        self.messageIDBeingRespondedTo = try reader.uint16(.messageIDBeingRespondedTo)
        self.affectedSOPClassUID = try reader.optionalUID(.affectedSOPClassUID)
        self.status = try reader.status()
        self.offendingElements = try reader.tags(.offendingElement)
        self.errorComment = try reader.optionalString(.errorComment)
    }

    public var commandSet: DataSet {
        var builder = CommandSet.Builder(Self.commandField, hasDataSet: hasDataSet)
        builder.set(.affectedSOPClassUID, affectedSOPClassUID)
        builder.set(.messageIDBeingRespondedTo, messageIDBeingRespondedTo)
        builder.set(.status, status.rawValue)
        builder.set(.offendingElement, offendingElements)
        builder.set(.errorComment, vr: .LO, errorComment)
        return builder.commandSet
    }
}
