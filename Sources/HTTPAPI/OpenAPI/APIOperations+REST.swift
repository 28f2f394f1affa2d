extension HTTPAPI {
    /// Orthanc's resource routes: `/patients`, `/studies`, `/series`, `/instances`, each
    /// resource by id, its descendants and ancestors, an instance's file and tags, upload,
    /// deletion and `/tools`.
    static let restOperations: [APIOperation] = {
        let levels = [
            ("patients", "Patient"), ("studies", "Study"), ("series", "Series"), ("instances", "Instance"),
        ]
        var operations: [APIOperation] = []
        for (index, (collection, type)) in levels.enumerated() {
            operations.append(
                APIOperation(
                    method: "get", path: "/\(collection)", tag: "REST",
                    summary: "The ids of every \(type.lowercased())",
                    parameters: [
                        .init(name: "expand", description: "Objects instead of ids"),
                        .init(name: "since", description: "Skip this many", type: "integer"),
                        .init(name: "limit", description: "At most this many", type: "integer"),
                    ],
                    answers: [.json("Ids, or objects with expand")]))
            operations.append(
                APIOperation(
                    method: "get", path: "/\(collection)/{id}", tag: "REST", summary: "A \(type.lowercased()) by id",
                    answers: [
                        .json("The \(type.lowercased()): main tags, parent, children"), .error(404, "No such id"),
                    ]
                ))
            operations.append(
                APIOperation(
                    method: "delete", path: "/\(collection)/{id}", tag: "REST",
                    summary: "Delete a \(type.lowercased()) and what is under it (admin role)",
                    answers: [.json("Removed; the remaining ancestor"), .error(404, "No such id")]))
            if collection != "instances" {
                operations.append(
                    APIOperation(
                        method: "get", path: "/\(collection)/{id}/archive", tag: "REST",
                        summary: "Every instance under a \(type.lowercased()) as one ZIP archive, streamed",
                        answers: [
                            APIOperation.Answer(
                                status: 200, description: "Patient/Study/Series/instance.dcm folders",
                                mediaTypes: ["application/zip"]),
                            .error(404, "No such id"),
                        ]))
            }
            for (below, belowType) in levels[(index + 1)...] {
                operations.append(
                    APIOperation(
                        method: "get", path: "/\(collection)/{id}/\(below)", tag: "REST",
                        summary: "The \(belowType.lowercased()) entities under a \(type.lowercased())",
                        answers: [.json("Objects"), .error(404, "No such id")]))
            }
            for (_, aboveType) in levels[..<index] {
                operations.append(
                    APIOperation(
                        method: "get", path: "/\(collection)/{id}/\(aboveType.lowercased())", tag: "REST",
                        summary: "The \(aboveType.lowercased()) of a \(type.lowercased())",
                        answers: [.json("The object"), .error(404, "No such id")]))
            }
        }
        operations += [
            APIOperation(
                method: "get", path: "/instances/{id}/file", tag: "REST", summary: "An instance's Part 10 file",
                answers: [
                    APIOperation.Answer(
                        status: 200, description: "The file as stored", mediaTypes: ["application/dicom"]),
                    .error(404, "No such id"),
                ]),
            APIOperation(
                method: "get", path: "/instances/{id}/tags", tag: "REST", summary: "An instance's tags, Orthanc's JSON",
                parameters: [.init(name: "simplify", description: "Keyword: value, as simplified-tags")],
                answers: [.json("Tags by gggg,eeee with Name, Type and Value"), .error(404, "No such id")]),
            APIOperation(
                method: "get", path: "/instances/{id}/simplified-tags", tag: "REST",
                summary: "An instance's tags as keyword: value",
                answers: [.json("Tags by keyword"), .error(404, "No such id")]),
            APIOperation(
                method: "post", path: "/instances", tag: "REST", summary: "Store a Part 10 file (write role)",
                body: (
                    mediaTypes: ["application/dicom", "application/zip"],
                    description: "A DICOM Part 10 file, or a ZIP archive of them"
                ),
                answers: [
                    .json("ID, Path, Status (Success or AlreadyStored); for a ZIP archive, one such object per file"),
                    .error(400, "Not a DICOM file"),
                ]),
            APIOperation(
                method: "post", path: "/tools/import-zip", tag: "REST",
                summary: "Store every DICOM file of a ZIP archive (write role)",
                body: (mediaTypes: ["application/zip"], description: "A ZIP archive"),
                answers: [
                    .json("One result per file: stored, duplicate, refused (and why) or skipped"),
                    .text(400, "Not a ZIP archive, or a hostile one"), .text(413, "Too large"),
                ]),
            APIOperation(
                method: "get", path: "/tools/export-zip", tag: "REST",
                summary: "Several studies as one ZIP archive, streamed",
                parameters: [.init(name: "study", description: "A Study Instance UID; repeated", required: true)],
                answers: [
                    APIOperation.Answer(status: 200, description: "The archive", mediaTypes: ["application/zip"]),
                    .text(400, "No study named"),
                ]),
            APIOperation(
                method: "post", path: "/tools/find", tag: "REST",
                summary: "Search as Orthanc's /tools/find (read role)",
                body: (mediaTypes: ["application/json"], description: "Level, Query, Expand, Limit, Since"),
                answers: [.json("Ids, or objects with Expand"), .error(400, "A malformed query")]),
            APIOperation(
                method: "post", path: "/tools/lookup", tag: "REST", summary: "Which resources carry a UID",
                body: (mediaTypes: ["text/plain"], description: "A Patient ID or a study, series or SOP Instance UID"),
                answers: [.json("ID, Path and Type of each")]),
        ]
        return operations
    }()
}
