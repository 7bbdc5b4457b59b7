import Crypto
import Foundation

/// A password as PostgreSQL stores it for SCRAM-SHA-256 (RFC 5802, RFC 7677): a random salt, 4096
/// iterations, and the stored and server keys, `SCRAM-SHA-256$4096:<salt>$<StoredKey>:<ServerKey>`.
/// `ALTER ROLE … PASSWORD` takes a verifier as it is, so the password itself never reaches the
/// server, nor its log.
enum ScramVerifier {
    static let iterations = 4096

    /// The verifier of `password` with a new random salt.
    ///
    /// - Throws: ``ServerStoreError`` for an empty password, or one with characters outside
    ///   printable ASCII (the server would normalise those by SASLprep, which is not done here).
    static func make(password: String) throws(ServerStoreError) -> String {
        guard !password.isEmpty, password.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw ServerStoreError("a password is printable ASCII characters, at least one", isInvalidInput: true)
        }
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255) }
        let keys = Self.keys(password: password, salt: salt, iterations: iterations)
        return "SCRAM-SHA-256$\(iterations):\(Data(salt).base64EncodedString())$\(keys.stored.base64EncodedString()):\(keys.server.base64EncodedString())"
    }

    /// The client, stored and server keys of RFC 5802 §3 for `password`, `salt` and `iterations`.
    static func keys(password: String, salt: [UInt8], iterations: Int) -> (client: Data, stored: Data, server: Data) {
        let salted = SymmetricKey(data: saltedPassword(password, salt: salt, iterations: iterations))
        let client = Data(HMAC<SHA256>.authenticationCode(for: Data("Client Key".utf8), using: salted))
        let server = Data(HMAC<SHA256>.authenticationCode(for: Data("Server Key".utf8), using: salted))
        return (client, Data(SHA256.hash(data: client)), server)
    }

    /// PBKDF2 with HMAC-SHA-256, one 32-byte block: Hi(password, salt, i) of RFC 5802.
    static func saltedPassword(_ password: String, salt: [UInt8], iterations: Int) -> Data {
        let key = SymmetricKey(data: Data(password.utf8))
        var block = Data(HMAC<SHA256>.authenticationCode(for: Data(salt + [0, 0, 0, 1]), using: key))
        var result = block
        for _ in 1..<iterations {
            block = Data(HMAC<SHA256>.authenticationCode(for: block, using: key))
            for index in result.indices { result[index] ^= block[index] }
        }
        return result
    }
}
