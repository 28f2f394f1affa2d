public import NIOCore

extension PDU {
    /// Appends the PDU to `buffer`, lengths filled in after each part is written.
    ///
    /// Throws only when a value does not fit its length field (an item over 65,535 bytes, a
    /// P-DATA-TF over 4 GiB); `buffer` is then left as it was.
    public func encode(into buffer: inout ByteBuffer) throws(PDUError) {
        let start = buffer.writerIndex
        do throws(PDUError) {
            // 1 PDU-type, 2 Reserved, 3-6 PDU-length, 7-xxx
            buffer.writeInteger(pduType)
            buffer.writeInteger(UInt8(0))
            let length = buffer.writePDULengthPlaceholder(UInt32.self)
            try encodeBody(into: &buffer)
            try buffer.fillPDULength(length, field: name)
        } catch {
            buffer.moveWriterIndex(to: start)
            throw error
        }
    }

    private func encodeBody(into buffer: inout ByteBuffer) throws(PDUError) {
        switch self {
        case .associateRequest(let request):
            try request.encode(into: &buffer)
        case .associateAccept(let accept):
            try accept.encode(into: &buffer)
        case .associateReject(let reject):
            // 7 Reserved, 8 Result, 9 Source, 10 Reason/Diag
            buffer.writeInteger(UInt8(0))
            buffer.writeInteger(reject.result.rawValue)
            buffer.writeInteger(reject.source.sourceByte)
            buffer.writeInteger(reject.source.reasonByte)
        case .data(let values):
            for value in values {
                try Self.encode(value, into: &buffer)
            }
        case .releaseRequest, .releaseResponse:
            // 7-10 Reserved
            buffer.writeInteger(UInt32(0))
        case .abort(let abort):
            // 7 Reserved, 8 Reserved, 9 Source, 10 Reason/Diag
            buffer.writeInteger(UInt16(0))
            buffer.writeInteger(abort.source.rawValue)
            buffer.writeInteger(abort.reason.rawValue)
        }
    }

    /// A Presentation-data-value Item: 1-4 Item-length, 5 Presentation-context-ID,
    /// 6-xxx the message control header and the fragment.
    static func encode(_ value: PresentationDataValue, into buffer: inout ByteBuffer) throws(PDUError) {
        let length = buffer.writePDULengthPlaceholder(UInt32.self)
        buffer.writeInteger(value.contextID)
        buffer.writeInteger(value.messageControlHeader)
        buffer.writeImmutableBuffer(value.data)
        try buffer.fillPDULength(length, field: "Presentation-data-value Item")
    }
}
