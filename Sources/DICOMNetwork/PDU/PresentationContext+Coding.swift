import DICOM
import NIOCore

extension PresentationContextProposal {
    /// Decodes a Presentation Context Item (20H) (PS3.8 Table 9-13).
    init(decoding item: PDUItem) throws(PDUError) {
        let parent = "Presentation Context Item (20H)"
        var value = item.value
        // 5 Presentation-context-ID
        let id = try value.readPDUInteger(as: UInt8.self, field: "Presentation-context-ID")
        // 6-8 Reserved (DCMTK sends FFH in byte 7)
        try value.skipPDUBytes(3, field: "\(parent) Reserved (6-8)")
        // 9-xxx one Abstract Syntax Sub-Item, one or more Transfer Syntax Sub-Items
        var abstractSyntax: UID?
        var transferSyntaxes: [UID] = []
        while let subItem = try value.readPDUItem(in: parent) {
            switch subItem.type {
            case ItemType.abstractSyntax:
                guard abstractSyntax == nil else {
                    throw .invalidItem(type: subItem.type, parent: parent, problem: .duplicate)
                }
                abstractSyntax = try PDUText.uid(subItem.value, field: "Abstract-syntax-name")
            case ItemType.transferSyntax:
                transferSyntaxes.append(try PDUText.uid(subItem.value, field: "Transfer-syntax-name"))
            default:
                throw .invalidItem(type: subItem.type, parent: parent, problem: .unexpected)
            }
        }
        guard let abstractSyntax else {
            throw .invalidItem(type: ItemType.abstractSyntax, parent: parent, problem: .missing)
        }
        self.init(id: id, abstractSyntax: abstractSyntax, transferSyntaxes: transferSyntaxes)
    }

    func encode(into buffer: inout ByteBuffer) throws(PDUError) {
        let item = buffer.writePDUItemHeader(type: ItemType.presentationContextRequest)
        // 5 Presentation-context-ID, 6-8 Reserved
        buffer.writeInteger(id)
        buffer.writeRepeatingByte(0, count: 3)
        // 9-xxx Abstract Syntax Sub-Item, Transfer Syntax Sub-Items
        try buffer.writePDUItem(
            type: ItemType.abstractSyntax, field: "Abstract-syntax-name", bytes: abstractSyntax.rawValue.utf8)
        for transferSyntax in transferSyntaxes {
            try buffer.writePDUItem(
                type: ItemType.transferSyntax, field: "Transfer-syntax-name", bytes: transferSyntax.rawValue.utf8)
        }
        try buffer.fillPDULength(item, field: "Presentation Context Item (20H)")
    }
}

extension PresentationContextResult {
    /// Decodes a Presentation Context Item (21H) (PS3.8 Table 9-18).
    init(decoding item: PDUItem) throws(PDUError) {
        let parent = "Presentation Context Item (21H)"
        var value = item.value
        // 5 Presentation-context-ID, 6 Reserved, 7 Result/Reason, 8 Reserved
        let id = try value.readPDUInteger(as: UInt8.self, field: "Presentation-context-ID")
        try value.skipPDUBytes(1, field: "\(parent) Reserved (6)")
        let resultByte = try value.readPDUInteger(as: UInt8.self, field: "Result/Reason")
        try value.skipPDUBytes(1, field: "\(parent) Reserved (8)")
        guard let result = Result(rawValue: resultByte) else {
            throw .invalidValue(field: "Result/Reason", value: String(resultByte))
        }
        // 9-xxx one Transfer Syntax Sub-Item: empty (or absent) means none
        var transferSyntax: UID?
        var seenTransferSyntax = false
        while let subItem = try value.readPDUItem(in: parent) {
            guard subItem.type == ItemType.transferSyntax else {
                throw .invalidItem(type: subItem.type, parent: parent, problem: .unexpected)
            }
            guard !seenTransferSyntax else {
                throw .invalidItem(type: subItem.type, parent: parent, problem: .duplicate)
            }
            seenTransferSyntax = true
            if subItem.value.readableBytes > 0 {
                transferSyntax = try PDUText.uid(subItem.value, field: "Transfer-syntax-name")
            }
        }
        self.init(id: id, result: result, transferSyntax: transferSyntax)
    }

    func encode(into buffer: inout ByteBuffer) throws(PDUError) {
        let item = buffer.writePDUItemHeader(type: ItemType.presentationContextAccept)
        // 5 Presentation-context-ID, 6 Reserved, 7 Result/Reason, 8 Reserved
        buffer.writeInteger(id)
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(result.rawValue)
        buffer.writeInteger(UInt8(0))
        // 9-xxx Transfer Syntax Sub-Item
        let name = transferSyntax?.rawValue ?? ""
        try buffer.writePDUItem(type: ItemType.transferSyntax, field: "Transfer-syntax-name", bytes: name.utf8)
        try buffer.fillPDULength(item, field: "Presentation Context Item (21H)")
    }
}
