import BenchSupport
import Foundation

/// The PostgreSQL server and S3 endpoint the tests use (scripts/postgres-for-tests,
/// scripts/s3-for-tests), named by the same variables; a database or bucket per target.
enum Backends {
    struct PostgresServer {
        let host: String
        let port: Int
        let user: String
        let database: String
    }

    /// The server of APUS_TEST_POSTGRES_URL with another database.
    static func server(database: String) throws -> PostgresServer {
        let components = try serverURL()
        guard let host = components.host, let port = components.port else {
            throw BenchmarkError("APUS_TEST_POSTGRES_URL has no host and port")
        }
        return PostgresServer(host: host, port: port, user: components.user ?? "postgres", database: database)
    }

    /// Creates `name` on the server and returns its URL.
    static func createDatabase(_ name: String) throws -> String {
        var components = try serverURL()
        guard let url = components.string else { throw BenchmarkError("APUS_TEST_POSTGRES_URL is not a URL") }
        try run(try resolve("psql"), ["-q", "-v", "ON_ERROR_STOP=1", url, "-c", "CREATE DATABASE \(name)"])
        components.path = "/" + name
        guard let database = components.string else { throw BenchmarkError("cannot make the URL of \(name)") }
        log("PostgreSQL database \(name)")
        return database
    }

    /// Creates `bucket` on the S3 endpoint of APUS_TEST_S3_ENDPOINT (moto takes an unsigned
    /// CreateBucket) and returns the `--storage` value that names it.
    static func createBucket(_ bucket: String) throws -> String {
        guard let endpoint = ProcessInfo.processInfo.environment["APUS_TEST_S3_ENDPOINT"] else {
            throw BenchmarkError("apus-s3 needs APUS_TEST_S3_ENDPOINT: eval \"$(scripts/s3-for-tests start)\"")
        }
        try run(try resolve("curl"), ["-sSf", "-X", "PUT", "\(endpoint)/\(bucket)", "-o", "/dev/null"])
        log("S3 bucket \(bucket) on \(endpoint)")
        return "s3://\(bucket)/bench?endpoint=\(endpoint)&region=us-east-1&addressing=path"
    }

    private static func serverURL() throws -> URLComponents {
        guard let text = ProcessInfo.processInfo.environment["APUS_TEST_POSTGRES_URL"],
            let components = URLComponents(string: text)
        else {
            throw BenchmarkError(
                "the PostgreSQL targets need APUS_TEST_POSTGRES_URL: eval \"$(scripts/postgres-for-tests start $$)\"")
        }
        return components
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchmarkError(
                "\(executable) \(arguments.joined(separator: " ")): \(String(decoding: message, as: UTF8.self))")
        }
    }
}
