import Archive
import DICOM
import HTTPTypes
import Hummingbird
import NIOCore

extension HTTPAPI {
    /// QIDO-RS (PS3.18 10.6): searches for studies, series and instances, answered from the
    /// index by the same query engine as C-FIND, streamed as the index produces matches.
    func addQIDORoutes(to group: RouterGroup<Context>) {
        group.get("studies") { request, _ in
            try await search(request, level: .study, scope: [:])
        }
        group.get("series") { request, _ in
            try await search(request, level: .series, scope: [:])
        }
        group.get("instances") { request, _ in
            try await search(request, level: .image, scope: [:])
        }
        group.get("studies/:study/series") { request, context in
            try await search(request, level: .series, scope: [.studyInstanceUID: context.parameters.require("study")])
        }
        group.get("studies/:study/instances") { request, context in
            try await search(request, level: .image, scope: [.studyInstanceUID: context.parameters.require("study")])
        }
        group.get("studies/:study/series/:series/instances") { request, context in
            try await search(
                request, level: .image,
                scope: [
                    .studyInstanceUID: context.parameters.require("study"),
                    .seriesInstanceUID: context.parameters.require("series"),
                ])
        }
    }

    private func search(_ request: Request, level: QueryLevel, scope: [Tag: String]) async throws -> Response {
        let format: DICOMwebFormat
        do {
            format = try DICOMwebFormat.negotiate(accept: request.headers[.accept])
        } catch {
            throw DICOMwebError.notAcceptable(error.description)
        }
        let maximum = archive.configuration.maximumQueryResults
        let search: QIDORequest
        var query: ArchiveQuery
        do {
            let parameters = request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
            search = try QIDORequest(
                level: level, parameters: parameters, scope: scope, maximumResults: maximum,
                extraAttributes: archive.configuration.extraAttributes)
            query = try archive.query(identifier: search.identifier, model: .studyRoot)
        } catch let error as QIDORequestError {
            throw DICOMwebError.badRequest(error.description)
        } catch let error as QueryError {
            throw DICOMwebError.badRequest(error.description)
        }
        query.limit = search.limit
        query.offset = search.offset
        var warnings = search.warnings
        if search.limitCapped {
            warnings.append("The limit exceeds the maximum of \(maximum) results; at most \(maximum) are returned.")
        }
        if search.limit == nil || search.limitCapped, try await hasMatches(query, after: maximum) {
            warnings.append(
                "The number of results exceeded the maximum supported by the server. "
                    + "Additional results can be requested.")
        }
        let urls = DICOMwebURLs(request: request, port: listeningPort.value ?? configuration.port)
        var headers = HTTPFields(DICOMwebError.warningFields(warnings))
        let answers = archive.find(query).map { search.answer(from: $0, urls: urls) }
        switch format {
        case .json:
            headers[.contentType] = "application/dicom+json"
            return Response(status: .ok, headers: headers, body: DICOMwebBodies.jsonArray(answers))
        case .xml:
            let multipart = MultipartWriter()
            headers[.contentType] = multipart.contentType(type: "application/dicom+xml")
            return Response(status: .ok, headers: headers, body: DICOMwebBodies.xmlParts(answers, multipart))
        }
    }

    /// Whether the query has a match beyond the first `count` after its offset: the window
    /// the archive answers, so a response that stops there says more can be asked for.
    private func hasMatches(_ query: ArchiveQuery, after count: Int) async throws -> Bool {
        var probe = query
        probe.offset = query.offset.addingReportingOverflow(count).overflow ? Int.max : query.offset + count
        probe.limit = 1
        for try await _ in archive.index.query(probe) { return true }
        return false
    }
}

extension QIDORequest {
    /// A response identifier of the archive as QIDO-RS answers it: no Query/Retrieve Level,
    /// and the attributes the DICOMweb layer adds (RetrieveURL, Instance Availability).
    func answer(from identifier: DataSet, urls: DICOMwebURLs) -> DataSet {
        var answer = identifier
        answer.remove(.queryRetrieveLevel)
        if includeAvailability {
            // Everything the index lists has its blob on line storage.
            answer.set(.instanceAvailability, vr: .CS, string: "ONLINE")
        }
        if includeRetrieveURL, let study = answer.string(.studyInstanceUID) {
            let series = answer.string(.seriesInstanceUID) ?? ""
            let url: String
            switch level {
            case .patient, .study: url = urls.study(study)
            case .series: url = urls.series(study, series)
            case .image: url = urls.instance(study, series, answer.string(.sopInstanceUID) ?? "")
            }
            answer.set(.retrieveURL, vr: .UR, string: url)
        }
        return answer
    }
}
