import ArchivePostgres
import Testing

/// The database URL's parameters beyond libpq's connection: the waits (no server needed).
@Suite("PostgreSQL URL")
struct PostgresURLTests {
    @Test("connect_timeout and pool_wait set the start-up and pool waits; absent, 15 s and 2 s")
    func waits() throws {
        let defaults = try PostgresIndexStore.Configuration(url: "postgres://apus@db/apus?sslmode=disable")
        #expect(defaults.connectTimeout == .seconds(15))
        #expect(defaults.connectionWait == .seconds(2))
        let set = try PostgresIndexStore.Configuration(
            url: "postgres://apus@db/apus?sslmode=disable&connect_timeout=3&pool_wait=0.25")
        #expect(set.connectTimeout == .seconds(3))
        #expect(set.connectionWait == .milliseconds(250))
        #expect(set.database == "apus")
    }

    @Test("a wait that is not a number of seconds up to an hour is refused, naming the parameter")
    func badWaits() {
        for (name, value) in [
            ("pool_wait", "0"), ("pool_wait", "-1"), ("connect_timeout", "soon"), ("pool_wait", "7200"),
        ] {
            #expect {
                _ = try PostgresIndexStore.Configuration(
                    url: "postgres://apus@db/apus?sslmode=disable&\(name)=\(value)")
            } throws: { error in
                (error as? PostgresURLError)?.problem.hasPrefix("\(name) '\(value)'") == true
            }
        }
    }
}
