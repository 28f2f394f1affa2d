public import ArchiveS3

extension ServerConfiguration {
    /// The standard AWS variables an `s3://` storage setting falls back on, as the AWS CLI
    /// and SDKs read them.
    static let awsVariables: Set<String> = [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL",
    ]

    /// The S3 store's configuration when `storage` is an `s3://` URL, nil for files. Endpoint:
    /// the URL's, else AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL, else AWS's regional one.
    /// Region: the URL's, else AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1.
    /// Addressing: the URL's, else path-style with a custom endpoint and virtual-hosted on AWS.
    /// Credentials: the s3AccessKeyID/s3SecretAccessKey settings, else the AWS variables
    /// (with AWS_SESSION_TOKEN).
    public func s3Configuration() throws(ConfigurationError) -> S3Configuration? {
        guard case .s3(let location) = storage else { return nil }
        let aws = awsEnvironment
        let region = location.region ?? aws["AWS_REGION"] ?? aws["AWS_DEFAULT_REGION"] ?? "us-east-1"
        var endpoint = location.endpoint
        if endpoint == nil, let text = aws["AWS_ENDPOINT_URL_S3"] ?? aws["AWS_ENDPOINT_URL"] {
            guard let parsed = S3Endpoint(text) else {
                let name = aws["AWS_ENDPOINT_URL_S3"] != nil ? "AWS_ENDPOINT_URL_S3" : "AWS_ENDPOINT_URL"
                throw ConfigurationError(setting: name, problem: "'\(text)' is not http(s)://host[:port]")
            }
            endpoint = parsed
        }
        let credentials: S3Credentials
        if let id = s3AccessKeyID, let secret = s3SecretAccessKey {
            credentials = S3Credentials(accessKeyID: id, secretAccessKey: secret)
        } else if s3AccessKeyID != nil || s3SecretAccessKey != nil {
            throw ConfigurationError(
                setting: "APUS_S3_ACCESS_KEY_ID / APUS_S3_SECRET_ACCESS_KEY",
                problem: "give both the access key id and the secret, or neither")
        } else if let id = aws["AWS_ACCESS_KEY_ID"], let secret = aws["AWS_SECRET_ACCESS_KEY"] {
            credentials = S3Credentials(
                accessKeyID: id, secretAccessKey: secret, sessionToken: aws["AWS_SESSION_TOKEN"])
        } else {
            throw ConfigurationError(
                setting: "storage",
                problem: "S3 storage needs credentials: set APUS_S3_ACCESS_KEY_ID and APUS_S3_SECRET_ACCESS_KEY "
                    + "(or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
        }
        return S3Configuration(
            bucket: location.bucket, prefix: location.prefix, endpoint: endpoint, region: region,
            addressing: location.addressing ?? (endpoint == nil ? .virtualHosted : .path),
            serverSideEncryption: location.serverSideEncryption, credentials: credentials)
    }
}
