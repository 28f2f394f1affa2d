import Archive
import HTTPTypes
import Hummingbird
import NIOCore

extension HTTPAPI {
    /// The ZIP routes that need no resource ids: `POST /tools/import-zip` (a ZIP archive of
    /// DICOM files as the body) and `GET /tools/export-zip?study=UID&study=UID` (several
    /// studies in one archive, for the study list's selection). Retrieving one study, series
    /// or instance as ZIP is WADO-RS with `Accept: application/zip`.
    func addZIPRoutes(to router: Router<Context>) {
        router.post("tools/import-zip") { request, context -> Response in
            let results = try await ingestZIP(request.body)
            guard !results.isEmpty else { throw DICOMwebError.badRequest("the ZIP archive holds no files") }
            let summary = ZIPImportResponse(results)
            var response = try summary.response(from: request, context: context)
            response.status = summary.status
            return response
        }
        router.get("tools/export-zip") { request, _ -> Response in
            let studies = request.uri.queryParameters.getAll("study").flatMap { $0.split(separator: ",") }
                .map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
            guard !studies.isEmpty else { throw DICOMwebError.badRequest("name the studies: ?study=UID&study=UID") }
            guard studies.count <= 1000 else { throw DICOMwebError.badRequest("at most 1,000 studies at once") }
            var queries: [ArchiveQuery] = []
            for study in studies {
                let target: RetrieveTarget
                do {
                    target = try RetrieveTarget(study: study)
                } catch let error as RetrieveTargetError {
                    throw DICOMwebError.badRequest(error.description)
                }
                var query = try target.query(in: archive)
                query.limit = 1
                var exists = false
                for try await _ in archive.instances(matching: query) { exists = true }
                guard exists else { throw DICOMwebError.notFound("no \(target.description)") }
                query.limit = nil
                queries.append(query)
            }
            let filename = studies.count == 1 ? "\(studies[0]).zip" : "\(studies.count) studies.zip"
            return zipArchiveResponse(
                instances: QueriedInstances(archive: archive, queries: queries), filename: filename)
        }
    }
}

/// The instances of several queries one after the other, each query run when the previous
/// one is exhausted, so that only one result stream is open at a time.
struct QueriedInstances: AsyncSequence, Sendable {
    typealias Element = StoredInstance
    let archive: Archive
    let queries: [ArchiveQuery]

    struct AsyncIterator: AsyncIteratorProtocol {
        let archive: Archive
        var remaining: ArraySlice<ArchiveQuery>
        var current: AsyncThrowingStream<StoredInstance, any Error>.AsyncIterator?

        mutating func next() async throws -> StoredInstance? {
            while true {
                if let instance = try await current?.next() { return instance }
                guard let query = remaining.popFirst() else { return nil }
                current = archive.instances(matching: query).makeAsyncIterator()
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(archive: archive, remaining: queries[...], current: nil)
    }
}

/// The answer of `POST /tools/import-zip`: one line per file, and the totals.
struct ZIPImportResponse: ResponseEncodable {
    struct File: Codable, Sendable {
        /// `stored`, `duplicate`, `overwritten`, `refused` or `skipped`.
        var status: String
        var name: String
        var reason: String?
        var sopInstanceUID: String?
        var studyInstanceUID: String?
        var seriesInstanceUID: String?
    }

    var files: [File]
    var stored: Int
    var duplicates: Int
    var refused: Int
    var skipped: Int

    init(_ results: [ZIPImportResult]) {
        files = results.map { result in
            switch result.outcome {
            case .stored(let instance): File(instance, status: "stored", name: result.name)
            case .duplicate(let instance): File(instance, status: "duplicate", name: result.name)
            case .overwritten(let instance): File(instance, status: "overwritten", name: result.name)
            case .refused(let reason): File(status: "refused", name: result.name, reason: reason)
            case .skipped(let reason): File(status: "skipped", name: result.name, reason: reason)
            }
        }
        stored = files.filter { $0.status == "stored" || $0.status == "overwritten" }.count
        duplicates = files.filter { $0.status == "duplicate" }.count
        refused = files.filter { $0.status == "refused" }.count
        skipped = files.filter { $0.status == "skipped" }.count
    }

    /// As STOW-RS answers: 200 when nothing was refused, 202 when some files were taken and
    /// others refused, 409 when every file was refused.
    var status: HTTPResponse.Status {
        if refused == 0 { return .ok }
        return stored + duplicates > 0 ? .accepted : .conflict
    }
}

extension ZIPImportResponse.File {
    init(_ instance: StoredInstance, status: String, name: String) {
        self.init(
            status: status, name: name, reason: nil, sopInstanceUID: instance.sopInstanceUID,
            studyInstanceUID: instance.studyInstanceUID, seriesInstanceUID: instance.seriesInstanceUID)
    }
}
