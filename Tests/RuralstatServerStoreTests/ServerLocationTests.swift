import RuralstatServerStore
import Testing

/// Server store URLs, read as libpq reads them; no server needed.
@Suite("Server store: locations")
struct ServerLocationTests {
    @Test func urlsAreReadAsLibpqReadsThem() throws {
        let socket = try ServerLocation(url: "postgresql://ruralstat_admin@/ruralstat?host=/tmp/pg", environment: [:])
        #expect(socket.socketPath == "/tmp/pg/.s.PGSQL.5432" && socket.encryption == .disable && socket.database == "ruralstat")
        let tcp = try ServerLocation(url: "postgresql://nbs:s%40cret@db.example.org:6543/stats", environment: [:])
        #expect(tcp.host == "db.example.org" && tcp.port == 6543 && tcp.password == "s@cret" && tcp.encryption == .require)
        #expect(!tcp.description.contains("cret"))
        let fromEnvironment = try ServerLocation(url: "postgres://nbs@db/stats?sslmode=prefer", environment: ["PGPASSWORD": "p"])
        #expect(fromEnvironment.password == "p" && fromEnvironment.encryption == .prefer)
        for bad in [
            "postgresql://db/stats", "postgresql://nbs@db/", "postgresql://nbs@db/stats?sslmode=maybe", "postgresql://nbs@db/stats?user=x",
            "postgresql://nbs@/stats?host=relative", "mysql://nbs@db/stats",
        ] {
            #expect(throws: ServerStoreError.self, "\(bad)") { try ServerLocation(url: bad, environment: [:]) }
        }
        let error = try #require(throws: ServerStoreError.self) { try ServerLocation(url: "postgresql://nbs:secret@db/", environment: [:]) }
        #expect(!error.description.contains("secret"))
    }
}
