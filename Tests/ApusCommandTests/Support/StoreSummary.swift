import DICOM
import Foundation
import NIOCore

@testable import apus

/// `apus store --json`, as a script reads it.
struct StoreSummary: Decodable {
    var exitCode: Int32
    var error: String?
    var files, sent, warnings, failed, skipped, notSent, associations: Int
    var results: [StoreReport.Result]

    init(_ output: String) throws {
        self = try JSONDecoder().decode(StoreSummary.self, from: Data(output.utf8))
    }
}

/// Test data: the data set bytes of Part 10 files, and files an archive refuses.
enum Part10Bytes {
    /// What follows the file meta information (whose group length storescp writes).
    static func dataSet(ofFile path: String) throws -> [UInt8] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard bytes.count >= 144, Array(bytes[128..<132]) == Array("DICM".utf8), bytes[132] == 2, bytes[134] == 0
        else { throw ChildProcess.Failure(description: "\(path): no file meta group length") }
        let length = (0..<4).reduce(0) { $0 | Int(bytes[140 + $1]) << (8 * $1) }
        return Array(bytes[(144 + length)...])
    }

    /// What an SCU that sends `file` in `syntax` puts on the wire: the data set in that syntax,
    /// a deflated one padded to even length.
    static func sent(_ file: DICOMFile, in syntax: UID) throws -> [UInt8] {
        var bytes = Array(try file.dataSet.encoded(in: TransferSyntax(uid: syntax)).readableBytesView)
        if TransferSyntax(uid: syntax).isDeflated, bytes.count % 2 == 1 { bytes.append(0) }
        return bytes
    }

    /// A CT instance without Study Instance UID, which the archive refuses (A900).
    static func writeInstanceWithoutStudy(to path: String) throws {
        var dataSet = DataSet()
        dataSet.set(.sopClassUID, string: UID.ctImageStorage.rawValue)
        dataSet.set(.sopInstanceUID, string: "2.25.4242")
        dataSet.set(.patientID, string: "NOSTUDY")
        let bytes = try DICOMFile(dataSet: dataSet, transferSyntax: .explicitVRLittleEndian).encoded()
        try Data(bytes.readableBytesView).write(to: URL(fileURLWithPath: path))
    }
}
