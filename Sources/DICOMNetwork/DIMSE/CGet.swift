public import DICOM

/// C-GET-RQ (PS3.7 §9.3.3.1): the identifier (what to retrieve) follows as the data set; the
/// instances come back as C-STORE sub-operations on the same association.
public struct CGetRequest: DIMSECommand {
    public static let commandField = CommandField.cGetRequest
    public var messageID: UInt16
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

/// C-GET-RSP (PS3.7 §9.3.3.2): pending responses with sub-operation counts, then a final
/// one. A final response may carry an identifier with the Failed SOP Instance UID List.
public struct CGetResponse: DIMSECommand {
    public static let commandField = CommandField.cGetResponse
    public var messageIDBeingRespondedTo: UInt16
    /// Optional in the response; equal to the request's when present.
    public var affectedSOPClassUID: UID?
    public var status: DIMSEStatus
    public var subOperations: SubOperationCounts
    public var offendingElements: [Tag]
    public var errorComment: String?
    public var hasDataSet: Bool

    public init(
        messageIDBeingRespondedTo: UInt16, affectedSOPClassUID: UID?, status: DIMSEStatus,
        subOperations: SubOperationCounts = SubOperationCounts(), offendingElements: [Tag] = [],
        errorComment: String? = nil, hasDataSet: Bool = false
    ) {
        self.messageIDBeingRespondedTo = messageIDBeingRespondedTo
        self.affectedSOPClassUID = affectedSOPClassUID
        self.status = status
        self.subOperations = subOperations
        self.offendingElements = offendingElements
        self.errorComment = errorComment
        self.hasDataSet = hasDataSet
    }

    public init(commandSet: DataSet) throws(DIMSEError) {
        let reader = try CommandSet.Reader(commandSet, expecting: Self.commandField)
        self.hasDataSet = try reader.hasDataSet()
        self.messageIDBeingRespondedTo = try reader.uint16(.messageIDBeingRespondedTo)
        self.affectedSOPClassUID = try reader.optionalUID(.affectedSOPClassUID)
        self.status = try reader.status()
        self.subOperations = try SubOperationCounts(reading: reader)
        self.offendingElements = try reader.tags(.offendingElement)
        self.errorComment = try reader.optionalString(.errorComment)
    }

    public var commandSet: DataSet {
        var builder = CommandSet.Builder(Self.commandField, hasDataSet: hasDataSet)
        builder.set(.affectedSOPClassUID, affectedSOPClassUID)
        builder.set(.messageIDBeingRespondedTo, messageIDBeingRespondedTo)
        builder.set(.status, status.rawValue)
        subOperations.write(to: &builder)
        builder.set(.offendingElement, offendingElements)
        builder.set(.errorComment, vr: .LO, errorComment)
        return builder.commandSet
    }
}
