import Archive
import DICOM
import Hummingbird
import Logging
import NIOCore

extension HTTPAPI {
    /// `/modalities`: the configured DICOM peers, and C-ECHO, C-STORE, C-FIND and C-MOVE with
    /// them, as Orthanc's routes of the same names. Each operation is synchronous: the answer
    /// comes when the peer has answered. Answers and errors are Orthanc's JSON (`RESTJSON`,
    /// `RESTError`), as the REST resources give them.
    func addModalityRoutes(to router: Router<Context>) {
        let resources = RESTResources(archive: archive)
        router.get("modalities") { request, _ -> Response in
            let peers = modalities?.peers ?? []
            if request.uri.queryParameters["expand"] != nil {
                return RESTJSON.object(Dictionary(uniqueKeysWithValues: peers.map { ($0.name, Self.describe($0)) }))
                    .response()
            }
            return RESTJSON.array(peers.map { .string($0.name) }).response()
        }
        router.get("modalities/{name}") { _, context -> Response in
            let (_, peer) = try peer(context)
            return Self.describe(peer).response()
        }
        router.post("modalities/{name}/echo") { _, context -> Response in
            let (service, peer) = try peer(context)
            let start = ContinuousClock.now
            let status = try await Self.answering(peer) { () async throws(DICOMPeerError) in
                try await service.echo(peer)
            }
            let elapsed = ContinuousClock.now - start
            let milliseconds =
                Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            return RESTJSON.object(["Status": .string(Self.hex(status)), "Milliseconds": .double(milliseconds)])
                .response()
        }
        router.post("modalities/{name}/store") { request, context -> Response in
            let (service, peer) = try peer(context)
            let given = try ModalityRequests.resources(try await ModalityRequests.json(request))
            let instances = try await resources.instancesToSend(given)
            let result = try await Self.answering(peer) { () async throws(DICOMPeerError) in
                try await service.store(instances, to: peer)
            }
            logger.info(
                "sent to modality",
                metadata: [
                    "modality": "\(peer.name)", "instances": "\(instances.count)",
                    "failed": "\(result.failures.count)",
                ])
            return Self.storeAnswer(
                result, instances: instances.count, given: given, local: service.localAETitle, remote: peer.aeTitle
            ).response()
        }
        router.post("modalities/{name}/query") { request, context -> Response in
            let (service, peer) = try peer(context)
            let body = try await ModalityRequests.object(request)
            let level = try ModalityRequests.level(body["Level"])
            let keys: [String: RESTJSON]
            switch body["Query"] {
            case nil, .null?: keys = [:]
            case .object(let members)?: keys = members
            default: throw RESTError.badRequest("Query must be an object of keywords and values")
            }
            let identifier = try ModalityRequests.identifier(level: level, keys: keys)
            var limit = archive.configuration.maximumQueryResults
            if case .int(let asked)? = body["Limit"] { limit = min(max(1, asked), limit) }
            let answers = try await Self.answering(peer) { [limit] () async throws(DICOMPeerError) in
                try await service.find(identifier, patientRoot: level == .patient, at: peer, limit: limit)
            }
            return Response(
                status: .ok, headers: [.contentType: "application/dicom+json"],
                body: ResponseBody(byteBuffer: DICOMJSONEncoder().encode(answers)))
        }
        router.post("modalities/{name}/move") { request, context -> Response in
            let (service, peer) = try peer(context)
            let body = try await ModalityRequests.object(request)
            let level = try ModalityRequests.level(body["Level"])
            // Orthanc's /move takes DICOM keys, not ids: the resources are the peer's.
            guard case .array(let resources)? = body["Resources"], !resources.isEmpty else {
                throw RESTError.badRequest(
                    "Resources must be a list of keys, such as [{\"StudyInstanceUID\": \"1.2.3\"}]")
            }
            let destination = body["TargetAet"]?.string ?? service.localAETitle
            var answers: [RESTJSON] = []
            for resource in resources {
                guard case .object(let keys) = resource else {
                    throw RESTError.badRequest("each of Resources must be an object of keywords and values")
                }
                let identifier = try ModalityRequests.identifier(level: level, keys: keys)
                let result = try await Self.answering(peer) { () async throws(DICOMPeerError) in
                    try await service.move(
                        identifier, patientRoot: level == .patient, destination: destination, at: peer)
                }
                answers.append(Self.moveAnswer(result))
            }
            return RESTJSON.object(["TargetAet": .string(destination), "Results": .array(answers)]).response()
        }
    }

    /// The peer a route names, 404 when none is configured by that name.
    private func peer(_ context: Context) throws -> (any DICOMPeerService, DICOMPeer) {
        let name = context.parameters.get("name") ?? ""
        guard let service = modalities, let peer = service.peers.first(where: { $0.name == name }) else {
            throw RESTError.notFound("no DICOM peer named '\(name)' is configured (setting peers)")
        }
        return (service, peer)
    }

    /// A failure with the peer as an HTTP answer: 502 (bad gateway) with the reason, 504 when
    /// the peer did not answer in time.
    static func answering<T>(_ peer: DICOMPeer, _ operation: () async throws(DICOMPeerError) -> T) async throws -> T {
        do {
            return try await operation()
        } catch .timedOut(let reason) {
            throw RESTError(status: .gatewayTimeout, details: "\(peer.name) (\(peer.host):\(peer.port)): \(reason)")
        } catch {
            throw RESTError(status: .badGateway, details: "\(peer.name) (\(peer.host):\(peer.port)): \(error)")
        }
    }

    static func hex(_ status: UInt16) -> String {
        let digits = String(status, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// A peer as Orthanc's `/modalities?expand` describes one.
    static func describe(_ peer: DICOMPeer) -> RESTJSON {
        .object(["AET": .string(peer.aeTitle), "Host": .string(peer.host), "Port": .int(peer.port)])
    }

    /// Orthanc's answer to a synchronous `/store` (its job's public content: `Description`,
    /// `LocalAet`, `RemoteAet`, `ParentResources` as given, `InstancesCount`,
    /// `FailedInstancesCount`), with Apus's counts and the reason of each failure.
    static func storeAnswer(
        _ result: PeerStoreResult, instances: Int, given: [String], local: String, remote: String
    ) -> RESTJSON {
        .object([
            "Description": .string("REST API"),
            "LocalAet": .string(local),
            "RemoteAet": .string(remote),
            "ParentResources": .array(given.map { .string($0) }),
            "InstancesCount": .int(instances),
            "CompletedCount": .int(result.completed),
            "WarningCount": .int(result.warnings),
            "FailedInstancesCount": .int(result.failures.count),
            "Failures": .array(
                result.failures.map {
                    .object(["SOPInstanceUID": .string($0.sopInstanceUID), "Reason": .string($0.reason)])
                }),
        ])
    }

    static func moveAnswer(_ result: PeerMoveResult) -> RESTJSON {
        var members: [String: RESTJSON] = [
            "Status": .string(hex(result.status)),
            "Completed": .int(result.completed),
            "Failed": .int(result.failed),
            "Warning": .int(result.warnings),
            "FailedSOPInstanceUIDs": .array(result.failedSOPInstanceUIDs.map { .string($0) }),
        ]
        if let comment = result.errorComment { members["ErrorComment"] = .string(comment) }
        return .object(members)
    }
}
