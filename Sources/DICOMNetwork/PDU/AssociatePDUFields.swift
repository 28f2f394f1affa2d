import DICOM
import NIOCore

/// The fields A-ASSOCIATE-RQ and A-ASSOCIATE-AC share (PS3.8 Tables 9-11 and 9-17), generic over
/// their presentation context items (20H in the request, 21H in the accept).
struct AssociatePDUFields<Context> {
    var protocolVersion: UInt16
    var calledAETitle: String
    var callingAETitle: String
    var applicationContext: UID
    var presentationContexts: [Context]
    var userInformation: UserInformation

    /// Decodes bytes 7-xxx of the PDU. Items of types the standard does not define are skipped;
    /// items it defines elsewhere (a 21H item in a request, a sub-item at this level) are errors.
    init(
        decoding body: ByteBuffer,
        pduName: String,
        contextItemType: UInt8,
        decodeContext: (PDUItem) throws(PDUError) -> Context
    ) throws(PDUError) {
        var body = body
        // 7-8 Protocol-version
        protocolVersion = try body.readPDUInteger(as: UInt16.self, field: "\(pduName) Protocol-version")
        // 9-10 Reserved
        try body.skipPDUBytes(2, field: "\(pduName) Reserved (9-10)")
        // 11-26 Called-AE-title (reserved in the A-ASSOCIATE-AC, sent with the value received)
        calledAETitle = try PDUText.aeTitle(from: &body, field: "\(pduName) Called-AE-title")
        // 27-42 Calling-AE-title (likewise)
        callingAETitle = try PDUText.aeTitle(from: &body, field: "\(pduName) Calling-AE-title")
        // 43-74 Reserved
        try body.skipPDUBytes(32, field: "\(pduName) Reserved (43-74)")
        // 75-xxx Variable items: one Application Context Item, Presentation Context Items,
        // one User Information Item.
        var applicationContext: UID?
        var userInformation: UserInformation?
        var presentationContexts: [Context] = []
        while let item = try body.readPDUItem(in: pduName) {
            switch item.type {
            case ItemType.applicationContext:
                guard applicationContext == nil else {
                    throw .invalidItem(type: item.type, parent: pduName, problem: .duplicate)
                }
                applicationContext = try PDUText.uid(item.value, field: "Application-context-name")
            case contextItemType:
                presentationContexts.append(try decodeContext(item))
            case ItemType.userInformation:
                guard userInformation == nil else {
                    throw .invalidItem(type: item.type, parent: pduName, problem: .duplicate)
                }
                userInformation = try UserInformation(decoding: item.value)
            case ItemType.presentationContextRequest, ItemType.presentationContextAccept,
                ItemType.abstractSyntax, ItemType.transferSyntax,
                ItemType.maximumLength...ItemType.userIdentityResponse:
                throw .invalidItem(type: item.type, parent: pduName, problem: .unexpected)
            default:
                continue
            }
        }
        guard let applicationContext else {
            throw .invalidItem(type: ItemType.applicationContext, parent: pduName, problem: .missing)
        }
        self.applicationContext = applicationContext
        self.presentationContexts = presentationContexts
        // Mandatory, but its absence harms nothing here: read as an empty item.
        self.userInformation = userInformation ?? UserInformation()
    }
}

extension ByteBuffer {
    /// Writes bytes 7-74 of an A-ASSOCIATE-RQ or -AC and its Application Context Item; the
    /// presentation context items and the user information item follow.
    mutating func writeAssociatePDUHeader(
        protocolVersion: UInt16,
        calledAETitle: String,
        callingAETitle: String,
        applicationContext: UID
    ) throws(PDUError) {
        // 7-8 Protocol-version, 9-10 Reserved
        writeInteger(protocolVersion)
        writeInteger(UInt16(0))
        // 11-26 Called-AE-title, 27-42 Calling-AE-title
        PDUText.writeAETitle(calledAETitle, into: &self)
        PDUText.writeAETitle(callingAETitle, into: &self)
        // 43-74 Reserved
        writeRepeatingByte(0, count: 32)
        // 75-xxx Variable items, the Application Context Item first
        try writePDUItem(
            type: ItemType.applicationContext,
            field: "Application Context Item",
            bytes: applicationContext.rawValue.utf8
        )
    }
}

extension AssociateRequest {
    init(decoding body: ByteBuffer) throws(PDUError) {
        let fields = try AssociatePDUFields(
            decoding: body,
            pduName: "A-ASSOCIATE-RQ",
            contextItemType: ItemType.presentationContextRequest,
            decodeContext: PresentationContextProposal.init(decoding:)
        )
        self.init(
            protocolVersion: fields.protocolVersion,
            calledAETitle: fields.calledAETitle,
            callingAETitle: fields.callingAETitle,
            applicationContext: fields.applicationContext,
            presentationContexts: fields.presentationContexts,
            userInformation: fields.userInformation
        )
    }

    func encode(into buffer: inout ByteBuffer) throws(PDUError) {
        try buffer.writeAssociatePDUHeader(
            protocolVersion: protocolVersion,
            calledAETitle: calledAETitle,
            callingAETitle: callingAETitle,
            applicationContext: applicationContext
        )
        for context in presentationContexts {
            try context.encode(into: &buffer)
        }
        try userInformation.encode(into: &buffer)
    }
}

extension AssociateAccept {
    init(decoding body: ByteBuffer) throws(PDUError) {
        let fields = try AssociatePDUFields(
            decoding: body,
            pduName: "A-ASSOCIATE-AC",
            contextItemType: ItemType.presentationContextAccept,
            decodeContext: PresentationContextResult.init(decoding:)
        )
        self.init(
            protocolVersion: fields.protocolVersion,
            calledAETitle: fields.calledAETitle,
            callingAETitle: fields.callingAETitle,
            applicationContext: fields.applicationContext,
            presentationContexts: fields.presentationContexts,
            userInformation: fields.userInformation
        )
    }

    func encode(into buffer: inout ByteBuffer) throws(PDUError) {
        try buffer.writeAssociatePDUHeader(
            protocolVersion: protocolVersion,
            calledAETitle: calledAETitle,
            callingAETitle: callingAETitle,
            applicationContext: applicationContext
        )
        for context in presentationContexts {
            try context.encode(into: &buffer)
        }
        try userInformation.encode(into: &buffer)
    }
}
