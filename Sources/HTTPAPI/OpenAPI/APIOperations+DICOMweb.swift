extension HTTPAPI {
    private static let qidoParameters: [APIOperation.Parameter] = [
        .init(name: "includefield", description: "Attributes to return besides the defaults (keyword or tag), or all"),
        .init(name: "limit", description: "At most this many answers", type: "integer"),
        .init(name: "offset", description: "Answers to skip", type: "integer"),
        .init(name: "fuzzymatching", description: "Asked for; matching stays literal (a Warning header says so)"),
    ]
    private static let qidoAnswers: [APIOperation.Answer] = [
        APIOperation.Answer(
            status: 200, description: "The matches",
            mediaTypes: ["application/dicom+json", "multipart/related; type=\"application/dicom+xml\""]),
        .error(400, "Malformed query: unknown keyword, bad date, bad limit"),
    ]
    private static let wadoAnswers: [APIOperation.Answer] = [
        APIOperation.Answer(
            status: 200, description: "The instances as stored, one part each",
            mediaTypes: ["multipart/related; type=\"application/dicom\""]),
        .error(404, "No such study, series or instance"),
        .error(406, "A transfer syntax other than the stored one was asked for"),
    ]
    private static let metadataAnswers: [APIOperation.Answer] = [
        APIOperation.Answer(
            status: 200, description: "DICOM JSON (or XML parts) from the index",
            mediaTypes: ["application/dicom+json", "multipart/related; type=\"application/dicom+xml\""]),
        .error(404, "No such study, series or instance"),
    ]
    private static let stowAnswers: [APIOperation.Answer] = [
        APIOperation.Answer(
            status: 200, description: "Every instance stored (the Store Instances Response)",
            mediaTypes: ["application/dicom+json", "application/dicom+xml"]),
        APIOperation.Answer(
            status: 202, description: "Some stored, others failed or had warnings",
            mediaTypes: ["application/dicom+json", "application/dicom+xml"]),
        .error(400, "Not a valid multipart body"),
        APIOperation.Answer(
            status: 409, description: "None stored", mediaTypes: ["application/dicom+json", "application/dicom+xml"]),
        .error(413, "A part is larger than maximumInstanceSize, or the request than maximumRequestSize"),
        .error(415, "Not multipart/related of application/dicom, dicom+json or dicom+xml"),
    ]
    private static let stowBody = (
        mediaTypes: [
            "multipart/related; type=\"application/dicom\"", "multipart/related; type=\"application/dicom+json\"",
            "multipart/related; type=\"application/dicom+xml\"",
        ],
        description: "Part 10 files, or metadata with bulk data parts"
    )

    /// DICOMweb (PS3.18) under `/dicom-web`, and WADO-URI.
    static let dicomWebOperations: [APIOperation] =
        [
            APIOperation(
                method: "get", path: "/dicom-web", tag: "DICOMweb",
                summary: "The DICOMweb services and media types served",
                answers: [.json("A capabilities summary")]),
            APIOperation(
                method: "get", path: "/dicom-web/studies", tag: "DICOMweb", summary: "QIDO-RS: search for studies",
                parameters: qidoParameters, answers: qidoAnswers),
            APIOperation(
                method: "get", path: "/dicom-web/series", tag: "DICOMweb", summary: "QIDO-RS: search for series",
                parameters: qidoParameters, answers: qidoAnswers),
            APIOperation(
                method: "get", path: "/dicom-web/instances", tag: "DICOMweb", summary: "QIDO-RS: search for instances",
                parameters: qidoParameters, answers: qidoAnswers),
            APIOperation(
                method: "get", path: "/dicom-web/studies/{study}/series", tag: "DICOMweb",
                summary: "QIDO-RS: the series of a study", parameters: qidoParameters, answers: qidoAnswers),
            APIOperation(
                method: "get", path: "/dicom-web/studies/{study}/instances", tag: "DICOMweb",
                summary: "QIDO-RS: the instances of a study", parameters: qidoParameters, answers: qidoAnswers),
            APIOperation(
                method: "get", path: "/dicom-web/studies/{study}/series/{series}/instances", tag: "DICOMweb",
                summary: "QIDO-RS: the instances of a series", parameters: qidoParameters, answers: qidoAnswers),
            APIOperation(
                method: "get", path: "/dicom-web/studies/{study}", tag: "DICOMweb", summary: "WADO-RS: a study",
                answers: wadoAnswers),
            APIOperation(
                method: "get", path: "/dicom-web/studies/{study}/series/{series}", tag: "DICOMweb",
                summary: "WADO-RS: a series", answers: wadoAnswers),
            APIOperation(
                method: "get", path: "/dicom-web/studies/{study}/series/{series}/instances/{instance}", tag: "DICOMweb",
                summary: "WADO-RS: an instance", answers: wadoAnswers),
            APIOperation(
                method: "get", path: "/dicom-web/studies/{study}/metadata", tag: "DICOMweb",
                summary: "WADO-RS: the metadata of a study's instances", answers: metadataAnswers),
            APIOperation(
                method: "get", path: "/dicom-web/studies/{study}/series/{series}/metadata", tag: "DICOMweb",
                summary: "WADO-RS: the metadata of a series' instances", answers: metadataAnswers),
            APIOperation(
                method: "get", path: "/dicom-web/studies/{study}/series/{series}/instances/{instance}/metadata",
                tag: "DICOMweb", summary: "WADO-RS: the metadata of an instance", answers: metadataAnswers),
            APIOperation(
                method: "get", path: "/dicom-web/studies/{study}/series/{series}/instances/{instance}/frames/{frames}",
                tag: "DICOMweb", summary: "WADO-RS: frames (a comma-separated list of numbers from 1)",
                answers: [
                    APIOperation.Answer(
                        status: 200, description: "The frames, native or in their compressed media type",
                        mediaTypes: ["multipart/related; type=\"application/octet-stream\""]),
                    .error(404, "No such instance or frame"),
                ]),
            APIOperation(
                method: "get", path: "/dicom-web/studies/{study}/series/{series}/instances/{instance}/bulk/{path}",
                tag: "DICOMweb", summary: "WADO-RS: bulk data, as the metadata's BulkDataURI names it",
                answers: [
                    APIOperation.Answer(
                        status: 200, description: "The element's bytes",
                        mediaTypes: ["multipart/related; type=\"application/octet-stream\""]),
                    .error(404, "No such instance or element"),
                ]),
        ] + renderedOperations + [
            APIOperation(
                method: "post", path: "/dicom-web/studies", tag: "DICOMweb", summary: "STOW-RS: store instances",
                body: stowBody, answers: stowAnswers),
            APIOperation(
                method: "post", path: "/dicom-web/studies/{study}", tag: "DICOMweb",
                summary: "STOW-RS: store instances of one study", body: stowBody, answers: stowAnswers),
            APIOperation(
                method: "get", path: "/wado", tag: "DICOMweb", summary: "WADO-URI: an instance as a Part 10 file",
                parameters: wadoURIParameters, answers: wadoURIAnswers),
            APIOperation(
                method: "get", path: "/dicom-web/wado", tag: "DICOMweb", summary: "WADO-URI, under the DICOMweb root",
                parameters: wadoURIParameters, answers: wadoURIAnswers),
        ]

    /// WADO-RS `rendered` and `thumbnail` at every level (PS3.18 8.3.5, DICOMImaging).
    private static let renderedOperations: [APIOperation] = {
        let targets = [
            ("/dicom-web/studies/{study}", "a study"),
            ("/dicom-web/studies/{study}/series/{series}", "a series"),
            ("/dicom-web/studies/{study}/series/{series}/instances/{instance}", "an instance"),
            ("/dicom-web/studies/{study}/series/{series}/instances/{instance}/frames/{frames}", "frames"),
        ]
        let parameters: [APIOperation.Parameter] = [
            .init(name: "window", description: "center,width[,linear|linear-exact|sigmoid]"),
            .init(name: "viewport", description: "vw,vh[,sx,sy,sw,sh]"),
            .init(name: "quality", description: "JPEG quality, 1 to 100", type: "integer"),
            .init(name: "accept", description: "image/jpeg (the default) or image/png"),
        ]
        let answers: [APIOperation.Answer] = [
            APIOperation.Answer(status: 200, description: "The image", mediaTypes: ["image/jpeg", "image/png"]),
            .error(400, "A malformed parameter or a frame that does not exist"),
            .error(404, "No such resource"),
            .error(406, "Pixel data that cannot be rendered yet (compressed), or another media type"),
        ]
        return targets.flatMap { path, what in
            [
                APIOperation(
                    method: "get", path: path + "/rendered", tag: "DICOMweb",
                    summary: "WADO-RS: \(what) rendered as an image", parameters: parameters, answers: answers),
                APIOperation(
                    method: "get", path: path + "/thumbnail", tag: "DICOMweb",
                    summary: "WADO-RS: a thumbnail of \(what)", parameters: parameters, answers: answers),
            ]
        }
    }()

    private static let wadoURIParameters: [APIOperation.Parameter] = [
        .init(name: "requestType", description: "WADO", required: true),
        .init(name: "studyUID", description: "Study Instance UID", required: true),
        .init(name: "seriesUID", description: "Series Instance UID", required: true),
        .init(name: "objectUID", description: "SOP Instance UID", required: true),
        .init(name: "contentType", description: "application/dicom (the default)"),
        .init(name: "transferSyntax", description: "Only the stored one is served"),
    ]
    private static let wadoURIAnswers: [APIOperation.Answer] = [
        APIOperation.Answer(status: 200, description: "The Part 10 file", mediaTypes: ["application/dicom"]),
        .error(400, "A required parameter is missing"),
        .error(404, "No such instance"),
        .error(406, "A rendered content type or another transfer syntax"),
    ]
}
