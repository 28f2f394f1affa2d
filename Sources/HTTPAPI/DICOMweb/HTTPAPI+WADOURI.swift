import Archive
import HTTPTypes
import Hummingbird
import NIOCore

extension HTTPAPI {
    /// WADO-URI (PS3.18 9): one instance by its three UIDs, as its Part 10 file. Rendered
    /// content types (`image/jpeg`…) wait for the imaging issue and are refused with 406.
    func addWADOURIRoute(to router: Router<Context>) {
        router.get("wado") { request, _ in try await wadoURI(request) }
        router.get("dicom-web/wado") { request, _ in try await wadoURI(request) }
    }

    private func wadoURI(_ request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters
        guard let requestType = parameters.get("requestType"), requestType == "WADO" else {
            throw DICOMwebError.badRequest("requestType must be WADO")
        }
        guard let study = parameters.get("studyUID"), let series = parameters.get("seriesUID"),
            let object = parameters.get("objectUID")
        else {
            throw DICOMwebError.badRequest("studyUID, seriesUID and objectUID are required")
        }
        let contentTypes = (parameters.get("contentType") ?? "application/dicom").split(separator: ",")
            .map { $0.trimmingSpaces().lowercased() }
        guard contentTypes.contains(where: { $0 == "application/dicom" || $0 == "*/*" }) else {
            throw DICOMwebError.notAcceptable(
                "contentType \(contentTypes.joined(separator: ",")) is not available: only application/dicom "
                    + "(rendered images are not supported yet)")
        }
        let target: RetrieveTarget
        do {
            target = try RetrieveTarget(study: study, series: series, instance: object)
        } catch {
            throw DICOMwebError.badRequest(error.description)
        }
        guard let instance = try await storedInstances(target).first else {
            throw DICOMwebError.notFound("no \(target.description)")
        }
        if let syntax = parameters.get("transferSyntax"), syntax != instance.transferSyntaxUID {
            throw DICOMwebError.notAcceptable(
                "transfer syntax \(syntax) is not available: stored as \(instance.transferSyntaxUID), "
                    + "and transcoding is not supported yet")
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/dicom"
        let archive = self.archive
        let body = ResponseBody(contentLength: instance.size) { writer in
            for try await chunk in try await archive.content(of: instance) {
                try await writer.write(chunk)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}
