import Crypto
import Foundation
@testable import RuralstatServerStore
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
        // A stray % is taken as it is, never as a reason to fall back to PGPASSWORD.
        #expect(try ServerLocation(url: "postgresql://nbs:s%zzecret@db/stats", environment: ["PGPASSWORD": "other"]).password == "s%zzecret")
        for url in ["postgresql://nbs:secret@db/", "postgresql://nbs:se#cr/et@db/stats"] {
            let error = try #require(throws: ServerStoreError.self) { try ServerLocation(url: url, environment: [:]) }
            #expect(!error.description.contains("cr") && error.isInvalidInput, "\(error)")
        }
        let v6 = try ServerLocation(url: "postgresql://nbs@[::1]:6543/stats", environment: [:])
        #expect(v6.host == "::1" && v6.description == "postgresql://nbs@[::1]:6543/stats")
        #expect(try #require(throws: ServerStoreError.self) { try ServerLocation(url: "postgresql://n@d/s?sslmode=x", environment: [:]) }.isInvalidInput)
    }

    /// RFC 7677's example exchange (user "user", password "pencil"): the keys give its client proof and server signature.
    @Test func scramKeysMatchRFC7677() throws {
        let salt = Array(try #require(Data(base64Encoded: "W22ZaJ0SNY7soEsUEjb6gQ==")))
        let keys = ScramVerifier.keys(password: "pencil", salt: salt, iterations: 4096)
        let nonce = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
        let message = "n=user,r=rOprNGfwEbeRWgbNEkqO,r=\(nonce),s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=\(nonce)"
        let signature = Data(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: keys.server)))
        #expect(signature.base64EncodedString() == "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
        let clientSignature = Data(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: keys.stored)))
        let proof = Data(zip(keys.client, clientSignature).map { $0 ^ $1 })
        #expect(proof.base64EncodedString() == "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
        #expect(throws: ServerStoreError.self) { try ScramVerifier.make(password: "密码") }
    }
}
