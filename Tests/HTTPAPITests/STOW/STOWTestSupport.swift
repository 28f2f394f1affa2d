import Archive
import DICOM
import Foundation
import NIOCore

/// Request bodies and archive read-backs for the STOW-RS tests.
enum STOWFixture {
    static let dicomType = "multipart/related; type=\"application/dicom\"; boundary=stow-boundary"

    /// A multipart/related body of `parts` (Content-Type and bytes), with the close delimiter.
    static func multipartBody(_ parts: [(type: String?, bytes: ByteBuffer)], boundary: String = "stow-boundary")
        -> ByteBuffer
    {
        var body = ByteBuffer(string: "preamble\r\n")
        for part in parts {
            body.writeString("--\(boundary)\r\n")
            if let type = part.type { body.writeString("Content-Type: \(type)\r\n") }
            body.writeString("\r\n")
            body.writeImmutableBuffer(part.bytes)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        return body
    }

    static func dicomParts(_ files: [ByteBuffer]) -> [(type: String?, bytes: ByteBuffer)] {
        files.map { (type: "application/dicom", bytes: $0) }
    }

    /// One of pydicom's test files, as bytes.
    static func pydicomFile(_ name: String) throws -> ByteBuffer {
        ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: try Peers.pydicomTestFile(name))))
    }

    /// Every stored instance's Part 10 bytes, by SOP Instance UID, read back from the archive.
    static func storedContents(of archive: Archive) async throws -> [String: [UInt8]] {
        var contents: [String: [UInt8]] = [:]
        for try await instance in archive.instances(matching: ArchiveQuery(model: .studyRoot, level: .image)) {
            var bytes: [UInt8] = []
            for try await chunk in try await archive.content(of: instance) { bytes += chunk.readableBytesView }
            contents[instance.sopInstanceUID] = bytes
        }
        return contents
    }
}

/// The parts of a Store Instances Response that the tests check.
struct STOWReply {
    var retrieveURL: String?
    var referenced: [(sop: String, url: String?, warning: Int?)]
    var failed: [(sop: String?, reason: Int?)]

    init(json: ByteBuffer) throws {
        try self.init(dataSet: DICOMJSONDecoder().decode(json))
    }

    init(dataSet: DataSet) {
        retrieveURL = dataSet.string(.retrieveURL)
        referenced = (dataSet.sequence(.referencedSOPSequence) ?? []).map {
            (
                sop: $0.string(.referencedSOPInstanceUID) ?? "", url: $0.string(.retrieveURL),
                warning: $0.int(.warningReason)
            )
        }
        failed = (dataSet.sequence(.failedSOPSequence) ?? []).map {
            (sop: $0.string(.referencedSOPInstanceUID), reason: $0.int(.failureReason))
        }
    }
}
