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

    init(request: Request, fallbackPort: Int) {
        let authority = request.head.authority ?? "localhost:\(fallbackPort)"
        // Behind a proxy that ends TLS, the scheme the client used.
        let forwarded = request.headers.first { $0.name.canonicalName == "x-forwarded-proto" }?.value
        let scheme = forwarded ?? request.head.scheme ?? "http"
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
