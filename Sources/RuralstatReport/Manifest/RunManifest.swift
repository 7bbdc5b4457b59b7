import Foundation
import RuralstatModel

/// What a run read, with which software and parameters, how long each stage took and what it wrote —
/// so that any published table can be traced back to what produced it (`manifest.json`).
public struct RunManifest: Codable, Sendable {
    public struct Reference: Codable, Sendable {
        public var files: [String]
        public var version: String
        public var sha256: String
        public init(files: [String], version: String, sha256: String) {
            self.files = files
            self.version = version
            self.sha256 = sha256
        }
    }

    public struct Stage: Codable, Sendable {
        public var name: String
        public var ran: Bool
        public var seconds: Double
        public var detail: String
        public init(name: String, ran: Bool, seconds: Double, detail: String) {
            (self.name, self.ran, self.seconds, self.detail) = (name, ran, seconds, detail)
        }
    }

    public struct Output: Codable, Sendable {
        public var file: String
        public var bytes: Int
        public var sha256: String
        public init(file: String, bytes: Int, sha256: String) {
            self.file = file
            self.bytes = bytes
            self.sha256 = sha256
        }
    }

    public var software: String
    public var run: Int64
    public var startedAt: String
    public var finishedAt: String
    public var spec: Reference
    public var catalog: Reference
    public var registry: Reference
    public var rules: Reference?
    /// The assessment spec (version: its Monte Carlo seed), when the run assessed.
    public var assessment: Reference?
    public var parameters: [String: String]
    public var inputs: [SubmissionLedgerEntry]
    public var stages: [Stage]
    public var outputs: [Output]

    public init(
        software: String, run: Int64, startedAt: String, finishedAt: String, spec: Reference, catalog: Reference, registry: Reference,
        rules: Reference?, assessment: Reference? = nil, parameters: [String: String], inputs: [SubmissionLedgerEntry], stages: [Stage],
        outputs: [Output]
    ) {
        self.software = software
        self.run = run
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.spec = spec
        self.catalog = catalog
        self.registry = registry
        self.rules = rules
        self.assessment = assessment
        self.parameters = parameters
        self.inputs = inputs
        self.stages = stages
        self.outputs = outputs
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(self)
    }
}
