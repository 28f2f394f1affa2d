import Archive
import DICOM
import HTTPTypes
import Hummingbird
import NIOCore

extension HTTPAPI {
    /// WADO-RS (PS3.18 10.4): studies, series and instances as `multipart/related` of
    /// `application/dicom`, streamed from the blob store chunk by chunk, and their metadata
    /// from the index.
    func addWADORoutes(to group: RouterGroup<Context>) {
        group.get("studies/:study") { request, context in
            try await retrieve(request, try target(context))
        }
        group.get("studies/:study/series/:series") { request, context in
            try await retrieve(request, try target(context))
        }
        group.get("studies/:study/series/:series/instances/:instance") { request, context in
            try await retrieve(request, try target(context))
        }
        group.get("studies/:study/metadata") { request, context in
            try await metadata(request, try target(context))
        }
        group.get("studies/:study/series/:series/metadata") { request, context in
            try await metadata(request, try target(context))
        }
        group.get("studies/:study/series/:series/instances/:instance/metadata") { request, context in
            try await metadata(request, try target(context))
        }
        addPixelDataRoutes(to: group)
        addRenderedRoutes(to: group)
    }

    /// The target a path names, from its `study`, `series` and `instance` parameters.
    func target(_ context: Context) throws -> RetrieveTarget {
        do {
            return try RetrieveTarget(
                study: context.parameters.require("study"), series: context.parameters.get("series"),
                instance: context.parameters.get("instance"))
        } catch let error as RetrieveTargetError {
            throw DICOMwebError.badRequest(error.description)
        }
    }

    /// The instances of a target, in storage order; 404 when there are none. Only their
    /// index rows are held, never their bytes.
    func storedInstances(_ target: RetrieveTarget) async throws -> [StoredInstance] {
        var instances: [StoredInstance] = []
        for try await instance in archive.instances(matching: try target.query(in: archive)) {
            instances.append(instance)
        }
        guard !instances.isEmpty else { throw DICOMwebError.notFound("no \(target.description)") }
        return instances
    }

    private func retrieve(_ request: Request, _ target: RetrieveTarget) async throws -> Response {
        let instances = try await storedInstances(target)
        // PS3.18 8.3.3.1: the `accept` query parameter stands for the header (links in a browser).
        let accept = request.uri.queryParameters.get("accept") ?? request.headers[.accept]
        if let zip = ZIPNegotiation.requested(accept: accept) {
            if let refusal = ZIPNegotiation.refusal(zip, stored: Set(instances.map(\.transferSyntaxUID))) {
                throw DICOMwebError.notAcceptable(refusal)
            }
            return zipArchiveResponse(instances: StoredInstanceList(instances), filename: target.zipFilename)
        }
        let negotiation = TransferSyntaxNegotiation(
            partType: "application/dicom", stored: Set(instances.map(\.transferSyntaxUID)))
        if let refusal = negotiation.refusal(accept: accept) {
            throw DICOMwebError.notAcceptable(refusal)
        }
        let multipart = MultipartWriter()
        let archive = self.archive
        let body = ResponseBody { writer in
            for try await instance in archive.prefetching(StoredInstanceList(instances)) {
                try await writer.write(
                    multipart.partHeader(
                        contentType: "application/dicom; transfer-syntax=\(instance.transferSyntaxUID)",
                        contentLength: instance.size))
                for try await chunk in try await archive.content(of: instance) {
                    try await writer.write(chunk)
                }
                try await writer.write(multipart.partEnd)
            }
            try await writer.write(multipart.closing)
            try await writer.finish(nil)
        }
        var headers = HTTPFields()
        headers[.contentType] = multipart.contentType(type: "application/dicom")
        return Response(status: .ok, headers: headers, body: body)
    }

    private func metadata(_ request: Request, _ target: RetrieveTarget) async throws -> Response {
        let format: DICOMwebFormat
        do {
            format = try DICOMwebFormat.negotiate(accept: request.headers[.accept])
        } catch {
            throw DICOMwebError.notAcceptable(error.description)
        }
        let query = try target.query(in: archive)
        var probe = query
        probe.limit = 1
        var exists = false
        for try await _ in archive.instances(matching: probe) { exists = true }
        guard exists else { throw DICOMwebError.notFound("no \(target.description)") }
        let urls = DICOMwebURLs(request: request, port: listeningPort.value ?? configuration.port)
        var headers = HTTPFields()
        switch format {
        case .json:
            let rewritten = archive.metadata(matching: query).map { MetadataRewriter.rewrite($0, urls: urls) }
            headers[.contentType] = "application/dicom+json"
            return Response(status: .ok, headers: headers, body: DICOMwebBodies.jsonObjects(rewritten))
        case .xml:
            let multipart = MultipartWriter()
            headers[.contentType] = multipart.contentType(type: "application/dicom+xml")
            return Response(
                status: .ok, headers: headers,
                body: DICOMwebBodies.xmlMetadata(archive.metadata(matching: query), urls: urls, multipart))
        }
    }
}
