import DICOM
import NIOCore

// User Information Item (50H) and its sub-items (PS3.7 Annex D.3.3, PS3.8 §9.3.2.3).
// A sub-item's fields must fit in its Item-length; bytes after its last field are ignored.
extension UserInformation {
    /// Decodes the value of a User Information Item.
    init(decoding value: ByteBuffer) throws(PDUError) {
        self.init()
        var value = value
        while let item = try value.readPDUItem(in: "User Information Item") {
            try decodeSubItem(item)
        }
    }

    private mutating func decodeSubItem(_ item: PDUItem) throws(PDUError) {
        var value = item.value
        switch item.type {
        case ItemType.maximumLength:
            // 5-8 Maximum-length-received
            try Self.requireLength(4, of: item, field: "Maximum Length Sub-Item")
            let maximum = try value.readPDUInteger(as: UInt32.self, field: "Maximum-length-received")
            try Self.setOnce(&maximumLength, to: maximum, item)
        case ItemType.implementationClassUID:
            // 5-xxx Implementation-class-uid
            try Self.setOnce(&implementationClassUID, to: PDUText.uid(value, field: "Implementation-class-uid"), item)
        case ItemType.asynchronousOperationsWindow:
            try Self.requireLength(4, of: item, field: "Asynchronous Operations Window Sub-Item")
            // 5-6 Maximum-number-operations-invoked, 7-8 Maximum-number-operations-performed
            let invoked = try value.readPDUInteger(as: UInt16.self, field: "Maximum-number-operations-invoked")
            let performed = try value.readPDUInteger(as: UInt16.self, field: "Maximum-number-operations-performed")
            let window = AsynchronousOperationsWindow(
                maximumOperationsInvoked: invoked,
                maximumOperationsPerformed: performed
            )
            try Self.setOnce(&asynchronousOperationsWindow, to: window, item)
        case ItemType.roleSelection:
            // 5-6 UID-length, 7-xxx SOP-class-uid, xxx SCU-role, xxx SCP-role
            let uid = try PDUText.lengthPrefixedUID(from: &value, field: "SCP/SCU Role Selection SOP-class-uid")
            let scu = try value.readPDUInteger(as: UInt8.self, field: "SCU-role")
            let scp = try value.readPDUInteger(as: UInt8.self, field: "SCP-role")
            roleSelections.append(RoleSelection(sopClassUID: uid, scuRole: scu != 0, scpRole: scp != 0))
        case ItemType.implementationVersionName:
            // 5-xxx Implementation-version-name
            try Self.setOnce(&implementationVersionName, to: PDUText.latin1(value.readableBytesView), item)
        case ItemType.sopClassExtendedNegotiation:
            // 5-6 SOP-class-uid-length, 7-xxx SOP-class-uid, xxx-xxx Service-class-application-information
            let uid = try PDUText.lengthPrefixedUID(from: &value, field: "Extended Negotiation SOP-class-uid")
            extendedNegotiations.append(
                SOPClassExtendedNegotiation(sopClassUID: uid, applicationInformation: Array(value.readableBytesView))
            )
        case ItemType.sopClassCommonExtendedNegotiation:
            commonExtendedNegotiations.append(try Self.decodeCommonExtendedNegotiation(&value))
        case ItemType.userIdentityRequest:
            // 5 User-Identity-Type, 6 Positive-response-requested, 7-8 Primary-field-length, 9-n Primary-field,
            // n+1-n+2 Secondary-field-length, n+3-m Secondary-field (length absent: read as empty)
            let type = try value.readPDUInteger(as: UInt8.self, field: "User-Identity-Type")
            let positive = try value.readPDUInteger(as: UInt8.self, field: "Positive-response-requested")
            let primary = try value.readPDULengthPrefixedSlice(field: "Primary-field")
            let secondary =
                value.readableBytes == 0 ? value : try value.readPDULengthPrefixedSlice(field: "Secondary-field")
            let identity = UserIdentity(
                type: UserIdentity.IdentityType(rawValue: type),
                positiveResponseRequested: positive != 0,
                primaryField: Array(primary.readableBytesView),
                secondaryField: Array(secondary.readableBytesView)
            )
            try Self.setOnce(&userIdentity, to: identity, item)
        case ItemType.userIdentityResponse:
            // 5-6 Server-response-length, 7-xxx Server-response
            let response = try value.readPDULengthPrefixedSlice(field: "Server-response")
            try Self.setOnce(&userIdentityServerResponse, to: Array(response.readableBytesView), item)
        default:
            unknownSubItems.append(UnknownSubItem(type: item.type, value: Array(value.readableBytesView)))
        }
    }

