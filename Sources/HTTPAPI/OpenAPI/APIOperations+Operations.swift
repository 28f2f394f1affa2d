extension HTTPAPI {
    /// The change feed, DICOM peers, the server's state, and this document.
    static let operationsOperations: [APIOperation] = [
        APIOperation(
            method: "get", path: "/changes", tag: "Changes", summary: "A page of the change feed, as Orthanc's",
            parameters: [
                .init(name: "since", description: "The last sequence number seen (0: from the start)", type: "integer"),
                .init(name: "limit", description: "At most this many (100 by default, 10000 at most)", type: "integer"),
                .init(name: "last", description: "Only the latest change (Last: its sequence number)"),
            ],
            answers: [
                .json("Changes (Seq, ChangeType, ResourceType, ID, Path, Date), Done, Last"),
                .error(400, "Bad since or limit"),
            ]),
        APIOperation(
            method: "get", path: "/changes/stream", tag: "Changes",
            summary: "The change feed as Server-Sent Events, from any replica",
            parameters: [
                .init(name: "since", description: "Start after this sequence number", type: "integer"),
                .init(
                    name: "Last-Event-ID", location: "header", description: "Resume after this event", type: "integer"),
            ],
            answers: [
                APIOperation.Answer(
                    status: 200, description: "Events named change, id the sequence number, data as in /changes",
                    mediaTypes: ["text/event-stream"])
            ]),
        APIOperation(
            method: "get", path: "/modalities", tag: "Modalities", summary: "The configured DICOM peers",
            parameters: [.init(name: "expand", description: "Objects with AET, Host, Port instead of names")],
            answers: [.json("Names, or objects with expand")]),
        APIOperation(
            method: "get", path: "/modalities/{name}", tag: "Modalities", summary: "A peer's AE title, host and port",
            answers: [.json("AET, Host, Port"), .error(404, "No peer by that name")]),
        APIOperation(
            method: "post", path: "/modalities/{name}/echo", tag: "Modalities", summary: "C-ECHO the peer (admin role)",
            answers: [
                .json("Status and round trip in milliseconds"), .error(404, "No peer by that name"),
                .error(502, "The peer can't be reached or refused"), .error(504, "The peer did not answer in time"),
            ]),
        APIOperation(
            method: "post", path: "/modalities/{name}/store", tag: "Modalities",
            summary: "C-STORE patients, studies, series or instances to the peer, synchronously (admin role)",
            body: (
                mediaTypes: ["application/json"],
                description:
                    "An Orthanc id or a UID, a list of them, or {\"Resources\": [...], \"Synchronous\": true} as "
                    + "Orthanc takes it: ids of patients, studies, series or instances; study, series or SOP "
                    + "Instance UIDs; a bare id, unquoted, also works"
            ),
            answers: [
                .json(
                    "Description, LocalAet, RemoteAet, ParentResources, InstancesCount, FailedInstancesCount "
                        + "(Orthanc's), CompletedCount, WarningCount, Failures"),
                .error(400, "No resources, neither ids nor UIDs, or Asynchronous"),
                .error(404, "No such peer, id or UID"), .error(502, "The peer can't be reached or refused"),
                .error(504, "The peer did not answer in time"),
            ]),
        APIOperation(
            method: "post", path: "/modalities/{name}/query", tag: "Modalities",
            summary: "C-FIND at the peer (admin role)",
            body: (
                mediaTypes: ["application/json"],
                description:
                    "{\"Level\": \"Study\", \"Query\": {\"PatientName\": \"DOE*\", \"StudyDate\": \"\"}, \"Limit\": 100}"
            ),
            answers: [
                .dicomJSON("The peer's matches"), .error(400, "Bad level or keyword"),
                .error(404, "No peer by that name"), .error(502, "The peer can't be reached or refused"),
            ]),
        APIOperation(
            method: "post", path: "/modalities/{name}/move", tag: "Modalities",
            summary: "C-MOVE at the peer, to us or another AE title (admin role)",
            body: (
                mediaTypes: ["application/json"],
                description:
                    "{\"Level\": \"Study\", \"Resources\": [{\"StudyInstanceUID\": \"1.2.3\"}], \"TargetAet\": \"APUS\"}"
            ),
            answers: [
                .json("TargetAet and, per resource, Status and sub-operation counts"), .error(400, "Bad body"),
                .error(404, "No peer by that name"), .error(502, "The peer can't be reached or refused"),
            ]),
        APIOperation(
            method: "get", path: "/auth/config", tag: "Authentication",
            summary: "How to sign in: whether credentials are required, Basic, the OIDC provider (open)",
            answers: [.json("AuthenticationRequired, Basic, OIDC (AuthorizationEndpoint, ClientID, Scope) or null")]),
        APIOperation(
            method: "get", path: "/auth/me", tag: "Authentication", summary: "The caller: name, role and method",
            answers: [.json("Name, Role (read, write, admin), Method (basic, bearer, none)")]),
        APIOperation(
            method: "post", path: "/auth/oidc/token", tag: "Authentication",
            summary: "Trade an authorization code (with its PKCE verifier) for a checked ID token (open)",
            body: (
                mediaTypes: ["application/json"],
                description: "{\"code\": \"…\", \"codeVerifier\": \"…\", \"redirectUri\": \"…\", \"nonce\": \"…\"}"
            ),
            answers: [
                .json("Token (the ID token, to send as a bearer token), Name, Role"),
                .error(400, "Missing members"), .error(401, "The provider or the token check refused"),
                .error(404, "No OIDC provider configured"),
            ]),
        APIOperation(
            method: "get", path: "/system", tag: "System", summary: "This server, in Orthanc's keys",
            answers: [.json("Name, Version, DicomAet, DicomPort, HttpPort, DatabaseBackend, StorageBackend")]),
        APIOperation(
            method: "get", path: "/statistics", tag: "System", summary: "Counts and sizes",
            answers: [.json("CountPatients, CountStudies, CountSeries, CountInstances, TotalDiskSize…")]),
        APIOperation(
            method: "get", path: "/healthz", tag: "System", summary: "Liveness (no credentials needed)",
            answers: [.text(200, "ok")]),
        APIOperation(
            method: "get", path: "/readyz", tag: "System",
            summary: "Readiness: the index answers (no credentials needed)",
            answers: [.text(200, "ready"), .text(503, "The index can't be reached")]),
        APIOperation(
            method: "get", path: "/metrics", tag: "System", summary: "Prometheus metrics (no credentials needed)",
            answers: [.text(200, "Prometheus text exposition")]),
        APIOperation(
            method: "get", path: "/openapi.json", tag: "System", summary: "This document",
            answers: [.json("OpenAPI 3.0")]),
        APIOperation(
            method: "get", path: "/", tag: "Web UI", summary: "Leads to the web UI",
            answers: [APIOperation.Answer(status: 302, description: "To /ui/")]),
        APIOperation(
            method: "get", path: "/ui", tag: "Web UI", summary: "The web UI",
            answers: [APIOperation.Answer(status: 200, description: "The page", mediaTypes: ["text/html"])]),
        APIOperation(
            method: "get", path: "/ui/{path}", tag: "Web UI", summary: "A file of the web UI",
            answers: [
                APIOperation.Answer(status: 200, description: "The file"),
                APIOperation.Answer(status: 304, description: "Unchanged (If-None-Match)"),
                .text(404, "No such file"),
            ]),
        APIOperation(
            method: "get", path: "/app/explorer.html", tag: "Web UI", summary: "Orthanc Explorer's address: the web UI",
            answers: [APIOperation.Answer(status: 200, description: "The page", mediaTypes: ["text/html"])]),
    ]

    /// Every operation of the HTTP API, in the order the document lists them.
    static var operations: [APIOperation] { dicomWebOperations + restOperations + operationsOperations }
}
