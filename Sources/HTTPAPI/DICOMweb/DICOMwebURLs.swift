import Hummingbird

/// The absolute URLs of our WADO-RS resources, as the client that asked reached us: RetrieveURL
/// in QIDO-RS answers, BulkDataURI in metadata. Built from the request's scheme and authority
/// (the Host header), so that they resolve through whatever name the client used.
struct DICOMwebURLs: Sendable {
    /// `http://host:port/dicom-web`.
    let root: String

    init(root: String) {
        self.root = root
    }

    /// - Parameter port: the port this server listens on.
    init(request: Request, port: Int) {
        var authority = request.head.authority ?? "localhost:\(port)"
        // Behind a proxy that ends TLS, the scheme the client used.
        let forwardedProto = request.headers.first { $0.name.canonicalName == "x-forwarded-proto" }?.value
        let proxied = request.headers.contains { $0.name.canonicalName.hasPrefix("x-forwarded-") }
        let scheme = forwardedProto ?? request.head.scheme ?? "http"
        // Some clients (dicomweb-client 0.61) send a Host without the port they connected to. A
        // client that reached us directly connected to our port, so the URLs name it; behind a
        // proxy the Host is the proxy's, left as it is.
        let hasPort = authority.hasPrefix("[") ? authority.contains("]:") : authority.contains(":")
        if !proxied, !hasPort, port != (scheme == "https" ? 443 : 80) { authority += ":\(port)" }
        self.init(root: "\(scheme)://\(authority)/dicom-web")
    }

    func study(_ study: String) -> String { "\(root)/studies/\(study)" }

    func series(_ study: String, _ series: String) -> String { "\(self.study(study))/series/\(series)" }

    func instance(_ study: String, _ series: String, _ instance: String) -> String {
        "\(self.series(study, series))/instances/\(instance)"
    }

    /// Where the bulk data of an instance lives; an `apus-bulk:` path follows.
    func bulkPrefix(_ study: String, _ series: String, _ instance: String) -> String {
        "\(self.instance(study, series, instance))/bulk/"
    }
}