    /// 5-6 SOP-class-uid-length, 7-xxx SOP-class-uid, xxx-xxx Service-class-uid-length,
    /// xxx-xxx Service-class-uid, xxx-xxx Related-general-sop-class-identification-length,
    /// xxx-xxx Related-general-sop-class-identification: each a 2-byte length and a UID (Table D.3-13).
    private static func decodeCommonExtendedNegotiation(
        _ value: inout ByteBuffer
    ) throws(PDUError) -> SOPClassCommonExtendedNegotiation {
        let sopClass = try PDUText.lengthPrefixedUID(from: &value, field: "Common Extended Negotiation SOP-class-uid")
        let serviceClass = try PDUText.lengthPrefixedUID(from: &value, field: "Service-class-uid")
        var related = try value.readPDULengthPrefixedSlice(field: "Related-general-sop-class-identification")
        var relatedUIDs: [UID] = []
        while related.readableBytes > 0 {
            relatedUIDs.append(try PDUText.lengthPrefixedUID(from: &related, field: "Related-general-sop-class-uid"))
        }
        return SOPClassCommonExtendedNegotiation(
            sopClassUID: sopClass,
            serviceClassUID: serviceClass,
            relatedGeneralSOPClassUIDs: relatedUIDs
        )
    }

    private static func requireLength(_ length: Int, of item: PDUItem, field: String) throws(PDUError) {
        guard item.value.readableBytes == length else {
            throw .invalidLength(field: "\(field) Item-length", length: item.value.readableBytes)
        }
    }

    private static func setOnce<Value>(_ property: inout Value?, to value: Value, _ item: PDUItem) throws(PDUError) {
        guard property == nil else {
            throw .invalidItem(type: item.type, parent: "User Information Item", problem: .duplicate)
        }
        property = value
    }

