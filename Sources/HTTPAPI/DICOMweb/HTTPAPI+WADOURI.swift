import Archive
import DICOM
import DICOMImaging
import HTTPTypes
import Hummingbird
import NIOCore

extension HTTPAPI {
    /// WADO-URI (PS3.18 9): one instance by its three UIDs, as its Part 10 file, or rendered as
    /// `image/jpeg` or `image/png` when `contentType` asks for one first.
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
        // The first type listed that Apus offers; none of them is 406.
        var rendered: RenderedMediaType?
        var found = false
        for type in contentTypes {
            if type == "application/dicom" || type == "*/*" {
                found = true
            } else if let image = type == "image/*" ? RenderedMediaType.jpeg : RenderedMediaType(rawValue: type) {
                rendered = image
                found = true
            }
            if found { break }
        }
        guard found else {
            throw DICOMwebError.notAcceptable(
                "contentType \(contentTypes.joined(separator: ",")) is not available: "
                    + "application/dicom, image/jpeg or image/png")
        }
        let target: RetrieveTarget
        do {
            target = try RetrieveTarget(study: study, series: series, instance: object)
        } catch {
            throw DICOMwebError.badRequest(error.description)
        }
        if let rendered {
            let rendering = try WADOURIRendering { parameters.get($0) }
            let (_, file) = try await readInstance(target)
            do {
                let options = try rendering.options(
                    columns: file.dataSet.int(.columns) ?? 0, rows: file.dataSet.int(.rows) ?? 0)
                let image = try ImageRenderer.render(file, options: options)
                return HTTPAPI.imageResponse(
                    rendered.encode(image, quality: rendering.quality), type: rendered, warnings: rendering.warnings)
            } catch let error as ImagingError {
                throw DICOMwebError.rendering(error)
            }
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
