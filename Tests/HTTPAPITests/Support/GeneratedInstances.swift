import Archive
import DICOM
import Foundation
import NIOCore

/// Secondary Capture instances made in the test, with native pixel data whose every frame is
/// distinct, so that frames and bulk data can be checked byte for byte.
struct GeneratedInstance {
    var patientID = "P1"
    var patientName = "DOE^JOHN"
    var study = "1.2.826.0.1.3680043.10.1.1"
    var series = "1.2.826.0.1.3680043.10.1.1.1"
    var sop = "1.2.826.0.1.3680043.10.1.1.1.1"
    var modality = "OT"
    var studyDate = "20200315"
    var frames = 1
    var rows = 4
    var columns = 4
    /// Binary data over the metadata's bulk threshold, outside pixel data.
    var bulkValue: [UInt8]? = nil

    var pixelBytes: [UInt8] {
        (0..<(rows * columns * 2 * frames)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ frames) }
    }

    func frame(_ number: Int) -> [UInt8] {
        let length = rows * columns * 2
        return Array(pixelBytes[((number - 1) * length)..<(number * length)])
    }

    var dataSet: DataSet {
        var dataSet = DataSet()
        dataSet.set(.sopClassUID, vr: .UI, string: "1.2.840.10008.5.1.4.1.1.7")
        dataSet.set(.sopInstanceUID, vr: .UI, string: sop)
        dataSet.set(.studyDate, vr: .DA, string: studyDate)
        dataSet.set(.modality, vr: .CS, string: modality)
        dataSet.set(.patientName, vr: .PN, string: patientName)
        dataSet.set(.patientID, vr: .LO, string: patientID)
        dataSet.set(.studyInstanceUID, vr: .UI, string: study)
        dataSet.set(.seriesInstanceUID, vr: .UI, string: series)
        dataSet.set(.instanceNumber, vr: .IS, string: "1")
        dataSet.set(.samplesPerPixel, vr: .US, integers: [1])
        dataSet.set(.photometricInterpretation, vr: .CS, string: "MONOCHROME2")
        if frames > 1 { dataSet.set(.numberOfFrames, vr: .IS, string: String(frames)) }
        dataSet.set(.rows, vr: .US, integers: [rows])
        dataSet.set(.columns, vr: .US, integers: [columns])
        dataSet.set(.bitsAllocated, vr: .US, integers: [16])
        dataSet.set(.bitsStored, vr: .US, integers: [16])
        dataSet.set(.highBit, vr: .US, integers: [15])
        dataSet.set(.pixelRepresentation, vr: .US, integers: [0])
        if let bulkValue {
            dataSet.set(Tag(0x0009, 0x0010), vr: .LO, string: "APUS TEST")
            dataSet.set(Tag(0x0009, 0x1001), vr: .OB, bytes: ByteBuffer(bytes: bulkValue))
        }
        dataSet.set(.pixelData, vr: .OW, bytes: ByteBuffer(bytes: pixelBytes))
        return dataSet
    }

    func part10() throws -> ByteBuffer {
        try DICOMFile(dataSet: dataSet, transferSyntax: .explicitVRLittleEndian).encoded()
    }

    @discardableResult
    func store(in archive: Archive) async throws -> ByteBuffer {
        let bytes = try part10()
        let result = try await archive.store(part10: bytes)
        guard case .stored = result else { throw StoreFailed(description: "\(result)") }
        return bytes
    }

    struct StoreFailed: Error, CustomStringConvertible {
        var description: String
    }
}

/// The parts of a `multipart/related` body, for checking responses.
enum MultipartParts {
    struct Part {
        var headers: [String: String]
        var body: [UInt8]
    }

    static func parse(_ body: ByteBuffer, contentType: String?) -> [Part]? {
        guard let contentType, let range = contentType.range(of: "boundary=") else { return nil }
        let boundary = contentType[range.upperBound...].split(separator: ";")[0].trimmingCharacters(
            in: .init(charactersIn: "\" "))
        let bytes = Array(body.readableBytesView)
        let delimiter = Array("--\(boundary)".utf8)
        var starts: [Int] = []
        var index = 0
        while index + delimiter.count <= bytes.count {
            if bytes[index..<(index + delimiter.count)].elementsEqual(delimiter) {
                starts.append(index)
                index += delimiter.count
            } else {
                index += 1
            }
        }
        var parts: [Part] = []
        for (position, start) in starts.enumerated() where position + 1 < starts.count {
            let content = Array(bytes[(start + delimiter.count + 2)..<(starts[position + 1] - 2)])
            guard let split = findHeaderEnd(content) else { return nil }
            var headers: [String: String] = [:]
            for line in String(decoding: content[..<split], as: UTF8.self).components(separatedBy: "\r\n") {
                let pieces = line.split(separator: ":", maxSplits: 1)
                if pieces.count == 2 {
                    headers[pieces[0].lowercased()] = pieces[1].trimmingCharacters(in: .whitespaces)
                }
            }
            parts.append(Part(headers: headers, body: Array(content[(split + 4)...])))
        }
        return parts
    }

    private static func findHeaderEnd(_ bytes: [UInt8]) -> Int? {
        let marker: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4 else { return nil }
        return (0...(bytes.count - 4)).first { bytes[$0..<($0 + 4)].elementsEqual(marker) }
    }
}