    /// Writes the whole User Information Item (50H), sub-items in type order.
    func encode(into buffer: inout ByteBuffer) throws(PDUError) {
        let item = buffer.writePDUItemHeader(type: ItemType.userInformation)
        if let maximumLength {
            // 5-8 Maximum-length-received
            let subItem = buffer.writePDUItemHeader(type: ItemType.maximumLength)
            buffer.writeInteger(maximumLength)
            try buffer.fillPDULength(subItem, field: "Maximum Length Sub-Item")
        }
        if let uid = implementationClassUID {
            // 5-xxx Implementation-class-uid
            try buffer.writePDUItem(
                type: ItemType.implementationClassUID, field: "Implementation-class-uid", bytes: uid.rawValue.utf8)
        }
        if let window = asynchronousOperationsWindow {
            // 5-6 Maximum-number-operations-invoked, 7-8 Maximum-number-operations-performed
            let subItem = buffer.writePDUItemHeader(type: ItemType.asynchronousOperationsWindow)
            buffer.writeInteger(window.maximumOperationsInvoked)
            buffer.writeInteger(window.maximumOperationsPerformed)
            try buffer.fillPDULength(subItem, field: "Asynchronous Operations Window Sub-Item")
        }
        for role in roleSelections {
            // 5-6 UID-length, 7-xxx SOP-class-uid, xxx SCU-role, xxx SCP-role
            let subItem = buffer.writePDUItemHeader(type: ItemType.roleSelection)
            try buffer.writePDULengthPrefixedBytes(role.sopClassUID.rawValue.utf8, field: "SOP-class-uid")
            buffer.writeInteger(UInt8(role.scuRole ? 1 : 0))
            buffer.writeInteger(UInt8(role.scpRole ? 1 : 0))
            try buffer.fillPDULength(subItem, field: "SCP/SCU Role Selection Sub-Item")
        }
        if let name = implementationVersionName {
            // 5-xxx Implementation-version-name
            let bytes = PDUText.latin1Bytes(name)
            try buffer.writePDUItem(
                type: ItemType.implementationVersionName, field: "Implementation-version-name", bytes: bytes)
        }
        for negotiation in extendedNegotiations {
            // 5-6 SOP-class-uid-length, 7-xxx SOP-class-uid, xxx-xxx Service-class-application-information
            let subItem = buffer.writePDUItemHeader(type: ItemType.sopClassExtendedNegotiation)
            try buffer.writePDULengthPrefixedBytes(negotiation.sopClassUID.rawValue.utf8, field: "SOP-class-uid")
            buffer.writeBytes(negotiation.applicationInformation)
            try buffer.fillPDULength(subItem, field: "SOP Class Extended Negotiation Sub-Item")
        }
        for negotiation in commonExtendedNegotiations {
            try negotiation.encode(into: &buffer)
        }
        if let identity = userIdentity {
            // 5 User-Identity-Type, 6 Positive-response-requested, 7-8 Primary-field-length,
            // 9-n Primary-field, n+1-n+2 Secondary-field-length, n+3-m Secondary-field
            let subItem = buffer.writePDUItemHeader(type: ItemType.userIdentityRequest)
            buffer.writeInteger(identity.type.rawValue)
            buffer.writeInteger(UInt8(identity.positiveResponseRequested ? 1 : 0))
            try buffer.writePDULengthPrefixedBytes(identity.primaryField, field: "Primary-field")
            try buffer.writePDULengthPrefixedBytes(identity.secondaryField, field: "Secondary-field")
            try buffer.fillPDULength(subItem, field: "User Identity Sub-Item (58H)")
        }
        if let response = userIdentityServerResponse {
            // 5-6 Server-response-length, 7-xxx Server-response
            let subItem = buffer.writePDUItemHeader(type: ItemType.userIdentityResponse)
            try buffer.writePDULengthPrefixedBytes(response, field: "Server-response")
            try buffer.fillPDULength(subItem, field: "User Identity Sub-Item (59H)")
        }
        for unknown in unknownSubItems {
            try buffer.writePDUItem(type: unknown.type, field: "Sub-item \(hex(unknown.type))", bytes: unknown.value)
        }
        try buffer.fillPDULength(item, field: "User Information Item")
    }
}

extension UserInformation.SOPClassCommonExtendedNegotiation {
    /// 1 Item-type 57H, 2 Sub-item-version 00H, 3-4 Item-length, then the fields of PS3.7 Table D.3-12.
    func encode(into buffer: inout ByteBuffer) throws(PDUError) {
        let subItem = buffer.writePDUItemHeader(type: ItemType.sopClassCommonExtendedNegotiation)
        // 5-6 SOP-class-uid-length, 7-xxx SOP-class-uid
        try buffer.writePDULengthPrefixedBytes(sopClassUID.rawValue.utf8, field: "SOP-class-uid")
        // xxx-xxx Service-class-uid-length, Service-class-uid
        try buffer.writePDULengthPrefixedBytes(serviceClassUID.rawValue.utf8, field: "Service-class-uid")
        // xxx-xxx Related-general-sop-class-identification-length, then per UID its length and value
        let related = buffer.writePDULengthPlaceholder(UInt16.self)
        for uid in relatedGeneralSOPClassUIDs {
            try buffer.writePDULengthPrefixedBytes(uid.rawValue.utf8, field: "Related-general-sop-class-uid")
        }
        try buffer.fillPDULength(related, field: "Related-general-sop-class-identification")
        try buffer.fillPDULength(subItem, field: "SOP Class Common Extended Negotiation Sub-Item")
    }
}
