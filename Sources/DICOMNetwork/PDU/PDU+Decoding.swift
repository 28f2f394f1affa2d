public import NIOCore

extension PDU {
    /// Decodes one PDU from the front of `buffer`.
    ///
    /// Returns nil, leaving `buffer` as it was, until the whole PDU is there. The header is checked
    /// first: an unknown PDU-type or a PDU-length above `maximumLength` (the value of the PDU-length
    /// field, which excludes the 6-byte header) throws at once, before any of the body is awaited.
    /// On success the PDU's bytes are consumed; P-DATA-TF values are slices of `buffer`, not copies.
    /// After a throw the stream cannot be resynchronized: abort the association.
    public static func decode(
        from buffer: inout ByteBuffer,
        maximumLength: UInt32 = PDUDecoder.defaultMaximumPDULength
    ) throws(PDUError) -> PDU? {
        let start = buffer.readerIndex
        // 1 PDU-type
        guard let type = buffer.getInteger(at: start, as: UInt8.self) else { return nil }
        guard (PDUType.associateRequest...PDUType.abort).contains(type) else { throw .unknownPDUType(type) }
        // 2 Reserved, 3-6 PDU-length
        guard let length = buffer.getInteger(at: start + 2, as: UInt32.self) else { return nil }
        guard length <= maximumLength else { throw .pduTooLarge(length: length, maximum: maximumLength) }
        // 7-xxx
        guard let body = buffer.getSlice(at: start + 6, length: Int(length)) else { return nil }
        let pdu = try decodeBody(type: type, body: body)
        buffer.moveReaderIndex(forwardBy: 6 + Int(length))
        return pdu
    }

    private static func decodeBody(type: UInt8, body: ByteBuffer) throws(PDUError) -> PDU {
        switch type {
        case PDUType.associateRequest:
            return .associateRequest(try AssociateRequest(decoding: body))
        case PDUType.associateAccept:
            return .associateAccept(try AssociateAccept(decoding: body))
        case PDUType.associateReject:
            // 7 Reserved, 8 Result, 9 Source, 10 Reason/Diag
            let bytes = try fixedBody(body, type: type)
            return .associateReject(
                AssociateReject(
                    result: AssociateReject.Result(rawValue: bytes.1),
                    source: AssociateReject.Source(sourceByte: bytes.2, reasonByte: bytes.3)
                )
            )
        case PDUType.data:
            return .data(try decodePresentationDataValues(body))
        case PDUType.releaseRequest:
            // 7-10 Reserved
            _ = try fixedBody(body, type: type)
            return .releaseRequest
        case PDUType.releaseResponse:
            // 7-10 Reserved
            _ = try fixedBody(body, type: type)
            return .releaseResponse
        default:
            // 7 Reserved, 8 Reserved, 9 Source, 10 Reason/Diag
            let bytes = try fixedBody(body, type: type)
            return .abort(Abort(source: Abort.Source(rawValue: bytes.2), reason: Abort.Reason(rawValue: bytes.3)))
        }
    }

    /// The body of A-ASSOCIATE-RJ, A-RELEASE-RQ/RP and A-ABORT: PDU-length fixed at 00000004H.
    private static func fixedBody(_ body: ByteBuffer, type: UInt8) throws(PDUError) -> (UInt8, UInt8, UInt8, UInt8) {
        guard body.readableBytes == 4, let bytes = body.getBytes(at: body.readerIndex, length: 4) else {
            throw .invalidLength(field: "\(PDUType.name(of: type)) PDU-length", length: body.readableBytes)
        }
        return (bytes[0], bytes[1], bytes[2], bytes[3])
    }

    /// 7-xxx Presentation-data-value Items (PS3.8 Table 9-23).
    private static func decodePresentationDataValues(_ body: ByteBuffer) throws(PDUError) -> [PresentationDataValue] {
        var body = body
        var values: [PresentationDataValue] = []
        while body.readableBytes > 0 {
            // 1-4 Item-length: the context ID, the message control header and the fragment
            let length = try body.readPDUInteger(as: UInt32.self, field: "PDV Item-length")
            guard length >= 2 else { throw .invalidLength(field: "PDV Item-length", length: Int(length)) }
            var item = try body.readPDUSlice(length: Int(length), field: "Presentation-data-value Item")
            // 5 Presentation-context-ID
            let contextID = try item.readPDUInteger(as: UInt8.self, field: "PDV Presentation-context-ID")
            // 6-xxx Presentation-data-value: the message control header (PS3.8 E.2), then the fragment
            let header = try item.readPDUInteger(as: UInt8.self, field: "PDV Message Control Header")
            values.append(
                PresentationDataValue(
                    contextID: contextID,
                    isCommand: header & 0x01 != 0,
                    isLast: header & 0x02 != 0,
                    data: item
                )
            )
        }
        return values
    }
}
