import Crypto

/// The SHA-256 of a file's bytes as stored (compressed or not): the identity of a submission, so
/// that the same file offered twice is recognised and not applied twice.
public enum ContentHash {
    public static func sha256(of path: String) throws(IngestError) -> String {
        let file = try FileBytes(path: path)
        var hasher = SHA256()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = try file.read(into: chunk)
            if count == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
        }
        return hasher.finalize().map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
        }.joined()
    }
}
