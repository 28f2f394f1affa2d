import Archive
import DICOM
import Foundation
import Hummingbird
import Logging
import NIOCore

extension HTTPAPI {
    /// `/modalities`: the configured DICOM peers, and C-ECHO, C-STORE, C-FIND and C-MOVE with
    /// them, as Orthanc's routes of the same names. Each operation is synchronous: the answer
    /// comes when the peer has answered.
    func addModalityRoutes(to router: Router<Context>) {
        router.get("modalities") { request, _ -> Response in
            let peers = modalities?.peers ?? []
            if request.uri.queryParameters["expand"] != nil {
                let expanded = Dictionary(uniqueKeysWithValues: peers.map { ($0.name, ModalityDescription($0)) })
                return try Self.json(expanded)
            }
            return try Self.json(peers.map(\.name))
        }
        router.get("modalities/{name}") { _, context -> Response in
            let (_, peer) = try peer(context)
            return try Self.json(ModalityDescription(peer))
        }
        router.post("modalities/{name}/echo") { _, context -> Response in
            let (service, peer) = try peer(context)
            let start = ContinuousClock.now
            let status = try await Self.answering(peer) { () async throws(DICOMPeerError) in
                try await service.echo(peer)
            }
            let elapsed = ContinuousClock.now - start
            return try Self.json(
                EchoAnswer(
                    status: Self.hex(status),
                    milliseconds: Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds)
                        * 1000))
        }
        router.post("modalities/{name}/store") { request, context -> Response in
            let (service, peer) = try peer(context)
            let uids = try ModalityRequests.resources(try await ModalityRequests.object(request))
            let instances = try await ModalityRequests.instances(of: uids, in: archive)
            let result = try await Self.answering(peer) { () async throws(DICOMPeerError) in
                try await service.store(instances, to: peer)
            }
            logger.info(
                "sent to modality",
                metadata: [
                    "modality": "\(peer.name)", "instances": "\(instances.count)",
                    "failed": "\(result.failures.count)",
                ])
            return try Self.json(
                StoreAnswer(
                    localAet: service.localAETitle, remoteAet: peer.aeTitle, parentResources: uids,
                    instancesCount: instances.count, completedCount: result.completed,
                    warningCount: result.warnings, failedInstancesCount: result.failures.count,
                    failures: result.failures.map {
                        StoreAnswer.Failure(sopInstanceUID: $0.sopInstanceUID, reason: $0.reason)
                    }))
        }
        router.post("modalities/{name}/query") { request, context -> Response in
            let (service, peer) = try peer(context)
            let body = try await ModalityRequests.object(request) as? [String: Any]
            guard let body else { throw HTTPError(.badRequest, message: "the body must be a JSON object") }
            let level = try ModalityRequests.level(body["Level"])
            guard let keys = (body["Query"] ?? [String: Any]()) as? [String: Any] else {
                throw HTTPError(.badRequest, message: "Query must be an object of keywords and values")
            }
            let identifier = try ModalityRequests.identifier(level: level, keys: keys)
            let limit = min(
                (body["Limit"] as? Int).map { max(1, $0) } ?? archive.configuration.maximumQueryResults,
                archive.configuration.maximumQueryResults)
            let answers = try await Self.answering(peer) { () async throws(DICOMPeerError) in
                try await service.find(identifier, patientRoot: level == .patient, at: peer, limit: limit)
            }
            return Response(
                status: .ok, headers: [.contentType: "application/dicom+json"],
                body: ResponseBody(byteBuffer: DICOMJSONEncoder().encode(answers)))
        }
        router.post("modalities/{name}/move") { request, context -> Response in
            let (service, peer) = try peer(context)
            let body = try await ModalityRequests.object(request) as? [String: Any]
            guard let body else { throw HTTPError(.badRequest, message: "the body must be a JSON object") }
            let level = try ModalityRequests.level(body["Level"])
            guard let resources = body["Resources"] as? [[String: Any]], !resources.isEmpty else {
                throw HTTPError(
                    .badRequest,
                    message: "Resources must be a list of keys, such as [{\"StudyInstanceUID\": \"1.2.3\"}]")
            }
            let destination = (body["TargetAet"] as? String) ?? service.localAETitle
            var answers: [MoveAnswer] = []
            for keys in resources {
                let identifier = try ModalityRequests.identifier(level: level, keys: keys)
                let result = try await Self.answering(peer) { () async throws(DICOMPeerError) in
                    try await service.move(
                        identifier, patientRoot: level == .patient, destination: destination, at: peer)
                }
                answers.append(MoveAnswer(result))
            }
            return try Self.json(MoveAnswers(targetAet: destination, results: answers))
        }
    }

    /// The peer a route names, 404 when none is configured by that name.
    private func peer(_ context: Context) throws -> (any DICOMPeerService, DICOMPeer) {
        let name = context.parameters.get("name") ?? ""
        guard let service = modalities, let peer = service.peers.first(where: { $0.name == name }) else {
            throw HTTPError(.notFound, message: "no DICOM peer named '\(name)' is configured (setting peers)")
        }
        return (service, peer)
    }

    /// A failure with the peer as an HTTP answer: 502 (bad gateway) with the reason, 504 when
    /// the peer did not answer in time.
    static func answering<T>(_ peer: DICOMPeer, _ operation: () async throws(DICOMPeerError) -> T) async throws -> T {
        do {
            return try await operation()
        } catch .timedOut(let reason) {
            throw HTTPError(.gatewayTimeout, message: "\(peer.name) (\(peer.host):\(peer.port)): \(reason)")
        } catch {
            throw HTTPError(.badGateway, message: "\(peer.name) (\(peer.host):\(peer.port)): \(error)")
        }
    }

    static func hex(_ status: UInt16) -> String {
        let digits = String(status, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

/// A peer as Orthanc's `/modalities?expand` describes one.
struct ModalityDescription: Codable {
    var aet: String
    var host: String
    var port: Int

    init(_ peer: DICOMPeer) {
        aet = peer.aeTitle
        host = peer.host
        port = peer.port
    }

    enum CodingKeys: String, CodingKey {
        case aet = "AET"
        case host = "Host"
        case port = "Port"
    }
}

struct EchoAnswer: Codable {
    var status: String
    var milliseconds: Double

    enum CodingKeys: String, CodingKey {
        case status = "Status"
        case milliseconds = "Milliseconds"
    }
}

/// Orthanc's answer to a synchronous `/store`, with the counts and the reason of each failure.
struct StoreAnswer: Codable {
    struct Failure: Codable {
        var sopInstanceUID: String
        var reason: String

        enum CodingKeys: String, CodingKey {
            case sopInstanceUID = "SOPInstanceUID"
            case reason = "Reason"
        }
    }

    var description = "REST API"
    var localAet: String
    var remoteAet: String
    var parentResources: [String]
    var instancesCount: Int
    var completedCount: Int
    var warningCount: Int
    var failedInstancesCount: Int
    var failures: [Failure]

    enum CodingKeys: String, CodingKey {
        case description = "Description"
        case localAet = "LocalAet"
        case remoteAet = "RemoteAet"
        case parentResources = "ParentResources"
        case instancesCount = "InstancesCount"
        case completedCount = "CompletedCount"
        case warningCount = "WarningCount"
        case failedInstancesCount = "FailedInstancesCount"
        case failures = "Failures"
    }
}

struct MoveAnswer: Codable {
    var status: String
    var completed: Int
    var failed: Int
    var warning: Int
    var failedSOPInstanceUIDs: [String]
    var errorComment: String?

    init(_ result: PeerMoveResult) {
        status = HTTPAPI.hex(result.status)
        completed = result.completed
        failed = result.failed
        warning = result.warnings
        failedSOPInstanceUIDs = result.failedSOPInstanceUIDs
        errorComment = result.errorComment
    }

    enum CodingKeys: String, CodingKey {
        case status = "Status"
        case completed = "Completed"
        case failed = "Failed"
        case warning = "Warning"
        case failedSOPInstanceUIDs = "FailedSOPInstanceUIDs"
        case errorComment = "ErrorComment"
    }
}

struct MoveAnswers: Codable {
    var targetAet: String
    var results: [MoveAnswer]

    enum CodingKeys: String, CodingKey {
        case targetAet = "TargetAet"
        case results = "Results"
    }
}
