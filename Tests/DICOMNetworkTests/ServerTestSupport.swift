import DICOM
import DICOMNetwork
import Foundation
import NIOCore
import Synchronization
import Testing

/// Runs a `DICOMServer` on a free loopback port for the duration of `body`, then cancels it.
func withServer(
    policy: AssociationPolicy = testPolicy(),
    verification: any VerificationService = DefaultVerificationService(),
    storage: (any StorageService)? = nil,
    query: (any QueryService)? = nil,
    retrieve: (any RetrieveService)? = nil,
    _ body: (Int) async throws -> Void
) async throws {
    let server = DICOMServer(
        configuration: .init(host: "127.0.0.1", port: 0, policy: policy), verification: verification,
        storage: storage, query: query, retrieve: retrieve)
    try await withThrowingTaskGroup(of: Void.self) { group in
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        group.addTask {
            // A server that fails to bind ends the stream, so the test fails instead of waiting.
            defer { continuation.finish() }
            try await server.run { address in
                continuation.yield(address.port ?? 0)
                continuation.finish()
            }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw PeerMissing(description: "the server did not bind") }
        try await body(port)
        group.cancelAll()
    }
}

/// The default ARTIM: a client's task may wait seconds for a thread while the CPU-bound tests
/// of the suite run in parallel on a small machine, and must still get its A-ASSOCIATE-RQ out
/// before ARTIM closes the connection. Tests of ARTIM itself shorten it, with raw peers whose
/// bytes go out from the event loop.
func testPolicy(aeTitle: String = "APUS", artim: Duration = .seconds(30)) -> AssociationPolicy {
    AssociationPolicy(aeTitle: aeTitle, artimTimeout: artim, idleTimeout: .seconds(30))
}

/// One C-STORE as the storage service saw it.
struct ReceivedInstance: Sendable {
    var request: CStoreRequest
    var transferSyntax: UID
    var bytes: ByteBuffer
    var fragmentCount: Int
    var context: AssociationContext
    /// Set when the data set stream failed.
    var error: String?
}

/// A storage service that keeps what it receives.
final class RecordingStorage: StorageService {
    private let instances = Mutex<[ReceivedInstance]>([])
    private let status: DIMSEStatus

    init(status: DIMSEStatus = .success) {
        self.status = status
    }

    var received: [ReceivedInstance] { instances.withLock { $0 } }

    func store(_ request: CStoreRequest, dataSet: DataSetStream, context: AssociationContext) async throws
        -> ServiceResult
    {
        var bytes = ByteBuffer()
        var count = 0
        var failure: String?
        do {
            for try await fragment in dataSet {
                bytes.writeImmutableBuffer(fragment)
                count += 1
            }
        } catch {
            failure = String(describing: error)
        }
        let instance = ReceivedInstance(
            request: request, transferSyntax: dataSet.transferSyntax, bytes: bytes, fragmentCount: count,
            context: context, error: failure)
        instances.withLock { $0.append(instance) }
        return ServiceResult(status: status)
    }
}

/// The data set of a Part 10 file as the bytes after its file meta information, which is what
/// a C-STORE SCU sends when it does not convert.
func dataSetBytes(ofFile path: String) throws -> ByteBuffer {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    var buffer = ByteBuffer(bytes: data)
    // 128-byte preamble, "DICM", then (0002,0000) UL: tag, "UL", length 4, value.
    guard let length = buffer.getInteger(at: 140, endianness: .little, as: UInt32.self),
        buffer.getString(at: 136, length: 2) == "UL"
    else { throw PeerMissing(description: "\(path) has no file meta group length") }
    buffer.moveReaderIndex(forwardBy: 144 + Int(length))
    return buffer
}

/// A fresh temporary directory.
func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "apus-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// `path` read and written again by our Part 10 writer, in its own transfer syntax, without the
/// group lengths and trailing padding that DCMTK drops when it sends: the file whose data set
/// a C-STORE SCU sends unchanged.
func rewrite(_ path: String, into directory: String) throws -> String {
    var file = try DICOMFile(contentsOf: path)
    file.dataSet.removeAll { $0.tag.isGroupLength || $0.tag == Tag(0xFFFC, 0xFFFC) }
    let target = directory + "/" + (path as NSString).lastPathComponent
    try Data(try file.encoded().readableBytesView).write(to: URL(fileURLWithPath: target))
    return target
}

/// `path` as DCMTK writes it (`dcmconv -g +e -p`: no group lengths, explicit sequence lengths,
/// no trailing padding), which is how DCMTK's SCUs send it.
func canonicalize(_ path: String, into directory: String) async throws -> String {
    let target = directory + "/dcmtk-" + (path as NSString).lastPathComponent
    let result = try await PeerProcess.run([try Peers.dcmtk("dcmconv"), "-g", "+e", "-p", path, target])
    guard result.status == 0 else { throw PeerMissing(description: "dcmconv failed: \(result)") }
    return target
}

/// A CT instance with `pixelBytes` of pixel data, written by our Part 10 writer.
func writeLargeInstance(into directory: String, pixelBytes: Int, instance: String = "2.25.1234567890") throws -> String
{
    var dataSet = DataSet()
    dataSet.set(.sopClassUID, vr: .UI, string: UID.ctImageStorage.rawValue)
    dataSet.set(.sopInstanceUID, vr: .UI, string: instance)
    dataSet.set(.patientName, vr: .PN, string: "Large^Instance")
    dataSet.set(.rows, vr: .US, integers: [1024])
    dataSet.set(.columns, vr: .US, integers: [pixelBytes / 2048])
    dataSet.set(.bitsAllocated, vr: .US, integers: [16])
    // A pattern that shows misplaced bytes, written without a per-byte closure (debug builds).
    var pixels = ByteBuffer()
    var block = ByteBuffer()
    for index in 0..<4096 { block.writeInteger(UInt8(truncatingIfNeeded: index &* 31 &+ index >> 8)) }
    for index in 0..<(pixelBytes / 4096) {
        pixels.writeImmutableBuffer(block)
        pixels.setInteger(UInt32(index), at: pixels.writerIndex - 4)
    }
    dataSet.set(.pixelData, vr: .OW, bytes: pixels)
    let file = DICOMFile(dataSet: dataSet, transferSyntax: .explicitVRLittleEndian)
    let target = directory + "/large-\(instance).dcm"
    try Data(try file.encoded().readableBytesView).write(to: URL(fileURLWithPath: target))
    return target
}
