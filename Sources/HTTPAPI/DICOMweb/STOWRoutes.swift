import Archive
import DICOM
import Hummingbird
import Logging
import NIOCore

extension HTTPAPI {
    /// STOW-RS (PS3.18 §10.5) on the `/dicom-web` group: `POST /studies` and
    /// `POST /studies/{study}`. The body is read as a stream (`request.body`, never
    /// collected) and each instance is stored as soon as its part is complete.
    func addStoreRoutes(to group: RouterGroup<Context>) {
        group.post("studies") { request, _ in
            try await storeInstances(request, targetStudy: nil)
        }
        group.post("studies/{study}") { request, context in
            try await storeInstances(request, targetStudy: context.parameters.get("study"))
        }
    }

    /// The request forms STOW-RS takes: the root `type` of the multipart/related body.
    enum STOWForm {
        case binary
        case json
        case xml
    }

    func storeInstances(_ request: Request, targetStudy: String?) async throws -> Response {
        let contentType = request.headers[.contentType].flatMap(ContentTypeHeader.init)
        guard let contentType, contentType.mediaType == "multipart/related" else {
            return stowError(
                .unsupportedMediaType,
                "STOW-RS takes multipart/related; type=\"application/dicom\" (or application/dicom+json, "
                    + "application/dicom+xml), not \(request.headers[.contentType] ?? "no Content-Type")")
        }
        let form: STOWForm
        switch contentType.parameters["type"]?.lowercased() {
        case nil, "application/dicom": form = .binary
        case "application/dicom+json": form = .json
        case "application/dicom+xml": form = .xml
        case let other?:
            return stowError(.unsupportedMediaType, "multipart/related of type \(other) is not a STOW-RS request")
        }
        let boundary: String
        switch contentType.boundary {
        case .success(let value): boundary = value
        case .failure(let error): return stowError(.badRequest, error.description)
        }
        if let targetStudy, UID(targetStudy) == nil {
            return stowError(.badRequest, "'\(targetStudy)' is not a Study Instance UID")
        }
        let store = STOWPartStore(archive: archive, targetStudy: targetStudy, logger: logger)
        var reader = MultipartReader(
            body: request.body, boundary: boundary,
            limits: MultipartParser.Limits(maximumPartSize: configuration.maximumInstanceSize))
        var response = StoreInstancesResponse()
        do {
            switch form {
            case .binary: try await store.storeBinaryParts(from: &reader, into: &response)
            case .json, .xml:
                try await store.storeMetadataParts(
                    from: &reader, xml: form == .xml, maximumSize: configuration.maximumInstanceSize,
                    into: &response)
            }
            try await reader.drain()
        } catch let error as MultipartError {
            logger.notice(
                "STOW-RS: malformed body", metadata: ["error": "\(error)", "stored": "\(response.referenced.count)"])
            let status = HTTPResponse.Status(code: error.httpStatusCode)
            if response.isEmpty { return stowError(status, error.description) }
            // Instances stored before the error stay stored; the body says which.
            return stowResponse(
                response, status: status, reason: error.description, request: request, targetStudy: targetStudy)
        }
        if response.isEmpty { return stowError(.badRequest, "the multipart body has no parts") }
        return stowResponse(response, status: response.status, reason: nil, request: request, targetStudy: targetStudy)
    }

    private func stowResponse(
        _ module: StoreInstancesResponse, status: HTTPResponse.Status, reason: String?, request: Request,
        targetStudy: String?
    ) -> Response {
        let dataSet = module.dataSet(baseURL: storeRetrieveBaseURL(of: request), targetStudy: targetStudy)
        let xml = Self.storeResponseIsXML(request.headers[.accept])
        var headers: HTTPFields = [.contentType: xml ? "application/dicom+xml" : "application/dicom+json"]
        // Warning (RFC 9111 §5.5) is not among HTTPTypes' predefined names.
        if let warning = HTTPFields.Element.Name("Warning") {
            if let reason {
                let text = StoreInstancesResponse.headerSafe(reason)
                headers.append(HTTPFields.Element(name: warning, value: "299 apus \"\(text)\""))
            }
            for value in module.warningHeaders { headers.append(HTTPFields.Element(name: warning, value: value)) }
        }
        let body = xml ? DICOMXMLEncoder().encode(dataSet) : DICOMJSONEncoder().encode(dataSet)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    /// A request refused as a whole: the reason as text.
    func stowError(_ status: HTTPResponse.Status, _ reason: String) -> Response {
        logger.notice("STOW-RS refused", metadata: ["status": "\(status.code)", "reason": "\(reason)"])
        return Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: reason + "\n")))
    }

    /// XML when the Accept header asks for application/dicom+xml and not (first) for JSON,
    /// the DICOMweb default.
    static func storeResponseIsXML(_ accept: String?) -> Bool {
        guard let accept else { return false }
        let types = accept.split(separator: ",").compactMap { ContentTypeHeader(String($0))?.mediaType }
        guard let xml = types.firstIndex(of: "application/dicom+xml") else { return false }
        guard let json = types.firstIndex(where: { $0 == "application/dicom+json" || $0 == "application/json" }) else {
            return true
        }
        return xml < json
    }

    /// `scheme://host/dicom-web` of this request, for Retrieve URLs: the Host header (HTTP/1.1)
    /// or :authority (HTTP/2), and X-Forwarded-Proto behind a TLS-terminating proxy.
    func storeRetrieveBaseURL(of request: Request) -> String {
        let forwarded = HTTPFields.Element.Name("X-Forwarded-Proto").flatMap { request.headers[$0] }
        let scheme = forwarded ?? request.head.scheme ?? "http"
        let host = request.head.authority ?? "localhost:\(configuration.port)"
        return "\(scheme)://\(host)/dicom-web"
    }
}
