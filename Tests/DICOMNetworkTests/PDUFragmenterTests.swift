import NIOCore
import Testing

@testable import DICOMNetwork

@Suite("P-DATA-TF fragmentation")
struct PDUFragmenterTests {
    static let maximums: [UInt32] = [0, 16, 17, 16384]
    static let payloadSizes = [0, 1, 9, 10, 11, 12, 1001, 16377, 16378, 16379, 20_011]

    static func payload(_ size: Int) -> ByteBuffer {
        ByteBuffer(bytes: (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
    }

    @Test(arguments: maximums, payloadSizes)
    func fragmentsReassembleWithinTheMaximum(maximum: UInt32, size: Int) throws {
        let fragmenter = PDataFragmenter(maximumPDULength: maximum)
        let payload = Self.payload(size)
        let pdus = fragmenter.pdus(for: payload, contextID: 3, isCommand: false)
        var reassembled = ByteBuffer()
        var problems: [String] = []
        for (index, pdu) in pdus.enumerated() {
            guard case .data(let values) = pdu, values.count == 1, let value = values.first else {
                Issue.record("not a one-PDV P-DATA-TF: \(pdu)")
                return
            }
            if value.contextID != 3 || value.isCommand || value.isLast != (index == pdus.count - 1) {
                problems.append("PDU \(index): \(value)")
            }
            reassembled.writeImmutableBuffer(value.data)
        }
        #expect(problems.isEmpty)
        // The PDU-length field (bytes after the 6-byte header) is what the maximum bounds.
        var encoded = ByteBuffer()
        for pdu in pdus { try pdu.encode(into: &encoded) }
        var lengths: [Int] = []
        while let length = encoded.getInteger(at: encoded.readerIndex + 2, as: UInt32.self) {
            lengths.append(Int(length))
            encoded.moveReaderIndex(forwardBy: 6 + Int(length))
        }
        #expect(lengths.count == pdus.count)
        #expect(maximum == 0 || lengths.allSatisfy { $0 <= Int(maximum) })
        #expect(reassembled == payload)
        let fragmentLength = maximum == 0 ? Int(UInt32.max) - 6 : Int(maximum) - 6
        #expect(pdus.count == max(1, (size + fragmentLength - 1) / fragmentLength))
    }

    @Test(arguments: maximums, payloadSizes)
    func writtenBytesEqualTheEncodedPDUs(maximum: UInt32, size: Int) throws {
        let fragmenter = PDataFragmenter(maximumPDULength: maximum)
        let payload = Self.payload(size)
        var written = ByteBuffer(bytes: [0xEE])
        fragmenter.write(payload, contextID: 5, isCommand: true, into: &written)
        var expected = ByteBuffer(bytes: [0xEE])
        for pdu in fragmenter.pdus(for: payload, contextID: 5, isCommand: true) {
            try pdu.encode(into: &expected)
        }
        #expect(written == expected)
    }

    @Test func fragmentsAreSlicesOfThePayload() {
        let payload = Self.payload(100)
        let pdus = PDataFragmenter(maximumPDULength: 16).pdus(for: payload, contextID: 1, isCommand: false)
        let base = payload.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        let offsets = pdus.compactMap { pdu -> UInt? in
            guard case .data(let values) = pdu, let value = values.first else { return nil }
            return value.data.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) } - base
        }
        #expect(offsets == Array(stride(from: 0, to: 100, by: 10)))
    }

    @Test func aMaximumTooSmallForAnyPayloadStillMakesProgress() {
        let fragmenter = PDataFragmenter(maximumPDULength: 3)
        #expect(fragmenter.maximumFragmentLength == 1)
        #expect(fragmenter.pdus(for: Self.payload(5), contextID: 1, isCommand: false).count == 5)
        #expect(PDataFragmenter(maximumPDULength: 0).maximumFragmentLength == Int(UInt32.max) - 6)
        #expect(PDataFragmenter(maximumPDULength: 16384).maximumFragmentLength == 16378)
    }

    @Test func commandAndDataSetThroughTheDecoder() throws {
        let fragmenter = PDataFragmenter(maximumPDULength: 16)
        var stream = ByteBuffer()
        fragmenter.write(Self.payload(25), contextID: 1, isCommand: true, into: &stream)
        fragmenter.write(Self.payload(33), contextID: 1, isCommand: false, into: &stream)
        var command = ByteBuffer()
        var dataSet = ByteBuffer()
        var lastFlags: [Bool] = []
        while let pdu = try PDU.decode(from: &stream, maximumLength: 16) {
            guard case .data(let values) = pdu else { continue }
            for value in values {
                var data = value.data
                if value.isCommand { command.writeBuffer(&data) } else { dataSet.writeBuffer(&data) }
                lastFlags.append(value.isLast)
            }
        }
        #expect(command == Self.payload(25))
        #expect(dataSet == Self.payload(33))
        #expect(lastFlags == [false, false, true, false, false, false, true])
    }
}
