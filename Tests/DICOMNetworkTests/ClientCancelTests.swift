import DICOM
import DICOMNetwork
import Foundation
import NIOCore
import Synchronization
import Testing

/// C-CANCEL from our SCU: cancelling the task of a C-GET, C-MOVE or C-FIND sends C-CANCEL-RQ
/// for its message ID, and the operation ends with the peer's final response (0xFE00 and the
/// counts so far); the association stays usable. Against our own server and DCMTK's dcmqrscp.
@Suite("Client C-CANCEL → our server and DCMTK dcmqrscp")
struct ClientCancelTests {
    static let instanceCount = 40

    /// The C-GET model, and CT storage taken back with the SCP role.
    static let getContexts = [
        ProposedPresentationContext.verification,
        ProposedPresentationContext(abstractSyntax: .studyRootQueryRetrieveInformationModelGet),
        ProposedPresentationContext(abstractSyntax: .ctImageStorage, transferSyntaxes: [.explicitVRLittleEndian]),
    ]
    static let getRoles = [UserInformation.RoleSelection(sopClassUID: .ctImageStorage, scuRole: false, scpRole: true)]

    static func studyIdentifier() -> DataSet {
        var identifier = DataSet()
        identifier.set(.queryRetrieveLevel, vr: .CS, string: "STUDY")
        identifier.set(.studyInstanceUID, vr: .UI, string: CancelStudy.studyUID)
        return identifier
    }

    /// Cancels the C-GET from inside the first instance's receipt; checks what came back and
    /// that the association still answers.
    func getCancelled(port: Int, calledAETitle: String) async throws {
        let association = try await DICOMClient.connect(
            host: "127.0.0.1", port: port, callingAETitle: "APUS", calledAETitle: calledAETitle,
            presentationContexts: Self.getContexts, roleSelections: Self.getRoles, maximumPDULength: 16_384)
        // Message ID 1 goes to this echo: the C-CANCEL must name the C-GET's, 2.
        #expect(try await association.echo() == .success)
        let received = Mutex<[String]>([])
        // A task of its own, which the first instance's receipt cancels.
        let result = try await Task {
            try await association.get(Self.studyIdentifier()) { instance in
                let count = received.withLock { list in
                    list.append(instance.request.affectedSOPInstanceUID.rawValue)
                    return list.count
                }
                if count == 1 { withUnsafeCurrentTask { $0?.cancel() } }
                return .success
            }
        }.value
        let uids = received.withLock { $0 }
        #expect(result.status == .cancel, "\(result)")
        let completed = Int(result.subOperations.completed ?? 0)
        #expect(completed >= 1 && completed < Self.instanceCount, "\(result.subOperations)")
        #expect(uids.count == completed, "\(uids.count) received, \(result.subOperations)")
        #expect(Set(uids).count == uids.count)
        // The association is as usable as before.
        #expect(try await association.echo() == .success)
        try await association.release()
    }

    @Test func getCancelledByOurServer() async throws {
        let instances = try CancelStudy.instances(count: Self.instanceCount)
        try await withServer(retrieve: ListRetrieveService(instances: instances)) { port in
            try await getCancelled(port: port, calledAETitle: "APUS")
        }
    }

    @Test func getCancelledByDCMTK() async throws {
        try await DCMQRSCP.withRunning(instances: Self.instanceCount) { port in
            try await getCancelled(port: port, calledAETitle: "QRSCP")
        }
    }

    /// C-MOVE to a second server of ours, cancelled at the first pending response.
    @Test func moveCancelled() async throws {
        let destination = RecordingStorage()
        let instances = try CancelStudy.instances(count: Self.instanceCount)
        try await withServer(policy: testPolicy(aeTitle: "DEST"), storage: destination) { destinationPort in
            let retrieve = ListRetrieveService(instances: instances, destinations: ["DEST": destinationPort])
            try await withServer(retrieve: retrieve) { port in
                let association = try await DICOMClient.connect(
                    host: "127.0.0.1", port: port, callingAETitle: "APUS", calledAETitle: "APUS",
                    presentationContexts: [
                        .verification,
                        ProposedPresentationContext(abstractSyntax: .studyRootQueryRetrieveInformationModelMove),
                    ])
                let pending = Mutex(0)
                let result = try await Task {
                    try await association.move(Self.studyIdentifier(), destination: "DEST") { _ in
                        let count = pending.withLock { count in
                            count += 1
                            return count
                        }
                        if count == 1 { withUnsafeCurrentTask { $0?.cancel() } }
                    }
                }.value
                #expect(result.status == .cancel, "\(result)")
                let completed = Int(result.subOperations.completed ?? 0)
                #expect(completed >= 1 && completed < Self.instanceCount, "\(result.subOperations)")
                #expect(destination.received.count == completed)
                #expect(try await association.echo() == .success)
                try await association.release()
            }
        }
    }

    /// A C-FIND whose consumer is cancelled while it waits for the next match: C-CANCEL goes
    /// at once (the service's stream ends), the loop throws CancellationError.
    @Test func findCancelledWhileWaiting() async throws {
        let query = OneMatchThenWaitQuery()
        try await withServer(query: query) { port in
            let association = try await DICOMClient.connect(
                host: "127.0.0.1", port: port, callingAETitle: "APUS", calledAETitle: "APUS",
                presentationContexts: [
                    .verification,
                    ProposedPresentationContext(abstractSyntax: .studyRootQueryRetrieveInformationModelFind),
                ])
            let firstMatch = AsyncStream.makeStream(of: Void.self)
            let consumer = Task {
                var identifier = DataSet()
                identifier.set(.queryRetrieveLevel, vr: .CS, string: "STUDY")
                identifier.set(.patientName, vr: .PN, string: "")
                for try await _ in association.find(identifier) { firstMatch.continuation.yield() }
            }
            for await _ in firstMatch.stream { break }
            consumer.cancel()
            await #expect(throws: CancellationError.self) { try await consumer.value }
            await query.waitUntilTerminated()
            #expect(try await association.echo() == .success)
            try await association.release()
        }
    }
}

