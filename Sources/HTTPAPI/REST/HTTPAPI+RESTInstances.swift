import Archive
import DICOM
import Foundation
import Hummingbird
import NIOCore

extension HTTPAPI {
    /// What only instances have: their file, their tags, and `POST /instances`.
    func addRESTInstanceRoutes(to router: Router<Context>, resources: RESTResources) {
        router.get("instances/{id}/file") { _, context in
            let resource = try await resources.resource(try context.parameters.require("id"), .instances)
            return try await instanceFile(resource)
        }
        router.get("instances/{id}/tags") { request, context in
            let dataSet = try await instanceDataSet(try context.parameters.require("id"), resources: resources)
            let simplify = Self.flag(request.uri.queryParameters.get("simplify"))
            return (simplify ? OrthancTags.simplified(dataSet) : OrthancTags.full(dataSet)).response()
        }
        router.get("instances/{id}/simplified-tags") { _, context in
            let dataSet = try await instanceDataSet(try context.parameters.require("id"), resources: resources)
            return OrthancTags.simplified(dataSet).response()
        }
        router.post("instances") { request, _ in
            try await storeInstance(request, resources: resources)
        }
    }

    /// The Part 10 file as stored, streamed from the blob store.
    private func instanceFile(_ resource: IndexedResource) async throws -> Response {
        guard let uid = resource.sopInstanceUID, let instance = try await archive.index.instance(sopInstanceUID: uid)
        else { throw RESTError.notFound("the instance is gone") }
        let archive = self.archive
        let body = ResponseBody(contentLength: instance.size) { writer in
            for try await chunk in try await archive.content(of: instance) {
                try await writer.write(chunk)
            }
            try await writer.finish(nil)
        }
        var headers: HTTPFields = [.contentType: "application/dicom"]
        headers[.contentDisposition] = "attachment; filename=\"\(resource.id()?.description ?? uid).dcm\""
        return Response(status: .ok, headers: headers, body: body)
    }

    /// The instance's data set as the index keeps it (metadata, without bulk data values).
    private func instanceDataSet(_ text: String, resources: RESTResources) async throws -> DataSet {
        let resource = try await resources.resource(text, .instances)
        guard let uid = resource.sopInstanceUID, let json = try await archive.metadata(sopInstanceUID: uid) else {
            throw RESTError.notFound("the instance is gone")
        }
        do {
            return try DICOMJSONDecoder().decode(json)
        } catch {
            throw IndexStoreError.corrupt("metadata of \(uid) does not decode: \(error)")
        }
    }

    /// `POST /instances` with a DICOM file as the body: stored through the same ingest as
    /// C-STORE and STOW-RS, held in memory up to `maximumInstanceSize` as a STOW-RS part is.
    private func storeInstance(_ request: Request, resources: RESTResources) async throws -> Response {
        if RESTZIPUpload.isZIP(contentType: request.headers[.contentType]) {
            return try await storeZIPArchive(request.body, resources: resources)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: configuration.maximumInstanceSize)
        } catch is NIOTooManyBytesError {
            throw RESTError(
                status: .contentTooLarge,
                details: "the file is larger than maximumInstanceSize (\(configuration.maximumInstanceSize) bytes)")
        }
        guard body.readableBytes > 0 else { throw RESTError.badRequest("the body is empty: send a DICOM file") }
        if RESTZIPUpload.isZIP(body) {
            return try await storeZIPArchive(
                AsyncStream {
                    $0.yield(body)
                    $0.finish()
                }, resources: resources)
        }
        let status: String
        let sopInstanceUID: String
        switch try await archive.store(part10: body) {
        case .stored(let instance), .overwritten(let instance):
            status = "Success"
            sopInstanceUID = instance.sopInstanceUID
        case .duplicateKept(let instance):
            status = "AlreadyStored"
            sopInstanceUID = instance.sopInstanceUID
        case .refused(let refusal):
            throw RESTError.badRequest("not stored: \(refusal)")
        }
        return try await storedAnswer(sopInstanceUID: sopInstanceUID, status: status, resources: resources).response()
    }

    /// Orthanc's answer to a stored instance: its id, its parents' ids, its path and status.
    func storedAnswer(sopInstanceUID: String, status: String, resources: RESTResources) async throws -> RESTJSON {
        let query = ArchiveQuery(
            model: .patientRoot, level: .image,
            matches: RESTResources.exactly(.sopInstanceUID, sopInstanceUID).map { [$0] } ?? [],
            returnKeys: [.issuerOfPatientID], limit: 1)
        for try await row in archive.index.query(query) {
            let id = { (level: QueryLevel) in RESTJSON(RESTResources.id(of: row, at: level)?.description) }
            return .object([
                "ID": id(.image), "ParentSeries": id(.series), "ParentStudy": id(.study), "ParentPatient": id(.patient),
                "Path": RESTJSON(RESTResources.id(of: row, at: .image).map { RESTLevel.instances.path($0) }),
                "Status": .string(status),
            ])
        }
        throw RESTError.notFound("instance \(sopInstanceUID) was deleted while it was stored")
    }
}

/// ZIP archives sent to `POST /instances` (Orthanc stores every DICOM file inside): recognised
/// by their media type, or by their first bytes when the client sent no type.
enum RESTZIPUpload {
    static func isZIP(contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) }
        return mediaType?.lowercased() == "application/zip"
    }

    /// A local file header signature (`PK\3\4`) where a Part 10 file has its preamble.
    static func isZIP(_ body: ByteBuffer) -> Bool {
        body.getBytes(at: body.readerIndex, length: 4) == [0x50, 0x4B, 0x03, 0x04]
    }
}

extension HTTPAPI {
    /// Every DICOM file of a ZIP archive stored (`ingestZIP`), answered as Orthanc answers an
    /// archive: one object per file, the stored ones with their ids, the others with why not.
    func storeZIPArchive<Body: AsyncSequence>(_ body: Body, resources: RESTResources) async throws -> Response
    where Body.Element == ByteBuffer {
        var answers: [RESTJSON] = []
        for result in try await ingestZIP(body) {
            let name = RESTJSON.string(result.name)
            switch result.outcome {
            case .stored(let instance), .overwritten(let instance):
                answers.append(try await zipEntryAnswer(instance, status: "Success", name: name, resources: resources))
            case .duplicate(let instance):
                answers.append(
                    try await zipEntryAnswer(instance, status: "AlreadyStored", name: name, resources: resources))
            case .refused(let reason):
                answers.append(.object(["Name": name, "Status": .string("Failure"), "Details": .string(reason)]))
            case .skipped(let reason):
                answers.append(.object(["Name": name, "Status": .string("Skipped"), "Details": .string(reason)]))
            }
        }
        return RESTJSON.array(answers).response()
    }

    private func zipEntryAnswer(
        _ instance: StoredInstance, status: String, name: RESTJSON, resources: RESTResources
    ) async throws -> RESTJSON {
        guard
            case .object(var members) = try await storedAnswer(
                sopInstanceUID: instance.sopInstanceUID, status: status, resources: resources)
        else { return .object(["Name": name, "Status": .string(status)]) }
        members["Name"] = name
        return .object(members)
    }
}
