import Testing
import TestSupport
@testable import RuralstatIngest

@Suite("Byte sources")
struct ByteSourceTests {
    static let text = Array((0..<20_000).map { "line \($0)\n" }.joined().utf8)

    @Test func plainAndGzipAreDetectedByMagicBytesNotByName() throws {
        let folder = try TemporaryFolder()
        let plain = try folder.write("looks-compressed.gz", Self.text)
        let gzip = try folder.write("looks-plain.csv", try folder.gzip(Self.text))
        #expect(try ByteSources.readAll(plain) == Self.text)
        #expect(try ByteSources.open(gzip) is PrefetchingSource)
        #expect(try ByteSources.readAll(gzip) == Self.text)
        #expect(try ByteSources.readAll(try folder.write("empty", [])) == [])
    }

    @Test func multiMemberGzipReadsEveryMember() throws {
        let folder = try TemporaryFolder()
        let first = Array("first member\n".utf8), second = Array("second member\n".utf8)
        let path = try folder.write("two.gz", try folder.gzip(first) + folder.gzip(second) + folder.gzip([]))
        #expect(try ByteSources.readAll(path) == first + second)
    }

    @Test func truncatedGzipNamesTheOffset() throws {
        let folder = try TemporaryFolder()
        let whole = try folder.gzip(Self.text)
        let path = try folder.write("cut.gz", Array(whole.prefix(whole.count / 2)))
        #expect {
            _ = try ByteSources.readAll(path)
        } throws: { error in
            guard let error = error as? IngestError else { return false }
            return error.rule == .truncatedCompression && error.location.file == path
                && error.message == "gzip stream ends early at compressed byte \(whole.count / 2) (the file is truncated)"
        }
    }

    @Test func corruptGzipNamesTheOffset() throws {
        let folder = try TemporaryFolder()
        var bytes = try folder.gzip(Self.text)
        for index in 20..<60 { bytes[index] ^= 0x5A }
        let path = try folder.write("corrupt.gz", bytes)
        #expect {
            _ = try ByteSources.readAll(path)
        } throws: { error in
            guard let error = error as? IngestError else { return false }
            return error.rule == .corruptCompression && error.message.hasPrefix("gzip data is corrupt at compressed byte ")
        }
    }

    @Test func gzipBombIsRefused() throws {
        let folder = try TemporaryFolder()
        // 20 MB of zeros compress about 1000×.
        let path = try folder.write("bomb.gz", try folder.gzip([UInt8](repeating: 0, count: 20 << 20), level: 9))
        let byRatio = DecompressionLimits(maxBytes: 1 << 40, maxRatio: 100, ratioGraceBytes: 1 << 20)
        #expect {
            _ = try ByteSources.readAll(path, limits: byRatio)
        } throws: { error in
            guard let error = error as? IngestError else { return false }
            return error.rule == .decompressionBomb && error.message.contains("above the limit of 100×")
        }
        let bySize = DecompressionLimits(maxBytes: 4 << 20, maxRatio: 1 << 30, ratioGraceBytes: 1 << 40)
        #expect {
            _ = try ByteSources.readAll(path, limits: bySize)
        } throws: { error in
            (error as? IngestError)?.message.contains("expands beyond the limit of 4194304 bytes") == true
        }
        // Within the default limits the same file reads.
        #expect(try ByteSources.readAll(path).count == 20 << 20)
    }

    @Test func missingFileAndDirectoryAreClearErrors() throws {
        let folder = try TemporaryFolder()
        #expect(throws: IngestError.self) { try ByteSources.open(folder.url.appendingPathComponent("nope.csv").path) }
        #expect {
            _ = try ByteSources.open(folder.url.path)
        } throws: { error in (error as? IngestError)?.message == "is a directory, not a file" }
    }
}