/// The instances of the cancel tests: small CT images of one study.
enum CancelStudy {
    static let studyUID = "2.25.31415926535897932384626433"

    static func dataSet(_ index: Int) -> DataSet {
        var dataSet = DataSet()
        dataSet.set(.sopClassUID, vr: .UI, string: UID.ctImageStorage.rawValue)
        dataSet.set(.sopInstanceUID, vr: .UI, string: "\(studyUID).\(index + 1)")
        dataSet.set(.patientName, vr: .PN, string: "Cancel^Test")
        dataSet.set(.patientID, vr: .LO, string: "CANCEL")
        dataSet.set(.studyInstanceUID, vr: .UI, string: studyUID)
        dataSet.set(.seriesInstanceUID, vr: .UI, string: studyUID + ".0")
        dataSet.set(.modality, vr: .CS, string: "CT")
        dataSet.set(.instanceNumber, vr: .IS, string: "\(index + 1)")
        dataSet.set(.rows, vr: .US, integers: [64])
        dataSet.set(.columns, vr: .US, integers: [64])
        dataSet.set(.bitsAllocated, vr: .US, integers: [16])
        dataSet.set(.bitsStored, vr: .US, integers: [16])
        dataSet.set(.highBit, vr: .US, integers: [15])
        dataSet.set(.pixelRepresentation, vr: .US, integers: [0])
        dataSet.set(.samplesPerPixel, vr: .US, integers: [1])
        dataSet.set(.photometricInterpretation, vr: .CS, string: "MONOCHROME2")
        dataSet.set(.pixelData, vr: .OW, bytes: ByteBuffer(repeating: UInt8(truncatingIfNeeded: index), count: 8192))
        return dataSet
    }

    static func instances(count: Int) throws -> [RetrievableInstance] {
        try (0..<count).map { index in
            let bytes = try dataSet(index).encoded(in: .explicitVRLittleEndian)
            return RetrievableInstance(
                sopClassUID: .ctImageStorage, sopInstanceUID: UID(unchecked: "\(studyUID).\(index + 1)"),
                transferSyntax: .explicitVRLittleEndian
            ) {
                AsyncThrowingStream { continuation in
                    continuation.yield(bytes)
                    continuation.finish()
                }
            }
        }
    }
}

/// C-GET and C-MOVE of a fixed list of instances, whatever the identifier.
struct ListRetrieveService: RetrieveService {
    var instances: [RetrievableInstance]
    var destinations: [String: Int] = [:]

    func instances(matching identifier: DataSet, informationModel: UID, context: AssociationContext) async throws
        -> [RetrievableInstance]
    {
        instances
    }

    func moveDestination(aeTitle: String) async -> MoveDestination? {
        destinations[aeTitle].map { MoveDestination(host: "127.0.0.1", port: $0) }
    }
}

/// A C-FIND that yields one match, then waits until it is cancelled.
final class OneMatchThenWaitQuery: QueryService {
    private let terminated = AsyncStream.makeStream(of: Void.self)

    func find(_ request: CFindRequest, identifier: DataSet, context: AssociationContext)
        -> AsyncThrowingStream<DataSet, any Error>
    {
        let terminated = self.terminated.continuation
        return AsyncThrowingStream { continuation in
            var match = DataSet()
            match.set(.queryRetrieveLevel, vr: .CS, string: "STUDY")
            match.set(.patientName, vr: .PN, string: "Endless^Query")
            continuation.yield(match)
            continuation.onTermination = { _ in terminated.yield() }
        }
    }

    func waitUntilTerminated() async {
        for await _ in terminated.stream { return }
    }
}

/// DCMTK's dcmqrscp as a C-GET SCP on a free port, its database holding `CancelStudy`'s
/// instances (indexed with dcmqridx), for the length of `body`.
enum DCMQRSCP {
    static func withRunning(instances count: Int, _ body: (Int) async throws -> Void) async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = directory + "/db"
        try FileManager.default.createDirectory(atPath: database, withIntermediateDirectories: true)
        var files: [String] = []
        for index in 0..<count {
            let path = directory + "/instance-\(index).dcm"
            let file = DICOMFile(dataSet: CancelStudy.dataSet(index), transferSyntax: .explicitVRLittleEndian)
            try Data(try file.encoded().readableBytesView).write(to: URL(fileURLWithPath: path))
            files.append(path)
        }
        let indexed = try await PeerProcess.run([try Peers.dcmtk("dcmqridx"), database] + files)
        guard indexed.status == 0 else { throw PeerMissing(description: "dcmqridx failed: \(indexed)") }
        let port = try await freePort()
        let configuration = """
            NetworkTCPPort  = \(port)
            MaxPDUSize      = 16384
            MaxAssociations = 16
            HostTable BEGIN
            HostTable END
            VendorTable BEGIN
            VendorTable END
            AETable BEGIN
            QRSCP   \(database)   RW (1000, 1024mb)   ANY
            AETable END
            """
        try configuration.write(toFile: directory + "/dcmqrscp.cfg", atomically: true, encoding: .utf8)
        let peer = try PeerProcess([
            try Peers.dcmtk("dcmqrscp"), "--single-process", "--disable-host-lookup", "-c",
            directory + "/dcmqrscp.cfg",
        ])
        defer { peer.terminate() }
        try await waitUntilListening(port: port, process: peer)
        do {
            try await body(port)
        } catch {
            Issue.record("dcmqrscp said:\n\(peer.output)")
            throw error
        }
    }
}
